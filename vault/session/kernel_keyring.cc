// The session keyring through libkeyutils (linked statically into the
// akvault binary: Debian's libkeyutils-dev ships libkeyutils.a).
#include <keyutils.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "vault/session/session_keyring.h"

namespace akv {
namespace {

// keyctl_describe's "type;uid;gid;perm;description".
struct KeyDescription {
  std::string type;
  long uid = -1;
  std::uint32_t perm = 0;
  std::string description;
};

std::optional<KeyDescription> DescribeKey(key_serial_t id) {
  char* raw = nullptr;
  if (::keyctl_describe_alloc(id, &raw) < 0) return std::nullopt;
  std::string text(raw);
  std::free(raw);
  KeyDescription d;
  std::size_t pos = 0;
  std::string fields[4];
  for (auto& field : fields) {
    const std::size_t semi = text.find(';', pos);
    if (semi == std::string::npos) return std::nullopt;
    field = text.substr(pos, semi - pos);
    pos = semi + 1;
  }
  d.type = fields[0];
  d.uid = std::strtol(fields[1].c_str(), nullptr, 10);
  d.perm = static_cast<std::uint32_t>(std::strtoul(fields[3].c_str(), nullptr, 16));
  d.description = text.substr(pos);
  return d;
}

bool Blocked(int err) { return err == EPERM || err == ENOSYS || err == EACCES; }

Status KeyctlFailure(int err, const std::string& what) {
  if (Blocked(err)) {
    return Status::NoSession(
        "the kernel keyring is not available to this process (" + what + ": " + std::strerror(err) + ")",
        "containers usually block it (Docker's default seccomp profile); unlock on the host, "
        "or type the passphrase for each command");
  }
  return Status::Internal("kernel keyring: " + what + " failed: " + std::strerror(err));
}

class KernelSessionKeyring final : public SessionKeyring {
 public:
  Result<Info> Describe() override {
    // KEYCTL_GET_KEYRING_ID without create: the session keyring the process
    // has, or the user-session keyring the kernel falls back to.
    const key_serial_t id = ::keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0);
    if (id < 0) return KeyctlFailure(errno, "keyctl get_keyring_ID @s");
    auto d = DescribeKey(id);
    if (!d) return KeyctlFailure(errno, "keyctl describe @s");
    return Info{id, d->description};
  }

  Status Put(const std::string& name, const SecretBuffer& payload, std::int64_t timeout_seconds) override {
    if (timeout_seconds < 1 || timeout_seconds > 0xFFFFFFFFLL) return Status::Internal("key timeout out of range");
    // An existing key of that name has no write permission, so add_key
    // could not update it in place: remove it first.
    AKV_RETURN_IF_ERROR(Remove(name).status());
    const key_serial_t id = ::add_key("user", name.c_str(), payload.data(), payload.size(), KEY_SPEC_SESSION_KEYRING);
    if (id < 0) return KeyctlFailure(errno, "add_key");
    // The expiry first, so that no failure below leaves a key without one.
    if (::keyctl_set_timeout(id, static_cast<unsigned>(timeout_seconds)) < 0 ||
        ::keyctl_setperm(id, kPossessorOnlyPerm) < 0) {
      const int err = errno;
      ::keyctl_invalidate(id);
      return KeyctlFailure(err, "keyctl set_timeout/setperm");
    }
    return Status::Ok();
  }

  Result<std::optional<SecretBuffer>> Get(const std::string& name, std::size_t max_bytes) override {
    AKV_ASSIGN_OR_RETURN(std::optional<key_serial_t> id, Find(name));
    if (!id) return std::optional<SecretBuffer>();
    SecretBuffer out(max_bytes + 1);
    const long n = ::keyctl_read(*id, reinterpret_cast<char*>(out.data()), out.size());
    if (n < 0) {
      const int err = errno;
      if (err == EKEYEXPIRED || err == EKEYREVOKED || err == ENOKEY) return std::optional<SecretBuffer>();
      return KeyctlFailure(err, "keyctl read");
    }
    if (static_cast<std::size_t>(n) > max_bytes) return std::optional<SecretBuffer>();
    out.Truncate(static_cast<std::size_t>(n));
    return std::optional<SecretBuffer>(std::move(out));
  }

  Result<bool> Remove(const std::string& name) override {
    AKV_ASSIGN_OR_RETURN(std::optional<key_serial_t> id, Find(name, /*any_perm=*/true));
    if (!id) return false;
    if (::keyctl_invalidate(*id) < 0) {
      // Not ours to invalidate (no search permission): unlink it from the
      // session keyring, which the possessor may always write.
      if (::keyctl_unlink(*id, KEY_SPEC_SESSION_KEYRING) < 0) return KeyctlFailure(errno, "keyctl invalidate");
    }
    return true;
  }

  Result<std::vector<std::string>> Names(const std::string& prefix) override {
    AKV_ASSIGN_OR_RETURN(auto ids, Children());
    std::vector<std::string> names;
    for (key_serial_t id : ids) {
      auto d = DescribeKey(id);
      if (d && d->type == "user" && d->description.rfind(prefix, 0) == 0) names.push_back(d->description);
    }
    return names;
  }

 private:
  // The keys linked directly in the session keyring.
  Result<std::vector<key_serial_t>> Children() {
    std::vector<key_serial_t> ids(64);
    for (;;) {
      const long n = ::keyctl_read(KEY_SPEC_SESSION_KEYRING, reinterpret_cast<char*>(ids.data()),
                                   ids.size() * sizeof(key_serial_t));
      if (n < 0) return KeyctlFailure(errno, "keyctl read @s");
      const std::size_t count = static_cast<std::size_t>(n) / sizeof(key_serial_t);
      if (count <= ids.size()) {
        ids.resize(count);
        return ids;
      }
      ids.resize(count);  // the keyring grew; read again
    }
  }

  // The live user key `name` of this uid directly in the session keyring;
  // unless `any_perm`, only one with exactly the possessor-only permissions
  // (a key someone else planted with looser ones is never used).
  Result<std::optional<key_serial_t>> Find(const std::string& name, bool any_perm = false) {
    AKV_ASSIGN_OR_RETURN(auto ids, Children());
    for (key_serial_t id : ids) {
      auto d = DescribeKey(id);
      if (!d || d->type != "user" || d->description != name) continue;
      if (!any_perm && (d->perm != kPossessorOnlyPerm || d->uid != static_cast<long>(::geteuid()))) continue;
      return std::optional<key_serial_t>(id);
    }
    return std::optional<key_serial_t>();
  }
};

}  // namespace

std::unique_ptr<SessionKeyring> NewKernelSessionKeyring() { return std::make_unique<KernelSessionKeyring>(); }

}  // namespace akv

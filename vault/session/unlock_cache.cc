#include "vault/session/unlock_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "vault/clock.h"
#include "vault/crypto/aead.h"
#include "vault/crypto/random.h"
#include "vault/encoding/encoding.h"
#include "vault/fs/secure_file.h"

namespace akv {
namespace {

constexpr char kKeyPrefix[] = "akvault:unlock:v1:";
constexpr char kMagic[8] = {'A', 'K', 'V', 'U', 'N', 'L', 'K', '1'};
constexpr std::size_t kVaultKeyBytes = 32;
constexpr std::size_t kWrapKeyBytes = 32;
// magic || created (u64 BE) || expires (u64 BE) || nonce || sealed vault key
constexpr std::size_t kBlobBytes = sizeof kMagic + 8 + 8 + kAeadNonceBytes + kVaultKeyBytes + kAeadTagBytes;

Bytes AssociatedData(const UnlockBinding& b, std::uint32_t uid, std::int32_t serial, std::int64_t created,
                     std::int64_t expires) {
  Bytes ad;
  Append(ad, AsBytes("akvault/unlock/v1"));
  AppendU8(ad, static_cast<std::uint8_t>(b.vault_id.size()));
  Append(ad, b.vault_id);
  Append(ad, b.keyring_digest);
  AppendU32BE(ad, uid);
  AppendU32BE(ad, static_cast<std::uint32_t>(serial));
  AppendU64BE(ad, static_cast<std::uint64_t>(created));
  AppendU64BE(ad, static_cast<std::uint64_t>(expires));
  return ad;
}

// The blob, read without following a symlink, only if it is a regular file
// of ours, owner-only and exactly the expected size. nullopt when absent;
// a message when it is there but wrong.
Result<std::optional<Bytes>> ReadBlob(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<Bytes>();
    return Status::Format("cannot open " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  Bytes data(kBlobBytes + 1);
  ssize_t n = -1;
  std::string problem;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    problem = "is not a regular file";
  } else if (st.st_uid != ::geteuid() || (st.st_mode & 077) != 0) {
    problem = "is not owner-only";
  } else {
    n = ::read(fd, data.data(), data.size());
    if (n != static_cast<ssize_t>(kBlobBytes)) problem = "has the wrong size";
  }
  ::close(fd);
  if (!problem.empty()) return Status::Format(path + " " + problem);
  data.resize(kBlobBytes);
  return std::optional<Bytes>(std::move(data));
}

}  // namespace

UnlockCache::UnlockCache(SessionKeyring& keyring, Clock& clock, Rng& rng, UnlockCacheConfig config)
    : keyring_(keyring), clock_(clock), rng_(rng), config_(std::move(config)) {}

std::string UnlockCache::KeyName(ByteView vault_id) const { return kKeyPrefix + HexEncode(vault_id); }

Status UnlockCache::CheckSafe() {
  AKV_ASSIGN_OR_RETURN(SessionKeyring::Info session, keyring_.Describe());
  if (session.description.rfind("_uid_ses.", 0) == 0) {
    return Status::NoSession(
        "this login has no session keyring of its own: it uses " + session.description +
            ", which every login and service of this user shares (no pam_keyinit at login), so an unlock here would "
            "reach all of them",
        "start a private session first: `keyctl session - $SHELL` (or log in through ssh or login, which run "
        "pam_keyinit); until then each command asks for the passphrase");
  }
  const std::string& dir = config_.runtime_dir;
  const std::string fix =
      "log in through systemd-logind, which creates /run/user/UID, or set XDG_RUNTIME_DIR to a folder of yours with "
      "mode 0700 (on a tmpfs: it must not outlive the boot)";
  if (dir.empty())
    return Status::NoSession("XDG_RUNTIME_DIR is not set, so there is no private place for the unlock", fix);
  if (dir[0] != '/') return Status::NoSession("XDG_RUNTIME_DIR is not an absolute path", fix);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return Status::NoSession("XDG_RUNTIME_DIR " + dir + " cannot be opened: " + std::strerror(errno), fix);
  struct stat st {};
  const bool inspected = ::fstat(fd, &st) == 0;
  ::close(fd);
  if (!inspected || st.st_uid != config_.uid || (st.st_mode & 077) != 0) {
    return Status::NoSession("XDG_RUNTIME_DIR " + dir + " is not a folder only you (uid " +
                                 std::to_string(config_.uid) + ") can use (it must be yours, mode 0700)",
                             fix);
  }
  Status ancestors = CheckAncestors(dir);
  if (!ancestors.ok()) return Status::NoSession("XDG_RUNTIME_DIR " + dir + ": " + ancestors.message(), fix);
  return Status::Ok();
}

Result<std::string> UnlockCache::BlobPath(ByteView vault_id) {
  AKV_ASSIGN_OR_RETURN(SessionKeyring::Info session, keyring_.Describe());
  return config_.runtime_dir + "/akvault/" + HexEncode(vault_id) + "." + std::to_string(session.serial) + ".unlock";
}

Result<std::int64_t> UnlockCache::Store(const UnlockBinding& binding, const SecretBuffer& vault_key,
                                        std::int64_t lifetime_seconds) {
  if (lifetime_seconds < 1 || lifetime_seconds > kMaxUnlockSeconds) {
    return Status::Usage("the unlock lifetime must be between 1 second and 720 minutes");
  }
  if (vault_key.size() != kVaultKeyBytes) return Status::Internal("vault key of unexpected size");
  AKV_RETURN_IF_ERROR(CheckSafe());
  AKV_ASSIGN_OR_RETURN(SessionKeyring::Info session, keyring_.Describe());
  const std::string folder = config_.runtime_dir + "/akvault";
  AKV_RETURN_IF_ERROR(EnsurePrivateFolder(folder));
  AKV_ASSIGN_OR_RETURN(const std::string path, BlobPath(binding.vault_id));

  const std::int64_t created = clock_.NowUnixSeconds();
  const std::int64_t expires = created + lifetime_seconds;
  SecretBuffer wrap_key(kWrapKeyBytes);
  rng_.Fill(wrap_key.span());
  const Bytes nonce = rng_.Draw(kAeadNonceBytes);
  const Bytes sealed = AeadSeal(wrap_key, nonce, vault_key.span(),
                                AssociatedData(binding, config_.uid, session.serial, created, expires));
  Bytes blob(kMagic, kMagic + sizeof kMagic);
  AppendU64BE(blob, static_cast<std::uint64_t>(created));
  AppendU64BE(blob, static_cast<std::uint64_t>(expires));
  Append(blob, nonce);
  Append(blob, sealed);

  WriteOptions replace;
  replace.replace = true;
  AKV_RETURN_IF_ERROR(WriteFileAtomic(path, blob, replace));
  Status put = keyring_.Put(KeyName(binding.vault_id), wrap_key, lifetime_seconds);
  if (!put.ok()) {
    ::unlink(path.c_str());
    return put;
  }
  return expires;
}

CacheLookup UnlockCache::Load(const UnlockBinding& binding) {
  CacheLookup found;
  if (!CheckSafe().ok()) return found;
  auto session = keyring_.Describe();
  auto path = BlobPath(binding.vault_id);
  if (!session.ok() || !path.ok()) return found;
  const std::string name = KeyName(binding.vault_id);
  auto drop = [&](const std::string& why) {
    (void)keyring_.Remove(name);
    ::unlink(path->c_str());
    if (!why.empty()) found.note = why + "; asking for the passphrase";
  };

  auto wrap_key = keyring_.Get(name, kWrapKeyBytes);
  if (!wrap_key.ok()) {
    found.note = "cannot read the session keyring (" + wrap_key.status().message() + "); asking for the passphrase";
    return found;
  }
  if (!*wrap_key || (*wrap_key)->size() != kWrapKeyBytes) {
    // No unlock in this session, or it expired: a blob left behind is useless.
    ::unlink(path->c_str());
    return found;
  }
  auto blob = ReadBlob(*path);
  if (!blob.ok()) {
    drop("the unlock of this session was damaged (" + blob.status().message() + ") and was removed");
    return found;
  }
  if (!*blob) {
    drop("the unlock of this session had lost its file under $XDG_RUNTIME_DIR and was removed");
    return found;
  }
  const Bytes& b = **blob;
  if (!std::equal(kMagic, kMagic + sizeof kMagic, b.begin())) {
    drop("the unlock file " + *path + " is not an akvault unlock and was removed");
    return found;
  }
  const auto created = static_cast<std::int64_t>(ReadU64BE(b.data() + 8));
  const auto expires = static_cast<std::int64_t>(ReadU64BE(b.data() + 16));
  const ByteView nonce(b.data() + 24, kAeadNonceBytes);
  const ByteView sealed(b.data() + 24 + kAeadNonceBytes, kVaultKeyBytes + kAeadTagBytes);
  auto vault_key =
      AeadOpen(**wrap_key, nonce, sealed, AssociatedData(binding, config_.uid, session->serial, created, expires));
  if (!vault_key.ok() || vault_key->size() != kVaultKeyBytes) {
    drop(
        "the unlock of this session no longer matches the vault (its passphrase or key changed since "
        "`akvault unlock`, or the unlock file was altered) and was removed");
    return found;
  }
  // The wall clock, as the kernel's timeout: suspended time counts. A
  // creation time in the future (a clock set back) is not trusted either.
  const std::int64_t now = clock_.NowUnixSeconds();
  if (now >= expires || now < created || expires - created > kMaxUnlockSeconds) {
    drop("");
    return found;
  }
  found.unlock = CachedUnlock{std::move(*vault_key), expires};
  return found;
}

Result<bool> UnlockCache::Drop(ByteView vault_id) {
  bool had = false;
  auto removed = keyring_.Remove(KeyName(vault_id));
  if (removed.ok()) had = *removed;
  if (!config_.runtime_dir.empty()) {
    auto path = BlobPath(vault_id);
    if (path.ok()) {
      if (::unlink(path->c_str()) == 0) {
        had = true;
      } else if (errno != ENOENT) {
        return Status::FromErrno(errno, "cannot remove the unlock file", *path);
      }
    }
  }
  if (!removed.ok() && removed.status().code() != Code::kNoSession) return removed.status();
  return had;
}

Result<int> UnlockCache::DropAll() {
  int count = 0;
  auto names = keyring_.Names(kKeyPrefix);
  if (names.ok()) {
    for (const std::string& name : *names) {
      auto removed = keyring_.Remove(name);
      if (removed.ok() && *removed) ++count;
    }
  }
  // This session's blobs, including any whose key already expired.
  auto session = keyring_.Describe();
  if (!config_.runtime_dir.empty() && session.ok()) {
    const std::string folder = config_.runtime_dir + "/akvault";
    const std::string suffix = "." + std::to_string(session->serial) + ".unlock";
    if (DIR* dir = ::opendir(folder.c_str())) {
      while (dirent* entry = ::readdir(dir)) {
        const std::string file = entry->d_name;
        if (file.size() > suffix.size() && file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0) {
          ::unlinkat(::dirfd(dir), file.c_str(), 0);
        }
      }
      ::closedir(dir);
    }
  }
  if (!names.ok() && names.status().code() != Code::kNoSession) return names.status();
  return count;
}

}  // namespace akv

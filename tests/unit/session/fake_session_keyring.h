// FakeSessionKeyring: the SessionKeyring contract in memory, for the cache's
// unit tests. Keys expire by the given Clock (as the kernel's by the wall
// clock); `blocked` makes every call fail as under a seccomp profile, and
// `description` can be set to the shared "_uid_ses.UID" keyring.
#pragma once

#include <map>

#include "vault/clock.h"
#include "vault/session/session_keyring.h"

namespace akv::testing {

class FakeSessionKeyring final : public SessionKeyring {
 public:
  explicit FakeSessionKeyring(Clock& clock, std::int32_t serial = 4242) : clock_(clock), serial_(serial) {}

  std::string description = "_ses";
  bool blocked = false;

  Result<Info> Describe() override {
    if (blocked) return Blocked();
    return Info{serial_, description};
  }
  Status Put(const std::string& name, const SecretBuffer& payload, std::int64_t timeout_seconds) override {
    if (blocked) return Blocked();
    if (timeout_seconds < 1) return Status::Internal("bad timeout");
    keys_[name] = Entry{SecretBuffer::CopyOf(payload.span()), clock_.NowUnixSeconds() + timeout_seconds};
    return Status::Ok();
  }
  Result<std::optional<SecretBuffer>> Get(const std::string& name, std::size_t max_bytes) override {
    if (blocked) return Blocked();
    auto it = keys_.find(name);
    if (it == keys_.end() || clock_.NowUnixSeconds() >= it->second.expires || it->second.payload.size() > max_bytes) {
      return std::optional<SecretBuffer>();
    }
    return std::optional<SecretBuffer>(SecretBuffer::CopyOf(it->second.payload.span()));
  }
  Result<bool> Remove(const std::string& name) override {
    if (blocked) return Blocked();
    return keys_.erase(name) > 0;
  }
  Result<std::vector<std::string>> Names(const std::string& prefix) override {
    if (blocked) return Blocked();
    std::vector<std::string> names;
    for (const auto& [name, entry] : keys_) {
      if (name.rfind(prefix, 0) == 0 && clock_.NowUnixSeconds() < entry.expires) names.push_back(name);
    }
    return names;
  }

  std::size_t size() const { return keys_.size(); }
  // The raw payload, for tests that play the attacker holding W.
  const SecretBuffer* Peek(const std::string& name) const {
    auto it = keys_.find(name);
    return it == keys_.end() ? nullptr : &it->second.payload;
  }

 private:
  struct Entry {
    SecretBuffer payload;
    std::int64_t expires;
  };
  static Status Blocked() { return Status::NoSession("the kernel keyring is not available (fake: blocked)"); }
  Clock& clock_;
  std::int32_t serial_;
  std::map<std::string, Entry> keys_;
};

}  // namespace akv::testing

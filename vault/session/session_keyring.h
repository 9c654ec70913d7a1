// SessionKeyring: the one part of the kernel's key management that the
// unlock cache uses (keyrings(7)), behind an interface so the cache is
// tested with a fake as well as with the real keyring.
//
// Every key lives directly in the calling process's SESSION keyring, the
// one pam_keyinit creates per login and `keyctl session -` creates by hand.
// It is inherited by children and by processes started through sudo (no
// pam_keyinit there), never by another login of the same user. A key put
// here is of type "user", readable only by a possessor (view, read, search,
// setattr: 0x2b000000, nothing for the user, group or others, so the same
// uid in another session can neither read nor even list it), and expires
// by the kernel's own timeout (wall clock: suspended time counts).
//
// Errors: kNoSession when the kernel refuses key management altogether
// (EPERM/ENOSYS/EACCES: a container's seccomp profile), kInternal for an
// unexpected failure. A key that is absent, expired, revoked or not
// possessor-only is "absent", never an error.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vault/crypto/secret.h"
#include "vault/status.h"

namespace akv {

// Possessor: view | read | search | setattr. Nothing for user, group, other.
inline constexpr std::uint32_t kPossessorOnlyPerm = 0x2b000000;

class SessionKeyring {
 public:
  struct Info {
    std::int32_t serial = 0;
    std::string description;  // "_ses" after pam_keyinit; "_uid_ses.UID" when shared
  };
  virtual ~SessionKeyring() = default;

  // The session keyring of this process.
  virtual Result<Info> Describe() = 0;
  // Adds the key `name` (replacing one of that name), possessor-only, expiring
  // `timeout_seconds` (>= 1) from now.
  virtual Status Put(const std::string& name, const SecretBuffer& payload, std::int64_t timeout_seconds) = 0;
  // The payload of the key `name` linked directly in the session keyring (not
  // one reached through a nested keyring such as the user keyring), when it
  // exists, has not expired, is possessor-only and fits in `max_bytes`.
  virtual Result<std::optional<SecretBuffer>> Get(const std::string& name, std::size_t max_bytes) = 0;
  // Invalidates the key `name` at once. False when there was none.
  virtual Result<bool> Remove(const std::string& name) = 0;
  // The names of the live keys directly in the session keyring that start
  // with `prefix`.
  virtual Result<std::vector<std::string>> Names(const std::string& prefix) = 0;
};

// The real kernel keyring (libkeyutils).
std::unique_ptr<SessionKeyring> NewKernelSessionKeyring();

}  // namespace akv

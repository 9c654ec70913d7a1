// UnlockCache: `akvault unlock` once, then every vault command of this login
// session opens the vault without the passphrase until the timeout or
// `akvault lock` (docs/design.md, "Unlock once per session").
//
// Two halves, both needed, neither useful alone:
//   - W, 32 random bytes, a possessor-only key "akvault:unlock:v1:<vault id>"
//     in the kernel SESSION keyring with the kernel's own timeout: only
//     processes of this login session reach it (any uid among them, e.g.
//     after `sudo -u`);
//   - the vault key sealed under W (XChaCha20-Poly1305) in
//     $XDG_RUNTIME_DIR/akvault/<vault id>.<session keyring serial>.unlock,
//     0600 in a 0700 folder: only this uid reads it.
// The associated data binds the vault id, a digest of the vault's stored
// keyring (so `passwd` or a re-key anywhere makes the cache stale and it is
// refused), the uid, the session keyring serial, and the creation and
// expiry times (checked against the wall clock, like the kernel's timeout).
// Nothing that would unlock the vault is ever on disk in clear.
//
// Where this cannot be safe, Store refuses with kNoSession naming why
// (the session keyring is the per-user one shared by every login, the
// kernel keyring is blocked, no private $XDG_RUNTIME_DIR) and Load finds
// nothing: commands ask for the passphrase as before. No weaker mode exists.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "vault/bytes.h"
#include "vault/crypto/mac.h"
#include "vault/crypto/secret.h"
#include "vault/session/session_keyring.h"
#include "vault/status.h"

namespace akv {

class Clock;
class Rng;

// What a cached unlock belongs to: Vault::vault_id() and Vault::KeyringDigest().
struct UnlockBinding {
  Bytes vault_id;
  Mac keyring_digest{};
};

struct UnlockCacheConfig {
  std::string runtime_dir;  // $XDG_RUNTIME_DIR as found; empty when unset
  std::uint32_t uid = 0;    // the effective uid
};

struct CachedUnlock {
  SecretBuffer vault_key;
  std::int64_t expires_at = 0;
};

// What Load found: an unlock, or none; `note` says why an unlock that
// existed was dropped instead of used (empty when there was none, or it
// simply expired).
struct CacheLookup {
  std::optional<CachedUnlock> unlock;
  std::string note;
};

inline constexpr std::int64_t kMaxUnlockSeconds = 720 * 60;

class UnlockCache {
 public:
  UnlockCache(SessionKeyring& keyring, Clock& clock, Rng& rng, UnlockCacheConfig config);

  // Ok when this session can hold an unlock safely; kNoSession naming why
  // not, with the fix in the hint.
  Status CheckSafe();
  // Caches `vault_key` for `lifetime_seconds` (1 .. kMaxUnlockSeconds),
  // replacing an earlier unlock of the vault in this session. Returns the
  // expiry (Unix seconds). On failure nothing is left behind.
  Result<std::int64_t> Store(const UnlockBinding& binding, const SecretBuffer& vault_key,
                             std::int64_t lifetime_seconds);
  // This session's unlock of the vault, if valid. A stale, damaged or
  // half-missing one is removed (both halves). Never fails: a cache problem
  // must not stop the passphrase from working.
  CacheLookup Load(const UnlockBinding& binding);
  // Removes both halves of this session's unlock of the vault `vault_id`.
  // True when there was one.
  Result<bool> Drop(ByteView vault_id);
  // Removes every akvault unlock of this session (`lock --all`); the count.
  Result<int> DropAll();

 private:
  Result<std::string> BlobPath(ByteView vault_id);
  std::string KeyName(ByteView vault_id) const;

  SessionKeyring& keyring_;
  Clock& clock_;
  Rng& rng_;
  UnlockCacheConfig config_;
};

}  // namespace akv

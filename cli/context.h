// Context: what every command receives. The side effects (streams and
// terminal, clock, randomness) are handed in here, never reached for
// globally, so tests run commands in-process with fakes and a fixed date.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/io.h"
#include "vault/clock.h"
#include "vault/crypto/random.h"
#include "vault/session/unlock_cache.h"
#include "vault/vault.h"

namespace akv::cli {

struct GlobalOptions {
  std::string vault;            // --vault or AKVAULT_VAULT; empty: the default path
  std::string passphrase_file;  // --passphrase-file
  bool json = false;            // --json
};

class Context {
 public:
  Context(Io& io_in, Clock& clock_in, Rng& rng_in) : io(io_in), clock(clock_in), rng(rng_in) {}

  Io& io;
  Clock& clock;
  Rng& rng;
  GlobalOptions globals;
  // This session's unlock cache (`akvault unlock`); null when there is
  // none (in-process tests that do not test it).
  UnlockCache* unlock_cache = nullptr;
  // Arguments after a bare "--" (only `exec` accepts them).
  std::vector<std::string> trailing_args;
  // Set by a command whose exit status is not a Status (exec passes on its
  // child's); used when the command returns Ok.
  std::optional<int> exit_status;

  std::string VaultPath() const;

  // The master passphrase: --passphrase-file if given (checked owner-only),
  // otherwise a no-echo prompt; kInput at once when neither is possible.
  Result<SecretBuffer> MasterPassphrase();
  // A new passphrase for init/passwd: from `file` if given, otherwise asked
  // twice on the terminal. Refused under 8 characters (NIST SP 800-63B);
  // no composition rules.
  Result<SecretBuffer> NewPassphrase(const std::string& file);

  // Opens the vault for metadata reads (no passphrase).
  Result<std::unique_ptr<Vault>> OpenVault(Vault::Access access);
  // Opens the vault for writing and unlocks it (UnlockVault).
  Result<std::unique_ptr<Vault>> OpenUnlockedVault();
  // Unlocks `vault` with this session's `akvault unlock` when there is a
  // valid one (no passphrase, no Argon2id), else with the master passphrase
  // (one Argon2id). --passphrase-file, when given, is always used instead.
  Status UnlockVault(Vault& vault);
  // Always the passphrase, never the cache (passwd).
  Status UnlockVaultWithPassphrase(Vault& vault);
  // The same for `check`, which reports a foreign schema object instead of
  // refusing the vault (Vault::OpenForCheck).
  Result<std::unique_ptr<Vault>> OpenUnlockedVaultForCheck();

  // A secret that is not the passphrase (an AccessKey Secret): the first
  // line of stdin when stdin is not a terminal, else a no-echo prompt.
  Result<SecretBuffer> ReadSecretInput(const std::string& what);

  // One line on stderr: "akvault: warning: ...".
  void Warn(const std::string& text);
  // One line on stderr for progress and reminders (never data).
  void Note(const std::string& text);
};

// Counts UTF-8 code points (a passphrase's length as a person sees it).
std::size_t Utf8Length(const SecretBuffer& text);

}  // namespace akv::cli

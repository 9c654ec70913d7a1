// Helpers shared by several commands: option parsing that the vault rules
// need, and the text/JSON shapes of a key row, so `list`, `show`, `due` and
// `rotate` print keys the same way.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cli/context.h"
#include "vault/key_record.h"
#include "vault/rotation/date.h"

namespace akv::cli {

// "2026-11-28T12:00:00Z" for a Unix time.
std::string FormatUtc(std::int64_t unix_seconds);

// The JSON object of a key's metadata (never its secret).
nlohmann::json KeyJson(const KeyMetadata& meta);

// Validates --owner/--app values (kUsage naming the option).
Status CheckOwnerAndApp(const std::string& owner, const std::optional<std::string>& app);

// A day-count setting (rotate-days, max-rotate-days) or its default, 90.
// Reads the verified value when the vault is unlocked; a stored value that
// is not canonical decimal in range is kTampered (only akvault writes it).
Result<int> ConfigDays(Vault& vault, const std::string& name);
inline Result<int> DefaultRotateDays(Vault& vault) { return ConfigDays(vault, "rotate-days"); }

// --created and --rotate-days as given to add, import and rotate: the day
// (default today, never in the future) and the period (none when not given,
// so the caller picks its default).
// A CLI11 check for options whose absence means "use the default": an
// explicitly empty value (`--created ""`, say from an unset shell variable)
// is a usage error, never taken silently as "not given".
CLI::Validator NotEmpty();

struct KeyDates {
  Date created;
  std::optional<int> rotate_days;
};
Result<KeyDates> ParseKeyDates(const std::string& created, const std::string& rotate_days, Date today);

// A vault opened for writing and unlocked, with the key `akid` looked up
// before the passphrase is asked (kNotFound first, so a typo costs no KDF).
struct VaultAndKey {
  std::unique_ptr<Vault> vault;
  StoredKey key;
};
Result<VaultAndKey> UnlockVaultForKey(Context& ctx, const std::string& akid);

// The cloud allows two AccessKeys per RAM user, and the guidance is one key
// per person and application (a second only while rotating): warns on
// stderr when `owner` with `app` (none: personal keys) now has more than two
// unretired keys, naming them and the fix. Metadata only; never fails the
// command (a read error only skips the warning).
void WarnIfCrowded(Context& ctx, Vault& vault, const std::string& owner, const std::optional<std::string>& app);

// `text` followed by spaces up to `width` (at least one space).
std::string PadRight(const std::string& text, std::size_t width);

// kUsage when `path` is the vault file or one of its SQLite side files:
// an output written over them (even with --force) would destroy the vault.
Status CheckNotVaultFile(Context& ctx, const std::string& path, const std::string& what);

// Writes one JSON value per call inside a streamed top-level array, so a
// listing of 100,000 keys never builds the whole document in memory.
class JsonArrayWriter {
 public:
  explicit JsonArrayWriter(std::ostream& out) : out_(out) { out_ << '['; }
  ~JsonArrayWriter() { Close(); }
  void Write(const nlohmann::json& value);
  void Close();

 private:
  std::ostream& out_;
  bool first_ = true;
  bool closed_ = false;
};

}  // namespace akv::cli

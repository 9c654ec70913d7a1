// Helpers shared by several commands: option parsing that the vault rules
// need, and the text/JSON shapes of a key row, so `list`, `show`, `due` and
// `rotate` print keys the same way.
#pragma once

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

// The vault's default rotation period (config rotate-days) or 90. Reads the
// verified value when the vault is unlocked.
Result<int> DefaultRotateDays(Vault& vault);

// `text` followed by spaces up to `width` (at least one space).
std::string PadRight(const std::string& text, std::size_t width);

// Fixed-width text table: header row then rows, columns padded with spaces.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void Print(std::ostream& out) const;
  std::size_t size() const { return rows_.size() - 1; }

 private:
  std::vector<std::vector<std::string>> rows_;
};

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

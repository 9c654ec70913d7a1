#include "vault/import/csv.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>
#include <string_view>
#include <utility>

#include "vault/bytes.h"
#include "vault/key_record.h"

namespace akv {
namespace {

constexpr std::string_view kIdColumn = "AccessKey ID";
constexpr std::string_view kSecretColumn = "AccessKey Secret";
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr std::string_view kRedownloadHint =
    "nothing was imported; fix the file or download the CSV again from the console";

std::string At(const std::string& name, int line) { return name + " line " + std::to_string(line); }

int LineAt(std::string_view text, std::size_t pos) {
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
}

// Offset of the first NUL byte or invalid UTF-8 sequence (overlong forms,
// surrogates and code points past U+10FFFF included), or npos.
std::size_t FindBadByte(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    // Fast path: eight ASCII bytes, none of them NUL.
    if (n - i >= 8) {
      std::uint64_t word;
      std::memcpy(&word, s + i, 8);
      constexpr std::uint64_t kLow = 0x0101010101010101, kHigh = 0x8080808080808080;
      if (((word | ((word - kLow) & ~word)) & kHigh) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = s[i];
    if (c < 0x80) {
      if (c == 0) return i;
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // past U+10FFFF
    } else {
      return i;
    }
    if (n - i < len || s[i + 1] < lo || s[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

// Splits the text into RFC 4180 records. Fields are views into the text:
// a quoted field is the bytes between its quotes, with any "" left doubled
// (such a value can never pass validation or match a column name, so it is
// never unescaped, and nothing is copied).
class RecordReader {
 public:
  explicit RecordReader(std::string_view text) : text_(text) {}
  bool done() const { return pos_ >= text_.size(); }
  int line() const { return line_; }  // where the next record starts

  // Reads one record; on malformed quoting returns the problem, else "".
  std::string_view Next(std::vector<std::string_view>& fields) {
    fields.clear();
    const std::size_t n = text_.size();
    for (;;) {
      if (pos_ < n && text_[pos_] == '"') {
        const std::size_t start = ++pos_;
        for (;;) {
          const std::size_t quote = text_.find('"', pos_);
          if (quote == std::string_view::npos) return "a quoted field is not closed";
          line_ += static_cast<int>(std::count(text_.begin() + pos_, text_.begin() + quote, '\n'));
          pos_ = quote + 1;
          if (pos_ < n && text_[pos_] == '"') {
            ++pos_;  // "" inside quotes
            continue;
          }
          fields.push_back(text_.substr(start, quote - start));
          break;
        }
      } else {
        std::size_t end = pos_;
        while (end < n && text_[end] != ',' && text_[end] != '\n' && text_[end] != '"') ++end;
        if (end < n && text_[end] == '"') return "a quote inside an unquoted field";
        std::string_view field = text_.substr(pos_, end - pos_);
        if ((end == n || text_[end] == '\n') && !field.empty() && field.back() == '\r') field.remove_suffix(1);
        fields.push_back(field);
        pos_ = end;
      }
      if (pos_ >= n) return {};
      const char c = text_[pos_];
      if (c == ',') {
        ++pos_;
      } else if (c == '\n' || (c == '\r' && pos_ + 1 < n && text_[pos_ + 1] == '\n')) {
        pos_ += c == '\n' ? 1 : 2;
        ++line_;
        return {};
      } else {
        return "text after a closing quote";
      }
    }
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsBlank(const std::vector<std::string_view>& fields) {
  return fields.size() == 1 && TrimSpaces(fields[0]).empty();
}

// The rows seen so far, by ID, to find a repeated ID in file order. Open
// addressing in one flat array (no node per row), each slot keeping the ID's
// hash so that a probe touches a row only when the hashes match: a node-based
// hash map of 100,000 IDs cost more than all the parsing.
class IdIndex {
 public:
  explicit IdIndex(std::size_t expected_rows) : slots_(std::bit_ceil(std::max<std::size_t>(64, 2 * expected_rows))) {}

  // The index of an earlier row with `akid`, or -1 after recording `row`.
  std::ptrdiff_t FindOrAdd(const std::vector<CsvKeyRow>& rows, std::string_view akid, std::uint32_t row) {
    if (2 * (used_ + 1) > slots_.size()) Grow();
    const std::size_t h = std::hash<std::string_view>()(akid);
    const auto hash = static_cast<std::uint32_t>(h ^ (h >> 32));
    for (std::size_t i = hash & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      Slot& slot = slots_[i];
      if (slot.row_plus_one == 0) {
        slot = {row + 1, hash};
        ++used_;
        return -1;
      }
      if (slot.hash == hash && rows[slot.row_plus_one - 1].akid == akid) return slot.row_plus_one - 1;
    }
  }

 private:
  struct Slot {
    std::uint32_t row_plus_one = 0;  // 0: empty
    std::uint32_t hash = 0;
  };
  void Grow() {
    std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(2 * slots_.size()));
    for (const Slot& slot : old) {
      if (slot.row_plus_one == 0) continue;
      std::size_t i = slot.hash & (slots_.size() - 1);
      while (slots_[i].row_plus_one != 0) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = slot;
    }
  }
  std::vector<Slot> slots_;
  std::size_t used_ = 0;
};

struct Columns {
  std::size_t id = 0;
  std::size_t secret = 0;
  std::size_t count = 0;
};

// Never echoes the header: a file without one starts with an ID and secret.
Result<Columns> FindColumns(const std::vector<std::string_view>& header, const std::string& name) {
  std::optional<std::size_t> id, secret;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string_view column = TrimSpaces(header[i]);
    for (auto [wanted, slot] : {std::pair{kIdColumn, &id}, std::pair{kSecretColumn, &secret}}) {
      if (column != wanted) continue;
      if (*slot) {
        return Status::Format(At(name, 1) + ": the column `" + std::string(wanted) + "` appears twice",
                              "keep one `" + std::string(wanted) + "` column");
      }
      *slot = i;
    }
  }
  if (!id || !secret) {
    return Status::Format(At(name, 1) + ": expected the header `AccessKey ID,AccessKey Secret`",
                          "import the CSV file the console offered when the AccessKey was created");
  }
  return Columns{*id, *secret, header.size()};
}

}  // namespace

Result<CsvParseResult> ParseConsoleCsv(const SecretBuffer& content, const std::string& display_name) {
  std::string_view text = content.view();
  if (text.starts_with(kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());
  if (const std::size_t bad = FindBadByte(text); bad != std::string_view::npos) {
    return Status::Format(At(display_name, LineAt(text, bad)) + (text[bad] == '\0' ? ": NUL byte" : ": invalid UTF-8"),
                          "the console's CSV is plain UTF-8 text; " + std::string(kRedownloadHint));
  }
  if (text.empty()) return Status::Format(display_name + " is empty", "import the CSV file the console offered");

  RecordReader reader(text);
  std::vector<std::string_view> fields;
  fields.reserve(8);
  if (std::string_view problem = reader.Next(fields); !problem.empty()) {
    return Status::Format(At(display_name, 1) + ": " + std::string(problem), std::string(kRedownloadHint));
  }
  AKV_ASSIGN_OR_RETURN(const Columns columns, FindColumns(fields, display_name));

  // Size the row list and index once for the usual file (a row per line),
  // within a bound, so a flood of newlines cannot reserve gigabytes.
  constexpr std::size_t kMaxReservedRows = std::size_t{1} << 18;
  const std::size_t expected_rows =
      std::min(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1, kMaxReservedRows);
  CsvParseResult result;
  result.rows.reserve(expected_rows);
  IdIndex seen(expected_rows);
  int blank_line = 0;
  while (!reader.done()) {
    const int line = reader.line();
    if (std::string_view problem = reader.Next(fields); !problem.empty()) {
      return Status::Format(At(display_name, line) + ": " + std::string(problem), std::string(kRedownloadHint));
    }
    if (IsBlank(fields)) {
      if (blank_line == 0) blank_line = line;
      continue;  // allowed only at the end of the file
    }
    if (blank_line != 0) {
      return Status::Format(At(display_name, blank_line) + ": blank line between rows", "remove the blank line");
    }
    if (fields.size() != columns.count) {
      return Status::Format(At(display_name, line) + ": expected " + std::to_string(columns.count) + " fields, found " +
                                std::to_string(fields.size()),
                            "every row needs the header's columns; quote a value that holds a comma");
    }
    const std::string_view akid = fields[columns.id];
    const std::string_view secret = fields[columns.secret];
    // Both validators name the field, never its value.
    for (const Status& status : {ValidateAccessKeyId(akid), ValidateSecret(secret)}) {
      if (!status.ok())
        return Status::Format(At(display_name, line) + ": " + status.message(), std::string(kRedownloadHint));
    }
    const auto row_index = static_cast<std::uint32_t>(result.rows.size());
    if (const std::ptrdiff_t earlier = seen.FindOrAdd(result.rows, akid, row_index); earlier >= 0) {
      // Well-formed but contradictory, like an ID already in the vault: a
      // conflict (E_CONFLICT, "duplicate AccessKey ID"), not a format error.
      const std::string first_line = std::to_string(result.rows[earlier].line);
      return Status::Conflict(display_name + " lines " + first_line + " and " + std::to_string(line) +
                                  ": AccessKey ID " + std::string(akid) + " appears twice",
                              "keep one row per AccessKey: delete the other row and import again; nothing was "
                              "imported");
    }
    std::string warning = UnusualLengthWarning(akid, secret.size());
    if (!warning.empty()) result.warnings.push_back(At(display_name, line) + ": " + warning);
    result.rows.push_back(CsvKeyRow{akid, AsBytes(secret), line});
  }
  if (result.rows.empty()) {
    return Status::Format(display_name + " has no AccessKey rows after the header",
                          "import the CSV file the console offered when the AccessKey was created");
  }
  return result;
}

}  // namespace akv

// The AccessKey CSV that the Alibaba Cloud console offers when a key is
// created: a header naming the columns `AccessKey ID` and `AccessKey Secret`
// (other columns, such as `User Name`, are allowed and ignored), then one row
// per key.
//
// Guarantees:
// - All or nothing: either every row is valid and returned, or the result is
//   one Status naming the file and the line (and the fix): kFormat for a
//   malformed file, kConflict for an AccessKey ID on two rows (naming both
//   lines; the same code as an ID already in the vault). Nothing from the
//   file is echoed in a message except an AccessKey ID that passed
//   validation (in the duplicate-ID message); never a secret, never the
//   header (a file without a header starts with a secret).
// - No copy of a secret: each row's ID and secret are views into `content`,
//   the caller's SecretBuffer. A valid ID or secret is [A-Za-z0-9]+, so it
//   is always one contiguous slice of the file (quotes and "" never survive
//   validation). One sodium_malloc per row would cost a system call, guard
//   pages and ~8 KiB of locked memory each: for 100,000 rows, seconds and
//   about 800 MB. The views stay valid while `content` lives unchanged.
// - Linear time, no allocation per row or character (the row list and the
//   duplicate index are sized once): 100,000 rows parse in tens of
//   milliseconds.
//
// Accepted: a UTF-8 byte order mark; LF or CRLF line ends; no final newline;
// blank lines at the end; RFC 4180 quoted fields; column names with spaces
// around them. Refused: NUL bytes, invalid UTF-8, a row whose field count
// differs from the header's, blank lines between rows, an ID or secret that
// is empty or has a character outside [A-Za-z0-9], an ID twice, no rows.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vault/crypto/secret.h"
#include "vault/status.h"

namespace akv {

// Both views point into the parsed content (see above).
struct CsvKeyRow {
  std::string_view akid;                 // validated by ValidateAccessKeyId
  std::span<const std::uint8_t> secret;  // validated by ValidateSecret
  int line = 0;                          // 1-based line where the row starts
};

struct CsvParseResult {
  std::vector<CsvKeyRow> rows;        // in file order, at least one
  std::vector<std::string> warnings;  // unusual lengths: "keys.csv line 2: AccessKey ID ... is not the usual ..."
};

// Parses `content` (the whole file); `display_name` names it in messages
// ("keys.csv line 3: expected 2 fields, found 3"). kFormat on any problem
// but a repeated ID, which is kConflict ("keys.csv lines 2 and 4: ...").
Result<CsvParseResult> ParseConsoleCsv(const SecretBuffer& content, const std::string& display_name);
// The rows point into `content`: a temporary would leave them dangling.
Result<CsvParseResult> ParseConsoleCsv(SecretBuffer&& content, const std::string& display_name) = delete;

}  // namespace akv

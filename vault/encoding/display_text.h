// Text that came from outside the program (file names, owner, app, notes,
// audit details, bundle and CSV contents, command-line values), made safe
// to show on a terminal, in cron mail or in a log line.
//
// A terminal obeys control characters: ESC starts sequences that retitle
// the window, clear the screen or write the clipboard (OSC 52), and a raw
// newline forges an extra line. DisplayText keeps printable text as it is
// and shows everything else escaped, so the reader sees what is there:
// - C0 controls except tab (U+0000-U+001F), and DEL (0x7F): \xNN (ESC is \x1b,
//   a newline \x0a);
// - C1 controls (U+0080-U+009F, which some terminals obey like ESC [), the
//   line and paragraph separators (U+2028, U+2029) and the bidirectional
//   overrides and isolates (U+202A-U+202E, U+2066-U+2069, which reorder what
//   is shown): \uNNNN;
// - bytes that are not well-formed UTF-8 (overlong forms, surrogates, code
//   points past U+10FFFF, truncated sequences): each byte \xNN.
// A backslash is kept as it is: the output is for people, not for parsing
// (that is what --json is for; JSON escapes controls itself and replaces
// ill-formed UTF-8 with U+FFFD, see json_dump.h).
#pragma once

#include <string>
#include <string_view>

namespace akv {

std::string DisplayText(std::string_view text);

// True when DisplayText would change nothing.
bool IsDisplaySafe(std::string_view text);

}  // namespace akv

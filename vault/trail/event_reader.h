// Reads every event of one input, whatever its layout, in bounded memory.
//
// The layout is detected from the bytes (after gzip decoding), never asked:
//   - a first value that ends on its own line: one JSON value per line
//     (JSON Lines; SLS and OSS exports). A line that is not JSON, or longer
//     than kMaxRecordBytes, is skipped and counted, and reading goes on.
//   - '[': a JSON array; each element is one record.
//   - '{' spanning several lines: a stream of pretty-printed values (saved
//     LookupEvents pages, `aliyun` CLI output).
// Each record goes to RecordParser, which finds the events inside it.
// Memory: one chunk plus the largest record kept (at most kMaxRecordBytes),
// whatever the number of events.
#pragma once

#include <cstdint>
#include <string>

#include "vault/status.h"
#include "vault/trail/input.h"
#include "vault/trail/record_parser.h"

namespace akv::trail {

inline constexpr std::size_t kMaxRecordBytes = 16u << 20;

enum class Layout { kEmpty, kLines, kArray, kValues };
const char* LayoutName(Layout layout);

struct ReadStats {
  std::int64_t bytes = 0;      // decoded bytes read
  RecordCounts records;        // events, malformed and non-event records
  std::int64_t oversized = 0;  // records over kMaxRecordBytes, skipped unread
  Layout layout = Layout::kEmpty;
};

// kFormat naming `name` and the byte offset when the structure itself is
// broken (an array or pretty-printed value that never closes, a stray
// closing bracket); skipped lines are counted, not failures. Failures of
// the source (gzip, disk) pass through.
Status ReadEvents(ByteSource& source, const std::string& name, const EventSink& sink, ReadStats& stats);

}  // namespace akv::trail

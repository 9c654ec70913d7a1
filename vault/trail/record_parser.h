// Turns one JSON value read from an input (a line, an array element, a
// top-level object) into the events it holds, whatever its shape:
//   - a bare event                       {"eventTime": ..., "userIdentity": {...}}
//   - a LookupEvents page                {"Events": [event, ...], "NextToken": ...}
//   - an SLS log with the event in JSON  {"__topic__": ..., "event": "{...}" or {...}}
//   - an SLS log with flattened keys     {"event.eventTime": ..., "event.userIdentity.accessKeyId": ...}
// Unknown fields are skipped unread; nesting is followed only into those
// known wrappers, at most kMaxWrapping deep, so no input can recurse.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "vault/trail/event.h"

namespace akv::trail {

struct RecordCounts {
  std::int64_t events = 0;     // events handed to the sink
  std::int64_t malformed = 0;  // values that were not JSON objects, or not JSON
  std::int64_t not_event = 0;  // objects with no event field (a page with no events counts nothing)
};

using EventSink = std::function<void(const Event&)>;

class RecordParser {
 public:
  static constexpr int kMaxWrapping = 3;
  explicit RecordParser(EventSink sink) : sink_(std::move(sink)) {}
  // Parses one value; bumps `counts`.
  void Parse(std::string_view record, RecordCounts& counts);

 private:
  // Parses an object at p into events_[depth]; returns after it, or nullptr.
  const char* ParseObject(const char* p, const char* end, int depth, RecordCounts& counts, int& emitted, bool& wrapper);
  const char* ParseIdentity(const char* p, const char* end, Event& e, int depth);
  const char* ParseEvents(const char* p, const char* end, int depth, RecordCounts& counts, int& emitted);
  const char* ParseNested(const char* p, const char* end, int depth, RecordCounts& counts, int& emitted);

  EventSink sink_;
  Event events_[kMaxWrapping + 2];
  std::string key_scratch_;
  std::string nested_[kMaxWrapping + 2];
};

}  // namespace akv::trail

#include "vault/trail/record_parser.h"

#include "vault/trail/json_scan.h"

namespace akv::trail {
namespace {

using json::SkipValue;
using json::SkipWs;

enum class Field {
  kNone,
  kAccessKeyId,
  kIdentityType,
  kUserName,
  kAccountId,
  kTime,
  kName,
  kService,
  kSourceIp,
  kVpc,
  kError,
  kEventType,
  kIdentity,  // the userIdentity object
  kEvent,     // SLS: the whole event, as an object or a JSON string
  kEvents,    // LookupEvents: the array of events
};

// Identity sub-keys, with or without the "userIdentity." prefix.
Field IdentityField(std::string_view key) {
  if (key == "accessKeyId") return Field::kAccessKeyId;
  if (key == "type") return Field::kIdentityType;
  if (key == "userName") return Field::kUserName;
  if (key == "accountId") return Field::kAccountId;
  return Field::kNone;
}

Field TopField(std::string_view key, bool& flattened) {
  flattened = false;
  constexpr std::string_view kEventPrefix = "event.";
  if (key.size() > kEventPrefix.size() && key.substr(0, kEventPrefix.size()) == kEventPrefix) {
    key.remove_prefix(kEventPrefix.size());
    flattened = true;
  }
  switch (key.size()) {
    case 5:
      if (key == "vpcId") return Field::kVpc;
      if (key == "event" && !flattened) return Field::kEvent;
      break;
    case 6:
      if (key == "Events" && !flattened) return Field::kEvents;
      break;
    case 9:
      if (key == "eventTime") return Field::kTime;
      if (key == "eventName") return Field::kName;
      if (key == "errorCode") return Field::kError;
      if (key == "eventType") return Field::kEventType;
      break;
    case 11:
      if (key == "serviceName") return Field::kService;
      break;
    case 12:
      if (key == "userIdentity") return Field::kIdentity;
      break;
    case 15:
      if (key == "sourceIpAddress") return Field::kSourceIp;
      break;
    default:
      break;
  }
  constexpr std::string_view kIdentityPrefix = "userIdentity.";
  if (key.size() > kIdentityPrefix.size() && key.substr(0, kIdentityPrefix.size()) == kIdentityPrefix) {
    return IdentityField(key.substr(kIdentityPrefix.size()));
  }
  return Field::kNone;
}

std::string* StringSlot(Event& e, Field f) {
  switch (f) {
    case Field::kAccessKeyId:
      return &e.access_key_id;
    case Field::kIdentityType:
      return &e.identity_type;
    case Field::kUserName:
      return &e.user_name;
    case Field::kAccountId:
      return &e.account_id;
    case Field::kTime:
      return &e.event_time;
    case Field::kName:
      return &e.event_name;
    case Field::kService:
      return &e.service_name;
    case Field::kSourceIp:
      return &e.source_ip;
    case Field::kVpc:
      return &e.vpc_id;
    case Field::kError:
      return &e.error_code;
    case Field::kEventType:
      return &e.event_type;
    default:
      return nullptr;
  }
}

// Reads a string field's value (a string, or null/anything else: left
// empty). Returns after the value.
const char* ReadStringField(const char* p, const char* end, std::string& slot, bool& any) {
  if (*p == '"') {
    p = json::ReadString(p, end, slot);
    if (p) any = true;
    return p;
  }
  return SkipValue(p, end);
}

// Walks the members of the object at p ('{'), calling fn(key, value_start)
// which returns the position after the value (or nullptr).
template <class Fn>
const char* ForEachMember(const char* p, const char* end, std::string& scratch, Fn&& fn) {
  if (p >= end || *p != '{') return nullptr;
  p = SkipWs(p + 1, end);
  if (p < end && *p == '}') return p + 1;
  for (;;) {
    if (p >= end || *p != '"') return nullptr;
    std::string_view key;
    p = json::ReadStringView(p, end, scratch, key);
    if (!p) return nullptr;
    p = SkipWs(p, end);
    if (p >= end || *p != ':') return nullptr;
    p = SkipWs(p + 1, end);
    if (p >= end) return nullptr;
    p = fn(key, p);
    if (!p) return nullptr;
    p = SkipWs(p, end);
    if (p >= end) return nullptr;
    if (*p == '}') return p + 1;
    if (*p != ',') return nullptr;
    p = SkipWs(p + 1, end);
  }
}

}  // namespace

void RecordParser::Parse(std::string_view record, RecordCounts& counts) {
  const char* p = SkipWs(record.data(), record.data() + record.size());
  const char* end = record.data() + record.size();
  if (p == end) return;  // a blank line
  if (*p != '{') {
    ++counts.malformed;
    return;
  }
  int emitted = 0;
  bool wrapper = false;
  const char* after = ParseObject(p, end, 0, counts, emitted, wrapper);
  if (!after) {
    ++counts.malformed;
    return;
  }
  if (SkipWs(after, end) != end) {
    ++counts.malformed;  // junk after the object (whose events were read)
    return;
  }
  if (emitted == 0 && !wrapper) ++counts.not_event;
}

const char* RecordParser::ParseIdentity(const char* p, const char* end, Event& e, int depth) {
  if (*p == '"' && depth <= kMaxWrapping) {
    // SLS may keep userIdentity as a JSON string.
    std::string& text = nested_[depth];
    const char* after = json::ReadString(p, end, text);
    if (!after) return nullptr;
    const char* t = SkipWs(text.data(), text.data() + text.size());
    if (t < text.data() + text.size() && *t == '{') (void)ParseIdentity(t, text.data() + text.size(), e, depth + 1);
    return after;
  }
  if (*p != '{') return SkipValue(p, end);
  e.any = true;
  return ForEachMember(p, end, key_scratch_, [&](std::string_view key, const char* v) -> const char* {
    std::string* slot = StringSlot(e, IdentityField(key));
    if (!slot) return SkipValue(v, end);
    return ReadStringField(v, end, *slot, e.any);
  });
}

const char* RecordParser::ParseObject(const char* p, const char* end, int depth, RecordCounts& counts, int& emitted,
                                      bool& wrapper) {
  Event& e = events_[depth];
  e.Clear();
  int nested = 0;
  const char* after = ForEachMember(p, end, key_scratch_, [&](std::string_view key, const char* v) -> const char* {
    bool flattened = false;
    const Field f = TopField(key, flattened);
    if (std::string* slot = StringSlot(e, f)) return ReadStringField(v, end, *slot, e.any);
    switch (f) {
      case Field::kIdentity:
        return ParseIdentity(v, end, e, depth);
      case Field::kEvent:
        if (depth >= kMaxWrapping) return SkipValue(v, end);
        wrapper = true;
        return ParseNested(v, end, depth, counts, nested);
      case Field::kEvents:
        if (depth >= kMaxWrapping || *v != '[') return SkipValue(v, end);
        wrapper = true;
        return ParseEvents(v, end, depth, counts, nested);
      default:
        return SkipValue(v, end);
    }
  });
  if (!after) return nullptr;
  emitted += nested;
  if (nested == 0 && e.any) {
    ++counts.events;
    ++emitted;
    sink_(e);
  }
  return after;
}

const char* RecordParser::ParseNested(const char* p, const char* end, int depth, RecordCounts& counts, int& emitted) {
  bool inner_wrapper = false;
  if (*p == '{') return ParseObject(p, end, depth + 1, counts, emitted, inner_wrapper);
  if (*p != '"') return SkipValue(p, end);
  std::string& text = nested_[depth];
  const char* after = json::ReadString(p, end, text);
  if (!after) return nullptr;
  const char* t = SkipWs(text.data(), text.data() + text.size());
  const char* t_end = text.data() + text.size();
  if (t < t_end && *t == '{') {
    const char* done = ParseObject(t, t_end, depth + 1, counts, emitted, inner_wrapper);
    if (!done || SkipWs(done, t_end) != t_end) ++counts.malformed;
  } else if (t < t_end) {
    ++counts.malformed;
  }
  return after;
}

const char* RecordParser::ParseEvents(const char* p, const char* end, int depth, RecordCounts& counts, int& emitted) {
  p = SkipWs(p + 1, end);
  if (p < end && *p == ']') return p + 1;
  for (;;) {
    if (p >= end) return nullptr;
    if (*p == '{') {
      bool inner_wrapper = false;
      p = ParseObject(p, end, depth + 1, counts, emitted, inner_wrapper);
    } else {
      ++counts.malformed;
      p = SkipValue(p, end);
    }
    if (!p) return nullptr;
    p = SkipWs(p, end);
    if (p >= end) return nullptr;
    if (*p == ']') return p + 1;
    if (*p != ',') return nullptr;
    p = SkipWs(p + 1, end);
  }
}

}  // namespace akv::trail

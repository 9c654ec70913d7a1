// The JSON tokenizer under the trail reader: just enough JSON to pull a few
// string fields out of an ActionTrail event and to skip everything else at
// memory speed. Not a general parser: it builds no tree and never recurses,
// so a value nested a million levels deep costs a counter, not a stack.
//
// All functions take [p, end) and return the position after what they
// consumed, or nullptr when the bytes are not JSON (or end too early).
#pragma once

#include <string>
#include <string_view>

namespace akv::trail::json {

inline const char* SkipWs(const char* p, const char* end) {
  while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) ++p;
  return p;
}

// p at the opening quote; returns after the closing quote.
const char* SkipString(const char* p, const char* end);

// Any value: string, number, literal, object or array (iteratively).
const char* SkipValue(const char* p, const char* end);

// p at the opening quote. Decodes the string (escapes, \u with surrogate
// pairs as UTF-8) into `out`; a string without escapes is copied as is.
const char* ReadString(const char* p, const char* end, std::string& out);

// The same for a string whose bytes are needed only as a view when it has
// no escapes (the common case for keys): sets `view` either to the raw bytes
// or to `scratch` after decoding.
const char* ReadStringView(const char* p, const char* end, std::string& scratch, std::string_view& view);

// Resumable structural scanner over a byte stream that arrives in chunks:
// finds where one value ends without holding it (for values too large to
// keep, and for finding element boundaries in a stream). Tracks only
// nesting and strings; the value's content is checked later by whoever
// parses it.
class ValueScanner {
 public:
  // Start before the first byte of a value (p at its first character).
  void Reset() { *this = ValueScanner(); }
  // Consumes bytes of [p, end); returns the position just after the value
  // when it ends inside this range, else nullptr (feed the next chunk).
  // For a scalar, the value ends before the first delimiter, which stays
  // unconsumed. Sets malformed() for a closing bracket with no opener.
  const char* Feed(const char* p, const char* end);
  bool malformed() const { return malformed_; }
  // True while inside an unfinished scalar (a number or literal), which an
  // end of input would finish.
  bool in_scalar() const { return started_ && depth_ == 0 && !in_string_; }

 private:
  long depth_ = 0;
  bool started_ = false;
  bool in_string_ = false;
  bool escape_ = false;
  bool malformed_ = false;
};

}  // namespace akv::trail::json

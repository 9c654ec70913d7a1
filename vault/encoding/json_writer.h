// JSON text written straight into a string, for listings streamed row by row
// (`list`, `due`): building an nlohmann::json object per row (a std::map) and
// dumping it was half the CPU of `due` over 100,000 keys.
//
// Output guarantee: for the same values, the bytes are those of
// nlohmann::json::dump() with its defaults (compact, no ASCII escaping, so
// valid UTF-8 is copied as is; ", \ and control characters escaped, with
// \b \t \n \f \r or \u00xx in lowercase hex; DEL copied). The one difference
// is invalid UTF-8: dump() throws on it, here each maximal ill-formed
// subsequence becomes U+FFFD (what dump() does with error_handler_t::replace),
// so a damaged row can never stop a listing or produce invalid JSON.
//
// Fields are written in the order they are given. nlohmann's default object
// sorts its keys, so callers that replace one list fields alphabetically.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace akv {

// Appends `text` as a JSON string literal, quotes included.
void AppendJsonString(std::string& out, std::string_view text);

// One JSON object, field by field, appended to `out`: {"a":1,"b":"x"}.
// The object is closed by Close() (not by the destructor, so that a caller
// that stops half-way never leaves a silently truncated value).
class JsonObjectWriter {
 public:
  explicit JsonObjectWriter(std::string& out) : out_(out) { out_ += '{'; }
  JsonObjectWriter(const JsonObjectWriter&) = delete;
  JsonObjectWriter& operator=(const JsonObjectWriter&) = delete;

  JsonObjectWriter& String(std::string_view name, std::string_view value);
  // null when absent.
  JsonObjectWriter& OptionalString(std::string_view name, const std::optional<std::string>& value);
  JsonObjectWriter& Int(std::string_view name, std::int64_t value);
  JsonObjectWriter& Bool(std::string_view name, bool value);
  JsonObjectWriter& Null(std::string_view name);
  void Close() { out_ += '}'; }

 private:
  void Name(std::string_view name);
  std::string& out_;
  bool first_ = true;
};

// A top-level array streamed to `out` with the layout of the CLI's other
// listings (cli/commands/common.h JsonArrayWriter): "[", each element on its
// own line indented by two spaces, "]" on its own line; "[]" when empty.
// Elements are gathered in a buffer written out every kFlushBytes, so memory
// stays flat and the stream sees a few large writes instead of many small
// ones. Stream failures show in the stream's state, as with any ostream.
class JsonArrayStream {
 public:
  static constexpr std::size_t kFlushBytes = 64 * 1024;

  explicit JsonArrayStream(std::ostream& out) : out_(out), buffer_("[") {}
  ~JsonArrayStream() { Close(); }
  JsonArrayStream(const JsonArrayStream&) = delete;
  JsonArrayStream& operator=(const JsonArrayStream&) = delete;

  // Starts the next element: append exactly one JSON value to the result.
  std::string& Next();
  // Ends the array and writes everything out (idempotent).
  void Close();

 private:
  void Flush();
  std::ostream& out_;
  std::string buffer_;
  bool first_ = true;
  bool closed_ = false;
};

}  // namespace akv

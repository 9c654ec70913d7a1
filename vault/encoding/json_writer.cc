#include "vault/encoding/json_writer.h"

#include <ostream>

namespace akv {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// Bytes copied as they are: printable ASCII and DEL, except the two that
// JSON strings must escape. Everything else goes through the slow path.
bool IsPlain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

// The length of the well-formed UTF-8 sequence (Unicode Table 3-7) that
// starts at text[0], which is >= 0x80, or, as a negative number, the length
// of its maximal ill-formed subpart: the bytes that one U+FFFD replaces
// before decoding resumes at the first byte that broke the sequence.
int MultiByteSequence(std::string_view text) {
  const auto lead = static_cast<unsigned char>(text[0]);
  int need = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the range allowed for the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    need = 2;
    if (lead == 0xE0) lo = 0xA0;  // no overlong forms
    if (lead == 0xED) hi = 0x9F;  // no UTF-16 surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    need = 3;
    if (lead == 0xF0) lo = 0x90;  // no overlong forms
    if (lead == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return -1;  // a continuation byte, C0/C1 or F5..FF can start nothing
  }
  for (int i = 1; i <= need; ++i) {
    if (static_cast<std::size_t>(i) >= text.size()) return -i;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < lo || c > hi) return -i;
    lo = 0x80;
    hi = 0xBF;
  }
  return need + 1;
}

void AppendEscaped(std::string& out, unsigned char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\r':
      out += "\\r";
      return;
    default: {
      static constexpr char kHex[] = "0123456789abcdef";
      const char escape[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out.append(escape, sizeof escape);
    }
  }
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    // Copy the longest run of plain bytes at once: listings are almost
    // entirely ASCII identifiers, so this is nearly the whole cost.
    std::size_t run = i;
    while (run < text.size() && IsPlain(static_cast<unsigned char>(text[run]))) ++run;
    out.append(text.data() + i, run - i);
    i = run;
    if (i == text.size()) break;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      AppendEscaped(out, c);
      ++i;
      continue;
    }
    const int n = MultiByteSequence(text.substr(i));
    if (n > 0) {
      out.append(text.data() + i, static_cast<std::size_t>(n));
      i += static_cast<std::size_t>(n);
    } else {
      out += kReplacement;
      i += static_cast<std::size_t>(-n);
    }
  }
  out += '"';
}

void JsonObjectWriter::Name(std::string_view name) {
  if (!first_) out_ += ',';
  first_ = false;
  AppendJsonString(out_, name);
  out_ += ':';
}

JsonObjectWriter& JsonObjectWriter::String(std::string_view name, std::string_view value) {
  Name(name);
  AppendJsonString(out_, value);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::OptionalString(std::string_view name, const std::optional<std::string>& value) {
  return value ? String(name, *value) : Null(name);
}

JsonObjectWriter& JsonObjectWriter::Int(std::string_view name, std::int64_t value) {
  Name(name);
  out_ += std::to_string(value);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::Bool(std::string_view name, bool value) {
  Name(name);
  out_ += value ? "true" : "false";
  return *this;
}

JsonObjectWriter& JsonObjectWriter::Null(std::string_view name) {
  Name(name);
  out_ += "null";
  return *this;
}

std::string& JsonArrayStream::Next() {
  if (buffer_.size() >= kFlushBytes) Flush();
  buffer_ += first_ ? "\n  " : ",\n  ";
  first_ = false;
  return buffer_;
}

void JsonArrayStream::Close() {
  if (closed_) return;
  closed_ = true;
  buffer_ += first_ ? "]\n" : "\n]\n";
  Flush();
}

void JsonArrayStream::Flush() {
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
}

}  // namespace akv

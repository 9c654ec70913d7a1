#include "vault/trail/json_scan.h"

#include <array>
#include <cstdint>
#include <cstring>

namespace akv::trail::json {
namespace {

// The bytes that matter when skipping a container: quotes and brackets.
constexpr auto kStructural = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : {'"', '{', '}', '[', ']'}) t[c] = true;
  return t;
}();

// The first '"' or '\\' in [p, end), or end: eight bytes at a time (the
// has-zero-byte trick on each pattern; exact for the lowest match on a
// little-endian load), since most strings are short keys and values where
// a memchr call costs more than the scan.
const char* FindQuoteOrBackslash(const char* p, const char* end) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  while (end - p >= 8) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    const std::uint64_t q = v ^ (kOnes * '"');
    const std::uint64_t b = v ^ (kOnes * '\\');
    const std::uint64_t hit = (((q - kOnes) & ~q) | ((b - kOnes) & ~b)) & kHighs;
    if (hit) return p + (__builtin_ctzll(hit) >> 3);
    p += 8;
  }
  while (p < end && *p != '"' && *p != '\\') ++p;
  return p;
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool Hex4(const char* p, const char* end, unsigned& out) {
  if (end - p < 4) return false;
  out = 0;
  for (int i = 0; i < 4; ++i) {
    const int d = Hex(p[i]);
    if (d < 0) return false;
    out = out << 4 | static_cast<unsigned>(d);
  }
  return true;
}

void AppendUtf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | cp >> 6);
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | cp >> 12);
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | cp >> 18);
    out += static_cast<char>(0x80 | (cp >> 12 & 0x3f));
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// Decodes from p (just after the opening quote) up to the closing quote.
const char* Decode(const char* p, const char* end, std::string& out) {
  while (p < end) {
    const char* q = FindQuoteOrBackslash(p, end);
    out.append(p, q);
    if (q == end) return nullptr;
    if (*q == '"') return q + 1;
    // An escape.
    if (end - q < 2) return nullptr;
    const char c = q[1];
    p = q + 2;
    switch (c) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        unsigned cp = 0;
        if (!Hex4(p, end, cp)) return nullptr;
        p += 4;
        if (cp >= 0xd800 && cp < 0xdc00) {
          unsigned low = 0;
          if (end - p >= 6 && p[0] == '\\' && p[1] == 'u' && Hex4(p + 2, end, low) && low >= 0xdc00 && low < 0xe000) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
            p += 6;
          } else {
            cp = 0xfffd;  // a lone surrogate: the replacement character
          }
        } else if (cp >= 0xdc00 && cp < 0xe000) {
          cp = 0xfffd;
        }
        AppendUtf8(out, cp);
        break;
      }
      default:
        return nullptr;
    }
  }
  return nullptr;
}

}  // namespace

const char* SkipString(const char* p, const char* end) {
  ++p;  // the opening quote
  for (;;) {
    p = FindQuoteOrBackslash(p, end);
    if (p >= end) return nullptr;
    if (*p == '"') return p + 1;
    p += 2;  // a backslash and the byte it escapes
  }
}

const char* SkipValue(const char* p, const char* end) {
  p = SkipWs(p, end);
  if (p >= end) return nullptr;
  const char c = *p;
  if (c == '"') return SkipString(p, end);
  if (c == '{' || c == '[') {
    long depth = 0;
    while (p < end) {
      // Most bytes of a skipped value are neither quotes nor brackets.
      while (p < end && !kStructural[static_cast<unsigned char>(*p)]) ++p;
      if (p == end) break;
      const char d = *p;
      if (d == '"') {
        p = SkipString(p, end);
        if (!p) return nullptr;
        continue;
      }
      if (d == '{' || d == '[') {
        ++depth;
      } else if (d == '}' || d == ']') {
        if (--depth == 0) return p + 1;
      }
      ++p;
    }
    return nullptr;
  }
  // A number or a literal: up to the next delimiter.
  const char* start = p;
  while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n' && *p != '\r' && *p != '\t') ++p;
  if (p == start) return nullptr;
  const std::string_view token(start, static_cast<std::size_t>(p - start));
  if (token == "true" || token == "false" || token == "null") return p;
  if (token[0] == '-' || (token[0] >= '0' && token[0] <= '9')) {
    for (char t : token) {
      if (!((t >= '0' && t <= '9') || t == '-' || t == '+' || t == '.' || t == 'e' || t == 'E')) return nullptr;
    }
    return p;
  }
  return nullptr;
}

const char* ReadString(const char* p, const char* end, std::string& out) {
  out.clear();
  return Decode(p + 1, end, out);
}

const char* ReadStringView(const char* p, const char* end, std::string& scratch, std::string_view& view) {
  const char* start = p + 1;
  const char* q = FindQuoteOrBackslash(start, end);
  if (q < end && *q == '"') {
    view = std::string_view(start, static_cast<std::size_t>(q - start));
    return q + 1;
  }
  scratch.clear();
  const char* after = Decode(start, end, scratch);
  view = scratch;
  return after;
}

const char* ValueScanner::Feed(const char* p, const char* end) {
  while (p < end) {
    if (in_string_) {
      // Jump to the next quote or backslash.
      while (p < end && *p != '"' && *p != '\\' && !escape_) ++p;
      if (p == end) return nullptr;
      if (escape_) {
        escape_ = false;
        ++p;
        continue;
      }
      if (*p == '\\') {
        escape_ = true;
        ++p;
        continue;
      }
      in_string_ = false;  // the closing quote
      ++p;
      if (depth_ == 0) return p;
      continue;
    }
    const char c = *p;
    if (!started_) {
      started_ = true;
      if (c == '"') {
        in_string_ = true;
        ++p;
        continue;
      }
      if (c != '{' && c != '[') {
        ++p;  // a scalar's first byte
        continue;
      }
    }
    if (depth_ == 0 && c != '{' && c != '[') {
      // Inside a scalar: it ends at a delimiter.
      if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t') return p;
      ++p;
      continue;
    }
    if (c == '"') {
      in_string_ = true;
    } else if (c == '{' || c == '[') {
      ++depth_;
    } else if (c == '}' || c == ']') {
      if (--depth_ == 0) return p + 1;
      if (depth_ < 0) {
        malformed_ = true;
        return p + 1;
      }
    }
    ++p;
  }
  return nullptr;
}

}  // namespace akv::trail::json

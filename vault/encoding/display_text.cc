#include "vault/encoding/display_text.h"

#include <cstdint>
#include <cstdio>

namespace akv {
namespace {

// Length of the well-formed UTF-8 sequence at text[i] (Unicode table 3-7),
// 0 when ill-formed; *cp receives the code point.
std::size_t Utf8Sequence(std::string_view text, std::size_t i, std::uint32_t* cp) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  const std::size_t left = text.size() - i;
  auto cont = [&](std::size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return k < text.size() && byte(k) >= lo && byte(k) <= hi;
  };
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  if (b0 >= 0xC2 && b0 <= 0xDF && left >= 2 && cont(i + 1)) {
    *cp = ((b0 & 0x1Fu) << 6) | (byte(i + 1) & 0x3Fu);
    return 2;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF && left >= 3) {
    const unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80;  // no overlong form
    const unsigned char hi = b0 == 0xED ? 0x9F : 0xBF;  // no surrogate
    if (cont(i + 1, lo, hi) && cont(i + 2)) {
      *cp = ((b0 & 0x0Fu) << 12) | ((byte(i + 1) & 0x3Fu) << 6) | (byte(i + 2) & 0x3Fu);
      return 3;
    }
  }
  if (b0 >= 0xF0 && b0 <= 0xF4 && left >= 4) {
    const unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80;  // no overlong form
    const unsigned char hi = b0 == 0xF4 ? 0x8F : 0xBF;  // at most U+10FFFF
    if (cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3)) {
      *cp = ((b0 & 0x07u) << 18) | ((byte(i + 1) & 0x3Fu) << 12) | ((byte(i + 2) & 0x3Fu) << 6) | (byte(i + 3) & 0x3Fu);
      return 4;
    }
  }
  return 0;
}

bool Shown(std::uint32_t cp) {
  if (cp == '\t') return true;
  if (cp < 0x20 || cp == 0x7F) return false;
  if (cp >= 0x80 && cp <= 0x9F) return false;
  if (cp == 0x2028 || cp == 0x2029) return false;
  if (cp >= 0x202A && cp <= 0x202E) return false;
  if (cp >= 0x2066 && cp <= 0x2069) return false;
  return true;
}

void AppendByteEscape(std::string& out, unsigned char b) {
  char buf[5];
  std::snprintf(buf, sizeof buf, "\\x%02x", b);
  out += buf;
}

}  // namespace

std::string DisplayText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    const std::size_t n = Utf8Sequence(text, i, &cp);
    if (n == 0) {
      AppendByteEscape(out, static_cast<unsigned char>(text[i]));
      ++i;
      continue;
    }
    if (Shown(cp)) {
      out.append(text.substr(i, n));
    } else if (cp < 0x80) {
      AppendByteEscape(out, static_cast<unsigned char>(cp));
    } else {
      // Every code point Shown() refuses above 0x7F is in the BMP, so four
      // hex digits suffice; the buffer still fits any uint32 so that no
      // build (RelWithDebInfo's -Wformat-truncation) can see a truncation.
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      out += buf;
    }
    i += n;
  }
  return out;
}

bool IsDisplaySafe(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    const std::size_t n = Utf8Sequence(text, i, &cp);
    if (n == 0 || !Shown(cp)) return false;
    i += n;
  }
  return true;
}

}  // namespace akv

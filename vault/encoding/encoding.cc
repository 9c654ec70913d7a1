#include "vault/encoding/encoding.h"

#include <array>

namespace akv {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string HexEncode(ByteView bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(kHexDigits[b >> 4]);
    out.push_back(kHexDigits[b & 0xF]);
  }
  return out;
}

std::optional<Bytes> HexDecode(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  Bytes out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int hi = nibble(text[i]);
    int lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return out;
}

std::string Base64Encode(ByteView bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out.push_back(kBase64Alphabet[(v >> 18) & 63]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out.push_back(kBase64Alphabet[(v >> 6) & 63]);
    out.push_back(kBase64Alphabet[v & 63]);
  }
  std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    std::uint32_t v = std::uint32_t{bytes[i]} << 16;
    out.push_back(kBase64Alphabet[(v >> 18) & 63]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out += "==";
  } else if (rest == 2) {
    std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8);
    out.push_back(kBase64Alphabet[(v >> 18) & 63]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out.push_back(kBase64Alphabet[(v >> 6) & 63]);
    out += "=";
  }
  return out;
}

std::optional<Bytes> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  Bytes out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    int pad = 0;
    if (last && text[i + 3] == '=') pad = (text[i + 2] == '=') ? 2 : 1;
    int v[4];
    for (int j = 0; j < 4 - pad; ++j) {
      v[j] = Base64Value(text[i + j]);
      if (v[j] < 0) return std::nullopt;  // also rejects '=' in the middle
    }
    if (pad == 2) {
      if ((v[1] & 0x0F) != 0) return std::nullopt;  // non-canonical trailing bits
      out.push_back(static_cast<std::uint8_t>(v[0] << 2 | v[1] >> 4));
    } else if (pad == 1) {
      if ((v[2] & 0x03) != 0) return std::nullopt;
      out.push_back(static_cast<std::uint8_t>(v[0] << 2 | v[1] >> 4));
      out.push_back(static_cast<std::uint8_t>((v[1] & 0x0F) << 4 | v[2] >> 2));
    } else {
      out.push_back(static_cast<std::uint8_t>(v[0] << 2 | v[1] >> 4));
      out.push_back(static_cast<std::uint8_t>((v[1] & 0x0F) << 4 | v[2] >> 2));
      out.push_back(static_cast<std::uint8_t>((v[2] & 0x03) << 6 | v[3]));
    }
  }
  return out;
}

int CrockfordValue(char c) {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  if (c == 'I' || c == 'L') return 1;
  if (c == 'O') return 0;
  for (std::size_t i = 0; i < kCrockfordAlphabet.size(); ++i) {
    if (kCrockfordAlphabet[i] == c) return static_cast<int>(i);
  }
  return -1;
}

std::string Base32Encode(ByteView bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::uint8_t b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kCrockfordAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kCrockfordAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

std::optional<Bytes> Base32Decode(std::string_view text, std::size_t n_bytes, bool lowercase) {
  if (text.size() != (n_bytes * 8 + 4) / 5) return std::nullopt;
  Bytes out;
  out.reserve(n_bytes);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    // Strict: only the canonical symbols in the expected case.
    char upper = c;
    if (lowercase) {
      if (c >= 'A' && c <= 'Z') return std::nullopt;
      if (c >= 'a' && c <= 'z') upper = static_cast<char>(c - 'a' + 'A');
    }
    std::size_t value = kCrockfordAlphabet.find(upper);
    if (value == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 5) | static_cast<std::uint32_t>(value);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>(buffer >> (bits - 8)));
      bits -= 8;
    }
  }
  if (out.size() != n_bytes) return std::nullopt;
  if ((buffer & ((1U << bits) - 1)) != 0) return std::nullopt;  // non-zero padding bits
  return out;
}

}  // namespace akv

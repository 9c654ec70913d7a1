#include "vault/trail/ip.h"

#include <cstdio>

namespace akv::trail {
namespace {

std::optional<std::array<std::uint8_t, 4>> ParseV4(std::string_view s) {
  std::array<std::uint8_t, 4> out{};
  std::size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= s.size() || s[i] != '.') return std::nullopt;
      ++i;
    }
    const std::size_t start = i;
    unsigned value = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) value = value * 10 + (s[i++] - '0');
    const std::size_t len = i - start;
    if (len == 0 || value > 255 || (len > 1 && s[start] == '0')) return std::nullopt;
    out[part] = static_cast<std::uint8_t>(value);
  }
  if (i != s.size()) return std::nullopt;
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::array<std::uint8_t, 16>> ParseV6(std::string_view s) {
  std::array<std::uint16_t, 8> groups{};
  int count = 0;
  int gap = -1;  // index in groups where "::" stands
  std::size_t i = 0;
  if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
    gap = 0;
    i = 2;
  } else if (!s.empty() && s[0] == ':') {
    return std::nullopt;
  }
  while (i < s.size()) {
    if (count == 8) return std::nullopt;
    // An IPv4 tail ("::ffff:192.0.2.1") takes two groups.
    const std::size_t next_colon = s.find(':', i);
    const std::string_view token = s.substr(i, next_colon == std::string_view::npos ? s.npos : next_colon - i);
    if (next_colon == std::string_view::npos && token.find('.') != std::string_view::npos) {
      auto v4 = ParseV4(token);
      if (!v4 || count > 6) return std::nullopt;
      groups[count++] = static_cast<std::uint16_t>((*v4)[0] << 8 | (*v4)[1]);
      groups[count++] = static_cast<std::uint16_t>((*v4)[2] << 8 | (*v4)[3]);
      i = s.size();
      break;
    }
    if (token.empty() || token.size() > 4) return std::nullopt;
    unsigned value = 0;
    for (char c : token) {
      const int d = HexDigit(c);
      if (d < 0) return std::nullopt;
      value = value << 4 | static_cast<unsigned>(d);
    }
    groups[count++] = static_cast<std::uint16_t>(value);
    i += token.size();
    if (i == s.size()) break;
    ++i;  // the ':'
    if (i < s.size() && s[i] == ':') {
      if (gap >= 0) return std::nullopt;  // two "::"
      gap = count;
      ++i;
    } else if (i == s.size()) {
      return std::nullopt;  // trailing single ':'
    }
  }
  if (gap < 0 && count != 8) return std::nullopt;
  if (gap >= 0 && count > 7) return std::nullopt;
  std::array<std::uint16_t, 8> full{};
  if (gap < 0) {
    full = groups;
  } else {
    const int tail = count - gap;
    for (int g = 0; g < gap; ++g) full[g] = groups[g];
    for (int g = 0; g < tail; ++g) full[8 - tail + g] = groups[gap + g];
  }
  std::array<std::uint8_t, 16> out{};
  for (int g = 0; g < 8; ++g) {
    out[2 * g] = static_cast<std::uint8_t>(full[g] >> 8);
    out[2 * g + 1] = static_cast<std::uint8_t>(full[g] & 0xff);
  }
  return out;
}

bool InPrefix(const IpAddress& ip, const IpAddress& base, int prefix) {
  if (ip.v6 != base.v6) return false;
  const int full = prefix / 8;
  for (int b = 0; b < full; ++b) {
    if (ip.bytes[b] != base.bytes[b]) return false;
  }
  const int rest = prefix % 8;
  if (rest == 0) return true;
  const std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (ip.bytes[full] & mask) == (base.bytes[full] & mask);
}

bool InV4(const IpAddress& ip, std::uint8_t a, std::uint8_t b, int prefix) {
  IpAddress base;
  base.bytes[0] = a;
  base.bytes[1] = b;
  return InPrefix(ip, base, prefix);
}

}  // namespace

std::optional<IpAddress> ParseIp(std::string_view text) {
  IpAddress ip;
  if (text.find(':') != std::string_view::npos) {
    auto v6 = ParseV6(text);
    if (!v6) return std::nullopt;
    ip.v6 = true;
    ip.bytes = *v6;
    return ip;
  }
  auto v4 = ParseV4(text);
  if (!v4) return std::nullopt;
  for (int b = 0; b < 4; ++b) ip.bytes[b] = (*v4)[b];
  return ip;
}

std::string IpAddress::ToString() const {
  char buf[64];
  if (!v6) {
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", bytes[0], bytes[1], bytes[2], bytes[3]);
    return buf;
  }
  std::array<unsigned, 8> g{};
  for (int i = 0; i < 8; ++i) g[i] = static_cast<unsigned>(bytes[2 * i] << 8 | bytes[2 * i + 1]);
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buf, sizeof buf, "%x", g[i]);
    out += buf;
  }
  return out;
}

bool IsPrivate(const IpAddress& ip) {
  if (!ip.v6) {
    return InV4(ip, 10, 0, 8) || InV4(ip, 172, 16, 12) || InV4(ip, 192, 168, 16) || InV4(ip, 100, 64, 10) ||
           InV4(ip, 127, 0, 8) || InV4(ip, 169, 254, 16);
  }
  IpAddress loopback;
  loopback.v6 = true;
  loopback.bytes[15] = 1;
  if (ip == loopback) return true;
  return (ip.bytes[0] & 0xfe) == 0xfc || (ip.bytes[0] == 0xfe && (ip.bytes[1] & 0xc0) == 0x80);
}

bool Cidr::Contains(const IpAddress& ip) const { return InPrefix(ip, base, prefix); }

std::string Cidr::ToString() const {
  if (prefix == base.bits()) return base.ToString();
  return base.ToString() + "/" + std::to_string(prefix);
}

std::optional<Cidr> ParseCidr(std::string_view text) {
  const std::size_t slash = text.find('/');
  auto ip = ParseIp(text.substr(0, slash));
  if (!ip) return std::nullopt;
  Cidr cidr{*ip, ip->bits()};
  if (slash != std::string_view::npos) {
    const std::string_view p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3 || (p.size() > 1 && p[0] == '0')) return std::nullopt;
    int value = 0;
    for (char c : p) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    if (value > ip->bits()) return std::nullopt;
    cidr.prefix = value;
    // Host bits must be zero.
    IpAddress masked = *ip;
    for (int bit = value; bit < ip->bits(); ++bit)
      masked.bytes[bit / 8] &= static_cast<std::uint8_t>(~(0x80 >> (bit % 8)));
    if (!(masked == *ip)) return std::nullopt;
  }
  return cidr;
}

}  // namespace akv::trail

// IP addresses and CIDR blocks, as ActionTrail's sourceIpAddress and the
// RAM AccessKey network policy write them: IPv4 dotted quads, IPv6 (with
// `::` and an embedded IPv4 tail), and ADDRESS/PREFIX blocks.
//
// The parsers are strict (no leading zeros in IPv4 parts, no spaces, no
// zone ids) and never allocate; anything else, such as ActionTrail's
// "Internal" or the masked "192.168.XX.XX" of documentation samples, is
// simply not an address (std::nullopt), for the caller to count apart.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace akv::trail {

struct IpAddress {
  bool v6 = false;
  // IPv4 in the first 4 bytes; IPv6 all 16. Network byte order.
  std::array<std::uint8_t, 16> bytes{};
  int bits() const { return v6 ? 128 : 32; }
  bool operator==(const IpAddress&) const = default;
  // Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero
  // run compressed).
  std::string ToString() const;
};

std::optional<IpAddress> ParseIp(std::string_view text);

// RFC 1918 10/8, 172.16/12, 192.168/16, 100.64/10 (shared, carrier NAT),
// 127/8, 169.254/16; IPv6 fc00::/7, fe80::/10, ::1. What a VPC call's
// source looks like.
bool IsPrivate(const IpAddress& ip);

struct Cidr {
  IpAddress base;  // host bits cleared
  int prefix = 0;
  bool Contains(const IpAddress& ip) const;
  // "203.0.113.0/24"; a single address prints without "/32" or "/128".
  std::string ToString() const;
  bool operator==(const Cidr&) const = default;
};

// "IP" (a /32 or /128) or "IP/PREFIX" with 0 <= PREFIX <= bits. Host bits
// set below the prefix ("10.0.0.1/8") are refused: they usually mean a typo.
std::optional<Cidr> ParseCidr(std::string_view text);

}  // namespace akv::trail

#include "vault/trail/ip.h"

#include <gtest/gtest.h>

namespace akv::trail {
namespace {

TEST(IpTest, ParsesIpv4Strictly) {
  auto ip = ParseIp("203.0.113.10");
  ASSERT_TRUE(ip);
  EXPECT_FALSE(ip->v6);
  EXPECT_EQ(ip->ToString(), "203.0.113.10");
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", " 1.2.3.4", "1..3.4",
                          "192.168.XX.XX", "Internal", "1.2.3.-4", "1.2.3.4/"}) {
    EXPECT_FALSE(ParseIp(bad)) << bad;
  }
}

TEST(IpTest, ParsesIpv6WithCompressionAndV4Tail) {
  auto ip = ParseIp("2001:DB8:85a3::8a2e:370:7334");
  ASSERT_TRUE(ip);
  EXPECT_TRUE(ip->v6);
  EXPECT_EQ(ip->ToString(), "2001:db8:85a3::8a2e:370:7334");
  EXPECT_EQ(ParseIp("::")->ToString(), "::");
  EXPECT_EQ(ParseIp("::1")->ToString(), "::1");
  EXPECT_EQ(ParseIp("1::")->ToString(), "1::");
  EXPECT_EQ(ParseIp("::ffff:192.0.2.1")->ToString(), "::ffff:c000:201");
  EXPECT_EQ(ParseIp("1:0:0:1:0:0:0:1")->ToString(), "1:0:0:1::1");  // the longest zero run
  for (const char* bad : {":", ":::", "1:::2", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
                          "g::", "1:2:3:4:5:6:7:8::", ":1::", "fe80::1%eth0"}) {
    EXPECT_FALSE(ParseIp(bad)) << bad;
  }
}

TEST(IpTest, CidrContainsAndRefusesHostBits) {
  auto c = ParseCidr("203.0.113.0/28");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->Contains(*ParseIp("203.0.113.15")));
  EXPECT_FALSE(c->Contains(*ParseIp("203.0.113.16")));
  EXPECT_FALSE(c->Contains(*ParseIp("::ffff:203.0.113.1")));  // families never mix
  EXPECT_EQ(c->ToString(), "203.0.113.0/28");
  EXPECT_EQ(ParseCidr("192.0.2.45")->ToString(), "192.0.2.45");
  EXPECT_EQ(ParseCidr("192.0.2.45/32")->ToString(), "192.0.2.45");
  EXPECT_TRUE(ParseCidr("0.0.0.0/0")->Contains(*ParseIp("198.51.100.1")));
  EXPECT_TRUE(ParseCidr("2001:db8::/32")->Contains(*ParseIp("2001:db8:1::1")));
  EXPECT_TRUE(ParseCidr("10.0.0.0/7"));                    // 10 = 0000101|0: no host bit set
  EXPECT_TRUE(ParseCidr("11.0.0.0/7") == std::nullopt);  // 11 = 0000101|1
  for (const char* bad : {"10.0.0.1/8", "1.2.3.4/33", "1.2.3.4/-1", "1.2.3.4/08", "::/129", "1.2.3.4/", "/8"}) {
    EXPECT_FALSE(ParseCidr(bad)) << bad;
  }
}

TEST(IpTest, PrivateRanges) {
  for (const char* p : {"10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1", "127.0.0.1", "fd00::1",
                        "fe80::1", "::1"}) {
    EXPECT_TRUE(IsPrivate(*ParseIp(p))) << p;
  }
  for (const char* p : {"172.32.0.1", "203.0.113.1", "8.8.8.8", "2001:db8::1"})
    EXPECT_FALSE(IsPrivate(*ParseIp(p))) << p;
}

}  // namespace
}  // namespace akv::trail

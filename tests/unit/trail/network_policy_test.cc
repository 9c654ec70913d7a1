#include "vault/trail/network_policy.h"

#include <gtest/gtest.h>

namespace akv::trail {
namespace {

NetworkPolicy Make(std::initializer_list<const char*> entries) {
  NetworkPolicy p;
  for (const char* e : entries) EXPECT_TRUE(AddPolicyEntry(p, e).ok()) << e;
  EXPECT_TRUE(Normalize(p).ok());
  return p;
}

TEST(NetworkPolicyTest, CanonicalFormIsSortedAndDeduplicated) {
  auto a = Make({"203.0.113.0/28", "vpc-b:172.16.0.0/12", "192.0.2.45", "vpc-a", "192.0.2.45/32", "2001:db8::/32"});
  auto b = Make({"2001:db8::/32", "192.0.2.45", "vpc-a", "203.0.113.0/28", "vpc-b:172.16.0.0/12"});
  EXPECT_EQ(a.Canonical(), b.Canonical());
  EXPECT_EQ(a.Canonical(), R"(["192.0.2.45","203.0.113.0/28","2001:db8::/32","vpc-a","vpc-b:172.16.0.0/12"])");
  // The whole VPC wins over a range of it, in either order.
  EXPECT_EQ(Make({"vpc-a:10.0.0.0/8", "vpc-a"}).Canonical(), R"(["vpc-a"])");
  EXPECT_EQ(Make({"vpc-a", "vpc-a:10.0.0.0/8"}).Canonical(), R"(["vpc-a"])");
}

TEST(NetworkPolicyTest, ImsJsonIsWhatSetAccessKeyPolicyTakes) {
  auto p = Make({"203.0.113.0/28", "vpc-bp1:172.16.0.0/16", "vpc-all"});
  EXPECT_EQ(
      p.ImsJson(),
      R"({"Version":1,"Status":"Active","Statements":[{"Type":"ClassicWhiteList","Value":"","IPList":["203.0.113.0/28"]},)"
      R"({"Type":"VPCWhiteList","Value":"vpc-all","IPList":["0.0.0.0/0","::/0"]},)"
      R"({"Type":"VPCWhiteList","Value":"vpc-bp1","IPList":["172.16.0.0/16"]}]})");
  EXPECT_EQ(NetworkPolicy().ImsJson(), R"({"Version":1,"Status":"Inactive","Statements":[]})");
}

TEST(NetworkPolicyTest, Allows) {
  auto p = Make({"203.0.113.0/28", "vpc-a:172.16.1.0/24", "vpc-b"});
  EXPECT_TRUE(p.Allows("", *ParseIp("203.0.113.10")));
  EXPECT_FALSE(p.Allows("", *ParseIp("198.51.100.77")));
  EXPECT_FALSE(p.Allows("", *ParseIp("172.16.1.10")));  // a private address over the internet path
  EXPECT_TRUE(p.Allows("vpc-a", *ParseIp("172.16.1.10")));
  EXPECT_FALSE(p.Allows("vpc-a", *ParseIp("172.16.2.10")));
  EXPECT_TRUE(p.Allows("vpc-b", *ParseIp("10.9.9.9")));
  EXPECT_FALSE(p.Allows("vpc-c", *ParseIp("172.16.1.10")));
  EXPECT_FALSE(p.Allows("vpc-a", *ParseIp("203.0.113.10")));
}

TEST(NetworkPolicyTest, RefusesBadEntriesAndTooManyStatements) {
  NetworkPolicy p;
  for (const char* bad :
       {"", "10.0.0.1/8", "vpc-", "vpc-UPPER", "vpc-a:", "vpc-a:nope", "example.com", "1.2.3.4,5.6.7.8"}) {
    EXPECT_EQ(AddPolicyEntry(p, bad).code(), Code::kUsage) << bad;
  }
  // IMS: at most 8 statements, one for internet addresses plus one per VPC.
  NetworkPolicy eight;
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(AddPolicyEntry(eight, "vpc-" + std::to_string(i)).ok());
  EXPECT_TRUE(Normalize(eight).ok());
  ASSERT_TRUE(AddPolicyEntry(eight, "203.0.113.1").ok());
  EXPECT_EQ(Normalize(eight).code(), Code::kUsage);
}

TEST(NetworkPolicyTest, StoredFormMustBeCanonical) {
  auto p = Make({"203.0.113.0/28", "vpc-a"});
  auto back = ParseStoredPolicy(p.Canonical(), "LTAI5tA");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->Canonical(), p.Canonical());
  for (const char* bad : {"", "{}", "[1]", R"(["vpc-a","203.0.113.0/28"])", R"(["203.0.113.0/28","203.0.113.0/28"])",
                          R"(["nope"])", R"(["10.0.0.1/8"])"}) {
    EXPECT_EQ(ParseStoredPolicy(bad, "LTAI5tA").status().code(), Code::kTampered) << bad;
  }
}

}  // namespace
}  // namespace akv::trail

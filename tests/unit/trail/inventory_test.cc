#include "vault/trail/inventory.h"

#include <gtest/gtest.h>

#include <cstring>

namespace akv::trail {
namespace {

class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string s) : s_(std::move(s)) {}
  Result<std::size_t> Read(std::uint8_t* buffer, std::size_t capacity) override {
    const std::size_t n = std::min(capacity, s_.size() - pos_);
    std::memcpy(buffer, s_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string s_;
  std::size_t pos_ = 0;
};

Status Load(Inventory& inv, const std::string& text) {
  StringSource src(text);
  return inv.Load(src, "inv.json");
}

constexpr const char* kPage1 = R"({"TotalCount":2,"Instances":{"Instance":[
  {"InstanceId":"i-1","InstanceName":"billing-1","VpcAttributes":{"VpcId":"vpc-a","PrivateIpAddress":{"IpAddress":["172.16.1.10"]}},
   "PublicIpAddress":{"IpAddress":[]},"EipAddress":{"IpAddress":"192.0.2.45","AllocationId":"eip-1"},
   "NetworkInterfaces":{"NetworkInterface":[{"PrimaryIpAddress":"172.16.1.99"}]}}]}})";
constexpr const char* kPage2 = R"({"Instances":{"Instance":[
  {"InstanceId":"i-2","VpcAttributes":{"VpcId":"vpc-a","PrivateIpAddress":{"IpAddress":["172.16.1.11"]}},
   "PublicIpAddress":{"IpAddress":["192.0.2.80"]},"EipAddress":{"IpAddress":""}}]}})";

std::string OneLine(std::string text) {
  std::erase(text, '\n');
  return text;
}

TEST(InventoryTest, DescribeInstancesOneResponseOrPages) {
  for (const std::string& text :
       {std::string("[") + kPage1 + "," + kPage2 + "]", OneLine(kPage1) + "\n" + OneLine(kPage2) + "\n"}) {
    Inventory inv;
    Status loaded = Load(inv, text);
    ASSERT_TRUE(loaded.ok()) << loaded.ToString();
    EXPECT_EQ(inv.instances(), 2u);
    ASSERT_NE(inv.Private("vpc-a", "172.16.1.10"), nullptr);
    EXPECT_EQ(inv.Private("vpc-a", "172.16.1.10")->instance_id, "i-1");
    EXPECT_EQ(inv.Private("vpc-a", "172.16.1.99")->instance_id, "i-1");  // the ENI
    EXPECT_EQ(inv.Private("vpc-b", "172.16.1.10"), nullptr);             // another VPC
    EXPECT_EQ(inv.Public("192.0.2.45")->instance_id, "i-1");             // the EIP
    EXPECT_EQ(inv.Public("192.0.2.80")->instance_id, "i-2");             // the public IP
    EXPECT_EQ(inv.Public("172.16.1.10"), nullptr);
  }
}

TEST(InventoryTest, EipsAndSnatEntries) {
  Inventory inv;
  ASSERT_TRUE(Load(inv, R"({"EipAddresses":{"EipAddress":[{"IpAddress":"198.51.100.5","AllocationId":"eip-9",
    "InstanceId":"ngw-1","InstanceType":"Nat"}]}})")
                  .ok());
  ASSERT_TRUE(
      Load(inv, R"({"SnatTableEntries":{"SnatTableEntry":[{"SnatEntryId":"snat-1","SnatIp":"198.51.100.6,198.51.100.7",
    "SourceVSwitchId":"vsw-1","SourceCIDR":"172.16.3.0/24"}]}})")
          .ok());
  const AddressOwner* eip = inv.Public("198.51.100.5");
  ASSERT_NE(eip, nullptr);
  EXPECT_EQ(eip->kind, AddressOwner::Kind::kEip);
  EXPECT_EQ(eip->instance_id, "");  // a NAT gateway, not an instance
  EXPECT_NE(eip->detail.find("ngw-1"), std::string::npos);
  for (const char* ip : {"198.51.100.6", "198.51.100.7"}) {
    ASSERT_NE(inv.Public(ip), nullptr) << ip;
    EXPECT_EQ(inv.Public(ip)->kind, AddressOwner::Kind::kNat);
    EXPECT_NE(inv.Public(ip)->detail.find("vsw-1"), std::string::npos);
  }
}

TEST(InventoryTest, RefusesOtherJson) {
  Inventory inv;
  for (const char* bad : {"", "junk", "{\"Users\":[]}", "[1,2]", "{\"Instances\":\"x\"}"}) {
    Status s = Load(inv, bad);
    EXPECT_EQ(s.code(), Code::kFormat) << bad;
    EXPECT_NE(s.message().find("inv.json"), std::string::npos);
  }
}

}  // namespace
}  // namespace akv::trail

// One test per finding kind, on hand-made events against a hand-made vault.
#include "vault/trail/analysis.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>

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

class AnalysisTest : public ::testing::Test {
 protected:
  VaultKey& AddKey(const std::string& akid, KeyStatus status = KeyStatus::kActive) {
    VaultKey& k = vault_[akid];
    k.meta.akid = akid;
    k.meta.owner = "alice";
    k.meta.app = "billing";
    k.meta.status = status;
    k.meta.created = *Date::Parse("2026-10-01");
    if (status != KeyStatus::kActive) {
      k.meta.status_since = *Date::Parse("2026-11-03");
      k.meta.due_date = *Date::Parse("2026-11-05");
    }
    return k;
  }
  void Call(const std::string& akid, const std::string& ip, const std::string& vpc = "",
            const std::string& time = "2026-11-04T10:00:00Z", const std::string& type = "ram-user") {
    Event e;
    e.access_key_id = akid;
    e.source_ip = ip;
    e.vpc_id = vpc;
    e.event_time = time;
    e.identity_type = type;
    e.event_name = "DescribeInstances";
    e.service_name = "Ecs";
    e.any = true;
    events_.push_back(e);
  }
  void Instances(const std::string& json) {
    StringSource src(json);
    ASSERT_TRUE(inventory_.Load(src, "inv").ok());
    have_inventory_ = true;
  }
  // {(severity, rule, akid)} of the report.
  std::set<std::tuple<std::string, std::string, std::string>> Findings() {
    agg_ = std::make_unique<Aggregator>(window_, &vault_);
    for (const Event& e : events_) agg_->Observe(e);
    report_ = BuildReport(*agg_, vault_, inventory_, have_inventory_);
    std::set<std::tuple<std::string, std::string, std::string>> out;
    for (const auto& f : report_.findings) out.insert({std::string(SeverityName(f.severity)), f.rule, f.akid});
    return out;
  }
  bool Has(const std::string& sev, const std::string& rule, const std::string& akid) {
    return Findings().count({sev, rule, akid}) == 1;
  }

  std::unordered_map<std::string, VaultKey> vault_;
  std::vector<Event> events_;
  Inventory inventory_;
  bool have_inventory_ = false;
  Window window_;
  std::unique_ptr<Aggregator> agg_;
  Report report_;
};

constexpr const char* kInstances = R"({"Instances":{"Instance":[
  {"InstanceId":"i-1","VpcAttributes":{"VpcId":"vpc-a","PrivateIpAddress":{"IpAddress":["172.16.1.10"]}}},
  {"InstanceId":"i-2","VpcAttributes":{"VpcId":"vpc-a","PrivateIpAddress":{"IpAddress":["172.16.1.11"]}},
   "EipAddress":{"IpAddress":"192.0.2.45"}}]}})";

TEST_F(AnalysisTest, RamRoleCandidateNamesTheInstances) {
  AddKey("LTAI5tA");
  Instances(kInstances);
  Call("LTAI5tA", "172.16.1.10", "vpc-a");
  Call("LTAI5tA", "172.16.1.11", "vpc-a");
  Call("LTAI5tA", "192.0.2.45");  // the EIP of i-2
  EXPECT_TRUE(Has("warning", "ram-role-candidate", "LTAI5tA"));
  const auto& f = *std::find_if(report_.findings.begin(), report_.findings.end(),
                                [](const TrailFinding& x) { return x.rule == "ram-role-candidate"; });
  EXPECT_NE(f.message.find("i-1, i-2"), std::string::npos) << f.message;
  EXPECT_EQ(f.owner, "alice");
  // One call from elsewhere and it is not a candidate any more.
  Call("LTAI5tA", "198.51.100.1");
  EXPECT_FALSE(Has("warning", "ram-role-candidate", "LTAI5tA"));
  EXPECT_TRUE(Has("warning", "internet-not-own", "LTAI5tA"));
}

TEST_F(AnalysisTest, VpcOnlyWithoutInventoryIsStillACandidate) {
  AddKey("LTAI5tA");
  Call("LTAI5tA", "172.16.1.10", "vpc-a");
  EXPECT_TRUE(Has("warning", "ram-role-candidate", "LTAI5tA"));
}

TEST_F(AnalysisTest, OutsidePolicyIsAnError) {
  VaultKey& k = AddKey("LTAI5tB");
  NetworkPolicy p;
  ASSERT_TRUE(AddPolicyEntry(p, "203.0.113.0/28").ok());
  ASSERT_TRUE(AddPolicyEntry(p, "vpc-a:172.16.1.0/24").ok());
  ASSERT_TRUE(Normalize(p).ok());
  k.policy = p;
  Call("LTAI5tB", "203.0.113.10");
  Call("LTAI5tB", "172.16.1.10", "vpc-a");
  EXPECT_FALSE(Has("error", "outside-policy", "LTAI5tB"));
  EXPECT_FALSE(Has("warning", "internet-not-own", "LTAI5tB"));  // allowed addresses are sanctioned
  Call("LTAI5tB", "198.51.100.77");
  Call("LTAI5tB", "172.16.9.9", "vpc-a");
  auto all = Findings();
  EXPECT_TRUE(all.count({"error", "outside-policy", "LTAI5tB"}));
  EXPECT_EQ(report_.keys[0].outside_policy, 2);
  // "Internal" and masked addresses are not checked (not addresses).
  events_.clear();
  Call("LTAI5tB", "Internal");
  Call("LTAI5tB", "192.168.XX.XX");
  EXPECT_FALSE(Has("error", "outside-policy", "LTAI5tB"));
}

TEST_F(AnalysisTest, KeyNotInTheVault) {
  Call("LTAI5tZ", "198.51.100.200");
  EXPECT_TRUE(Has("error", "not-in-vault", "LTAI5tZ"));
  EXPECT_TRUE(Has("warning", "internet-not-own", "LTAI5tZ"));
}

TEST_F(AnalysisTest, UnusedVaultKeys) {
  AddKey("LTAI5tU");
  AddKey("LTAI5tR", KeyStatus::kRetired);
  VaultKey& late = AddKey("LTAI5tL");
  late.meta.created = *Date::Parse("2026-12-01");  // created after the period examined
  Call("LTAI5tX", "198.51.100.1");
  auto all = Findings();
  EXPECT_TRUE(all.count({"warning", "unused-key", "LTAI5tU"}));
  EXPECT_FALSE(all.count({"warning", "unused-key", "LTAI5tR"}));  // retired: expected silence
  EXPECT_FALSE(all.count({"warning", "unused-key", "LTAI5tL"}));
}

TEST_F(AnalysisTest, RetiredAndSupersededKeysInUse) {
  AddKey("LTAI5tR", KeyStatus::kRetired);
  AddKey("LTAI5tS", KeyStatus::kSuperseded).meta.successor = "LTAI5tN";
  Call("LTAI5tR", "198.51.100.1", "", "2026-11-02T10:00:00Z");  // before it was retired: fine
  Call("LTAI5tS", "198.51.100.1", "", "2026-11-04T10:00:00Z");  // in its grace period
  EXPECT_FALSE(Has("error", "retired-key-used", "LTAI5tR"));
  EXPECT_TRUE(Has("warning", "superseded-key-used", "LTAI5tS"));
  Call("LTAI5tR", "198.51.100.1", "", "2026-11-03T00:00:00Z");
  Call("LTAI5tS", "198.51.100.1", "", "2026-11-06T00:00:00Z");  // the day after the grace ended
  auto all = Findings();
  EXPECT_TRUE(all.count({"error", "retired-key-used", "LTAI5tR"}));
  EXPECT_TRUE(all.count({"error", "superseded-key-used", "LTAI5tS"}));
}

TEST_F(AnalysisTest, MainAccountKey) {
  Call("LTAI5tM", "198.51.100.9", "", "2026-11-04T10:00:00Z", "root-account");
  EXPECT_TRUE(Has("error", "main-account-key", "LTAI5tM"));
  events_.clear();
  AddKey("LTAI5tV").meta.main_account = true;
  Call("LTAI5tV", "198.51.100.9");
  EXPECT_TRUE(Has("error", "main-account-key", "LTAI5tV"));
}

TEST_F(AnalysisTest, StsAndConsoleAreCountedApart) {
  AddKey("LTAI5tA");
  Call("STS.NUfake1", "172.16.1.10", "vpc-a");
  events_.back().user_name = "EcsRole:i-1";
  Call("", "198.51.100.50", "", "2026-11-04T10:00:00Z", "root-account");
  Call("LTAI5tA", "172.16.1.10", "vpc-a");
  Findings();
  EXPECT_EQ(agg_->sts_calls(), 1);
  EXPECT_EQ(agg_->sts_roles().at("EcsRole"), 1);
  EXPECT_EQ(agg_->without_key(), 1);
  EXPECT_EQ(agg_->root_without_key(), 1);
  ASSERT_EQ(report_.keys.size(), 1u);  // STS and console calls are not keys
  EXPECT_EQ(report_.keys[0].stats->akid, "LTAI5tA");
}

TEST_F(AnalysisTest, PeriodAndTimes) {
  window_.since = *ParseEventTime("2026-11-04T00:00:00Z");
  window_.until = *ParseEventTime("2026-11-05T00:00:00Z");
  Call("LTAI5tA", "198.51.100.1", "", "2026-11-03T23:59:59Z");
  Call("LTAI5tA", "198.51.100.1", "", "2026-11-04T00:00:00Z");
  Call("LTAI5tA", "198.51.100.1", "", "2026-11-04T23:59:59.123Z");
  Call("LTAI5tA", "198.51.100.1", "", "2026-11-05T00:00:00Z");
  Call("LTAI5tA", "198.51.100.1", "", "yesterday");
  Findings();
  EXPECT_EQ(agg_->outside_window(), 2);
  EXPECT_EQ(agg_->bad_time(), 1);
  ASSERT_EQ(report_.keys.size(), 1u);
  EXPECT_EQ(report_.keys[0].stats->calls, 2);
  EXPECT_EQ(FormatEventTime(report_.keys[0].stats->last), "2026-11-04T23:59:59Z");
  EXPECT_EQ(FormatEventTime(*ParseEventTime("2024-02-29T12:34:56Z")), "2024-02-29T12:34:56Z");
  for (const char* bad : {"2026-02-29T00:00:00Z", "2026-11-04T24:00:00Z", "2026-11-04T00:00:00",
                          "2026-11-04T00:00:00+08:00", "2026-13-01T00:00:00Z", ""}) {
    EXPECT_FALSE(ParseEventTime(bad)) << bad;
  }
}

}  // namespace
}  // namespace akv::trail

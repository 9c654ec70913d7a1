// Network policies in the vault: authenticated, bound to their key, in the
// vault state, removed with the key, and any edit found where it is used.
#include <gtest/gtest.h>

#include "tests/support/vault_fixture.h"
#include "vault/storage/database.h"

namespace akv {
namespace {

class VaultPolicyTest : public testing::VaultFixture {
 protected:
  void SetUp() override {
    VaultFixture::SetUp();
    auto v = OpenUnlocked();
    ASSERT_TRUE(v->AddKey(Key("LTAI5tAAAAAAAAAAAAAAAAAA", "alice", "billing")).ok());
    ASSERT_TRUE(v->AddKey(Key("LTAI5tBBBBBBBBBBBBBBBBBB", "bob", "ci")).ok());
  }
  void Sql(const std::string& sql) {
    auto db = Database::Open(path_, Database::Mode::kReadWrite);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec(sql).ok()) << sql;
  }
  static constexpr const char* kA = "LTAI5tAAAAAAAAAAAAAAAAAA";
  static constexpr const char* kB = "LTAI5tBBBBBBBBBBBBBBBBBB";
};

TEST_F(VaultPolicyTest, SetReadClearAndCheck) {
  auto v = OpenUnlocked();
  EXPECT_FALSE(*v->VerifiedKeyPolicy(kA));
  ASSERT_TRUE(v->SetKeyPolicy(kA, std::string(R"(["203.0.113.0/28"])")).ok());
  EXPECT_EQ(**v->VerifiedKeyPolicy(kA), R"(["203.0.113.0/28"])");
  EXPECT_EQ(*v->KeyPolicyAkids(), std::vector<std::string>{kA});
  EXPECT_TRUE(v->Check()->problems.empty());
  ASSERT_TRUE(v->SetKeyPolicy(kA, std::string(R"(["vpc-a"])")).ok());  // replaced, state updated
  EXPECT_TRUE(v->Check()->problems.empty());
  ASSERT_TRUE(v->SetKeyPolicy(kA, std::nullopt).ok());
  EXPECT_FALSE(*v->VerifiedKeyPolicy(kA));
  EXPECT_TRUE(v->Check()->problems.empty());
  EXPECT_EQ(v->SetKeyPolicy("LTAI5tNOSUCHKEYXXXXXXXXX", std::string("[]")).code(), Code::kNotFound);
  // The audit trail records each change.
  int policy_entries = 0;
  ASSERT_TRUE(v->ForEachAuditEntry([&](const AuditEntry& e) {
                 policy_entries += e.event == "policy";
                 return Status::Ok();
               }).ok());
  EXPECT_EQ(policy_entries, 3);
}

TEST_F(VaultPolicyTest, AnEditedPolicyFailsWhereItIsUsed) {
  {
    auto v = OpenUnlocked();
    ASSERT_TRUE(v->SetKeyPolicy(kA, std::string(R"(["203.0.113.0/28"])")).ok());
  }
  // Widening the policy to hide calls from elsewhere.
  Sql(R"(UPDATE key_policy SET policy = '["0.0.0.0/0"]')");
  auto v = OpenUnlocked();
  EXPECT_EQ(v->VerifiedKeyPolicy(kA).status().code(), Code::kTampered);
  EXPECT_EQ(v->ForEachKeyPolicy([](const std::string&, const std::string&) { return Status::Ok(); }).code(),
            Code::kTampered);
  auto report = v->Check();
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->problems.empty());
}

TEST_F(VaultPolicyTest, APolicyMovedToAnotherKeyFails) {
  {
    auto v = OpenUnlocked();
    ASSERT_TRUE(v->SetKeyPolicy(kA, std::string(R"(["vpc-a"])")).ok());
  }
  // The row, MAC and all, claimed for key B: the MAC binds the AKID and uuid.
  Sql(std::string("UPDATE key_policy SET akid = '") + kB + "'");
  auto v = OpenUnlocked();
  EXPECT_EQ(v->VerifiedKeyPolicy(kB).status().code(), Code::kTampered);
  EXPECT_FALSE(v->Check()->problems.empty());
}

TEST_F(VaultPolicyTest, ADeletedPolicyIsFoundByCheck) {
  {
    auto v = OpenUnlocked();
    ASSERT_TRUE(v->SetKeyPolicy(kA, std::string(R"(["vpc-a"])")).ok());
  }
  Sql("DELETE FROM key_policy");
  auto v = OpenUnlocked();
  auto report = v->Check();
  ASSERT_TRUE(report.ok());
  ASSERT_FALSE(report->problems.empty());
  EXPECT_NE(report->problems[0].find("vault state"), std::string::npos) << report->problems[0];
}

TEST_F(VaultPolicyTest, RemovingTheKeyRemovesItsPolicy) {
  auto v = OpenUnlocked();
  ASSERT_TRUE(v->SetKeyPolicy(kA, std::string(R"(["vpc-a"])")).ok());
  ASSERT_TRUE(v->RemoveKey(kA).ok());
  EXPECT_TRUE(v->KeyPolicyAkids()->empty());
  EXPECT_TRUE(v->Check()->problems.empty());
}

}  // namespace
}  // namespace akv

namespace akv {
namespace {

// passwd --rekey re-MACs the policies under the new key with everything else.
TEST_F(VaultPolicyTest, RekeyCarriesThePolicies) {
  {
    auto v = OpenUnlocked();
    ASSERT_TRUE(v->SetKeyPolicy(kA, std::string(R"(["203.0.113.0/28"])")).ok());
    auto rekeyed = v->Rekey(testing::Secret("another long passphrase"), std::nullopt);
    ASSERT_TRUE(rekeyed.ok()) << rekeyed.status().ToString();
  }
  auto v = Vault::Open(path_, Vault::Access::kReadWrite, rng_, clock_);
  ASSERT_TRUE(v.ok());
  ASSERT_TRUE((*v)->Unlock(testing::Secret("another long passphrase")).ok());
  EXPECT_EQ(**(*v)->VerifiedKeyPolicy(kA), R"(["203.0.113.0/28"])");
  auto report = (*v)->Check();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems.front();
}

}  // namespace
}  // namespace akv

// The envelope: sealing a key record and binding every metadata field.
#include "vault/record_codec.h"

#include <gtest/gtest.h>

#include <functional>

#include "vault/crypto/init.h"
#include "vault/crypto/random.h"
#include "vault/encoding/encoding.h"

namespace akv {
namespace {

class RecordCodecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    key_ = SecretBuffer(32);
    rng_.Fill(key_.span());
    vault_id_ = rng_.Draw(16);
  }
  StoredKey MakeKey(const std::string& akid) {
    StoredKey k;
    k.meta.akid = akid;
    k.meta.owner = "alice";
    k.meta.app = "billing";
    k.meta.created = *Date::Parse("2026-01-15");
    k.meta.rotate_days = 90;
    k.meta.due_date = k.meta.deadline();
    k.uuid = rng_.Draw(16);
    k.version = 1;
    SealRecord(key_, vault_id_, k, AsBytes("SecretSecretSecretSecret123456"), "note", rng_);
    return k;
  }
  SeededRng rng_{3};
  SecretBuffer key_;
  Bytes vault_id_;
};

TEST_F(RecordCodecTest, RoundTrip) {
  StoredKey k = MakeKey("LTAI5tAAAAAAAAAAAAAAAAAA");
  auto opened = OpenRecord(key_, vault_id_, k);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->secret.view(), "SecretSecretSecretSecret123456");
  EXPECT_EQ(opened->note, "note");
}

// B2: every metadata field and the row identity are bound as AAD.
TEST_F(RecordCodecTest, EveryBoundFieldBreaksOpeningWhenChanged) {
  const std::vector<std::pair<std::string, std::function<void(StoredKey&)>>> edits = {
      {"akid", [](StoredKey& k) { k.meta.akid = "LTAI5tBBBBBBBBBBBBBBBBBB"; }},
      {"owner", [](StoredKey& k) { k.meta.owner = "mallory"; }},
      {"app", [](StoredKey& k) { k.meta.app = "payroll"; }},
      {"app removed", [](StoredKey& k) { k.meta.app.reset(); }},
      {"status", [](StoredKey& k) { k.meta.status = KeyStatus::kRetired; }},
      {"created", [](StoredKey& k) { k.meta.created = k.meta.created.AddDays(30); }},
      {"rotate_days", [](StoredKey& k) { k.meta.rotate_days = 3650; }},
      {"due_date", [](StoredKey& k) { k.meta.due_date = k.meta.due_date->AddDays(365); }},
      {"status_since", [](StoredKey& k) { k.meta.status_since = Date(1); }},
      {"predecessor", [](StoredKey& k) { k.meta.predecessor = "LTAI5tCCCCCCCCCCCCCCCCCC"; }},
      {"successor", [](StoredKey& k) { k.meta.successor = "LTAI5tCCCCCCCCCCCCCCCCCC"; }},
      {"main_account", [](StoredKey& k) { k.meta.main_account = true; }},
      {"uuid", [](StoredKey& k) { k.uuid[0] ^= 1; }},
      {"version", [](StoredKey& k) { k.version = 2; }},
      {"nonce", [](StoredKey& k) { k.nonce[0] ^= 1; }},
      {"ciphertext", [](StoredKey& k) { k.sealed[0] ^= 1; }},
  };
  for (const auto& [name, edit] : edits) {
    StoredKey k = MakeKey("LTAI5tAAAAAAAAAAAAAAAAAA");
    edit(k);
    auto opened = OpenRecord(key_, vault_id_, k);
    EXPECT_EQ(opened.status().code(), Code::kTampered) << name;
    EXPECT_NE(opened.status().message().find(k.meta.akid), std::string::npos) << "the message names the record";
  }
}

// B1: swapping the ciphertexts of two rows (CVE-2020-28086 pattern).
TEST_F(RecordCodecTest, SwappedCiphertextsFail) {
  StoredKey a = MakeKey("LTAI5tAAAAAAAAAAAAAAAAAA");
  StoredKey b = MakeKey("LTAI5tBBBBBBBBBBBBBBBBBB");
  std::swap(a.nonce, b.nonce);
  std::swap(a.sealed, b.sealed);
  EXPECT_EQ(OpenRecord(key_, vault_id_, a).status().code(), Code::kTampered);
  EXPECT_EQ(OpenRecord(key_, vault_id_, b).status().code(), Code::kTampered);
}

// B3: a row copied from another vault (other vault_id) fails.
TEST_F(RecordCodecTest, RowFromAnotherVaultFails) {
  StoredKey a = MakeKey("LTAI5tAAAAAAAAAAAAAAAAAA");
  Bytes other_vault = vault_id_;
  other_vault[15] ^= 1;
  EXPECT_EQ(OpenRecord(key_, other_vault, a).status().code(), Code::kTampered);
}

TEST_F(RecordCodecTest, ResealBumpsVersionAndKeepsSecret) {
  StoredKey a = MakeKey("LTAI5tAAAAAAAAAAAAAAAAAA");
  KeyMetadata next = a.meta;
  next.status = KeyStatus::kSuperseded;
  auto resealed = ResealRecord(key_, vault_id_, a, next, rng_);
  ASSERT_TRUE(resealed.ok());
  EXPECT_EQ(resealed->version, 2);
  EXPECT_EQ(resealed->uuid, a.uuid);
  EXPECT_NE(resealed->nonce, a.nonce);
  EXPECT_EQ(OpenRecord(key_, vault_id_, *resealed)->secret.view(), "SecretSecretSecretSecret123456");
  // B4: putting the old row back under the new metadata fails.
  StoredKey rolled_back = *resealed;
  rolled_back.nonce = a.nonce;
  rolled_back.sealed = a.sealed;
  EXPECT_FALSE(OpenRecord(key_, vault_id_, rolled_back).ok());
}

}  // namespace
}  // namespace akv

namespace akv {
namespace {

// The worked example of docs/vault-format.md, byte for byte.
TEST(RecordAadTest, MatchesTheDocumentedExample) {
  StoredKey k;
  k.meta.akid = "LTAI5tAAAAAAAAAAAAAAAAAA";
  k.meta.owner = "alice";
  k.meta.app = "billing";
  k.meta.created = *Date::Parse("2026-01-15");
  k.meta.rotate_days = 90;
  k.meta.due_date = *Date::Parse("2026-04-15");
  k.uuid = Bytes(16, 0);
  k.version = 1;
  const std::string expected =
      "0000000e616b7661756c742f7265636f7264"
      "000000080000000000000001"
      "0000001000000000000000000000000000000000"
      "0000001000000000000000000000000000000000"
      "000000080000000000000001"
      "000000184c5441493574414141414141414141414141414141414141"
      "00000005616c696365"
      "010000000762696c6c696e67"
      "00000006616374697665"
      "0000000a323032362d30312d3135"
      "00000008000000000000005a"
      "010000000a323032362d30342d3135"
      "00"
      "0000"
      "000000080000000000000000";
  EXPECT_EQ(HexEncode(RecordAssociatedData(Bytes(16, 0), k)), expected);
}

}  // namespace
}  // namespace akv

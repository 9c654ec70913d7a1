// The envelope: sealing a key record and binding every metadata field.
#include "vault/record_codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
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

// ---- RecordCodec: the bulk path of import and check --------------------------
namespace akv {
namespace {

class RecordCodecBulkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    record_key_ = SecretBuffer(32);
    state_key_ = SecretBuffer(32);
    SeededRng keys(5);
    keys.Fill(record_key_.span());
    keys.Fill(state_key_.span());
    vault_id_ = keys.Draw(16);
  }
  static StoredKey Meta(const std::string& akid, const std::string& created = "2026-01-15") {
    StoredKey k;
    k.meta.akid = akid;
    k.meta.owner = "alice";
    k.meta.app = "billing";
    k.meta.created = *Date::Parse(created);
    k.meta.rotate_days = 90;
    k.meta.due_date = k.meta.deadline();
    k.uuid = Bytes(16, 7);
    k.version = 1;
    return k;
  }
  SecretBuffer record_key_, state_key_;
  Bytes vault_id_;
};

// The codec writes the same bytes as SealRecord and RecordStateElement (so
// vaults written either way open either way), and its element is the one
// RecordStateElement computes.
TEST_F(RecordCodecBulkTest, SameBytesAsTheSingleRecordFunctions) {
  RecordCodec codec(record_key_, state_key_, vault_id_);
  for (const char* created : {"2026-01-15", "2026-01-15", "2025-12-31"}) {
    StoredKey a = Meta("LTAI5tAAAAAAAAAAAAAAAAAA", created);
    StoredKey b = a;
    SeededRng rng_a(11), rng_b(11);
    SealRecord(record_key_, vault_id_, a, AsBytes("SecretSecretSecretSecret123456"), "note", rng_a);
    const Mac element = codec.Seal(b, AsBytes("SecretSecretSecretSecret123456"), "note", rng_b);
    EXPECT_EQ(a.nonce, b.nonce);
    EXPECT_EQ(a.sealed, b.sealed);
    EXPECT_EQ(element, RecordStateElement(state_key_, vault_id_, a));
    auto verified = codec.Verify(a);
    ASSERT_TRUE(verified.ok());
    EXPECT_EQ(*verified, element);
    auto opened = OpenRecord(record_key_, vault_id_, b);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(opened->secret.view(), "SecretSecretSecretSecret123456");
    EXPECT_EQ(opened->note, "note");
  }
}

// A fresh nonce per record, never reused, even when everything else is equal.
TEST_F(RecordCodecBulkTest, EveryRecordGetsItsOwnNonce) {
  RecordCodec codec(record_key_, state_key_, vault_id_);
  SystemRng system;
  StreamRng rng(system);
  StoredKey k = Meta("LTAI5tAAAAAAAAAAAAAAAAAA");
  codec.Seal(k, AsBytes("SecretSecretSecretSecret123456"), "", rng);
  const Bytes first_nonce = k.nonce, first_sealed = k.sealed;
  codec.Seal(k, AsBytes("SecretSecretSecretSecret123456"), "", rng);
  EXPECT_NE(k.nonce, first_nonce);
  EXPECT_NE(k.sealed, first_sealed);
  EXPECT_TRUE(codec.Verify(k).ok());
}

// Verify refuses exactly what OpenRecord refuses, with its message.
TEST_F(RecordCodecBulkTest, VerifyFailsOnEveryEdit) {
  RecordCodec codec(record_key_, state_key_, vault_id_);
  SeededRng rng(12);
  const std::vector<std::pair<std::string, std::function<void(StoredKey&)>>> edits = {
      {"owner", [](StoredKey& k) { k.meta.owner = "mallory"; }},
      {"due_date", [](StoredKey& k) { k.meta.due_date = k.meta.due_date->AddDays(1); }},
      {"created", [](StoredKey& k) { k.meta.created = k.meta.created.AddDays(-1); }},
      {"version", [](StoredKey& k) { k.version = 2; }},
      {"uuid", [](StoredKey& k) { k.uuid[3] ^= 1; }},
      {"nonce", [](StoredKey& k) { k.nonce[0] ^= 1; }},
      {"short nonce", [](StoredKey& k) { k.nonce.pop_back(); }},
      {"ciphertext", [](StoredKey& k) { k.sealed.back() ^= 1; }},
      {"truncated", [](StoredKey& k) { k.sealed.resize(10); }},
  };
  for (const auto& [name, edit] : edits) {
    StoredKey k = Meta("LTAI5tAAAAAAAAAAAAAAAAAA");
    codec.Seal(k, AsBytes("SecretSecretSecretSecret123456"), "", rng);
    ASSERT_TRUE(codec.Verify(k).ok()) << name;
    edit(k);
    auto verified = codec.Verify(k);
    EXPECT_EQ(verified.status().code(), Code::kTampered) << name;
    EXPECT_EQ(verified.status().message(), OpenRecord(record_key_, vault_id_, k).status().message()) << name;
  }
}

// A note longer than the scratch page grows the buffer; records before and
// after it still seal and verify.
TEST_F(RecordCodecBulkTest, LongNotesGrowTheScratchBuffer) {
  RecordCodec codec(record_key_, state_key_, vault_id_);
  SeededRng rng(13);
  for (std::size_t note_size : {0u, 10000u, 5u, 100000u}) {
    StoredKey k = Meta("LTAI5tAAAAAAAAAAAAAAAAAA");
    const std::string note(note_size, 'n');
    codec.Seal(k, AsBytes("SecretSecretSecretSecret123456"), note, rng);
    ASSERT_TRUE(codec.Verify(k).ok()) << note_size;
    auto opened = OpenRecord(record_key_, vault_id_, k);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(opened->note, note);
  }
}

// ---- StreamRng: the import's source of uuids and nonces ----------------------

Bytes Concat(StreamRng& rng, const std::vector<std::size_t>& sizes) {
  Bytes out;
  for (std::size_t n : sizes) Append(out, rng.Draw(n));
  return out;
}

TEST(StreamRngTest, OneStreamHoweverItIsDrawn) {
  ASSERT_TRUE(InitCrypto().ok());
  // Over a seeded source it is reproducible, and the same bytes come out
  // whether drawn at once or in pieces that cross its 64 KiB blocks.
  SeededRng source_a(21), source_b(21), source_c(22);
  StreamRng a(source_a), b(source_b), c(source_c);
  const Bytes whole = a.Draw(200000);
  const Bytes pieces = Concat(b, {16, 24, 65000, 1, 70000, 64959});
  EXPECT_EQ(whole, pieces);
  EXPECT_NE(whole, c.Draw(200000)) << "another seed, another stream";
}

TEST(StreamRngTest, DrawsNeverRepeat) {
  ASSERT_TRUE(InitCrypto().ok());
  SystemRng system;
  StreamRng rng(system);
  std::vector<Bytes> nonces;
  for (int i = 0; i < 20000; ++i) nonces.push_back(rng.Draw(24));
  std::sort(nonces.begin(), nonces.end());
  EXPECT_EQ(std::adjacent_find(nonces.begin(), nonces.end()), nonces.end());
  // Two streams seeded from the system differ.
  StreamRng other(system);
  EXPECT_NE(rng.Draw(32), other.Draw(32));
}

TEST(StreamRngTest, LooksUniform) {
  ASSERT_TRUE(InitCrypto().ok());
  SystemRng system;
  StreamRng rng(system);
  const Bytes bytes = rng.Draw(1 << 20);
  std::array<int, 256> counts{};
  for (std::uint8_t b : bytes) ++counts[b];
  // 4096 expected per value; a 6-sigma band (sigma = 64).
  for (int count : counts) {
    EXPECT_GT(count, 4096 - 6 * 64);
    EXPECT_LT(count, 4096 + 6 * 64);
  }
  for (int i = 0; i < 1000; ++i) EXPECT_LT(rng.Uniform(7), 7u);
}

}  // namespace
}  // namespace akv

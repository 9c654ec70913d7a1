#include "vault/crypto/kdf.h"

#include <gtest/gtest.h>

#include "vault/crypto/init.h"

namespace akv {
namespace {

class KdfTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
};

TEST_F(KdfTest, PresetsMatchTheDesign) {
  EXPECT_EQ(*KdfPreset("interactive"), (KdfParams{2, 64ULL << 20}));
  EXPECT_EQ(*KdfPreset("moderate"), (KdfParams{3, 256ULL << 20}));
  EXPECT_EQ(*KdfPreset("sensitive"), (KdfParams{4, 1ULL << 30}));
  EXPECT_FALSE(KdfPreset("fast").has_value());
  EXPECT_EQ(KdfPresetName(kKdfModerate), "moderate");
}

// A7 / B5: attacker-chosen parameters are refused before any work.
TEST_F(KdfTest, BoundsAreCheckedBeforeAnyDerivation) {
  EXPECT_TRUE(CheckKdfBounds(kKdfAlgArgon2id13, kKdfInteractive).ok());
  EXPECT_TRUE(CheckKdfBounds(kKdfAlgArgon2id13, kKdfSensitive).ok());
  const KdfParams bad[] = {
      {1, 64ULL << 20},          // below the ops floor
      {0, 64ULL << 20},          // zero
      {11, 64ULL << 20},         // above the ops cap
      {0xFFFFFFFFu, 64ULL << 20},  // 2^32-1
      {2, (64ULL << 20) - 1024},   // below the memory floor
      {2, 4ULL << 40},             // 4 TiB
      {2, (1ULL << 30) + 1024},    // just above 1 GiB
      {2, (64ULL << 20) + 1},      // not whole KiB
  };
  const std::uint64_t before = KdfDerivationCount();
  for (const KdfParams& p : bad) {
    EXPECT_EQ(CheckKdfBounds(kKdfAlgArgon2id13, p).code(), Code::kFormat) << p.ops << " " << p.mem_bytes;
    auto key = DeriveKeyFromPassphrase(AsBytes("pw"), Bytes(16, 1), p);
    EXPECT_EQ(key.status().code(), Code::kFormat);
  }
  EXPECT_EQ(KdfDerivationCount(), before) << "no Argon2id may run for out-of-bounds parameters";
  EXPECT_EQ(CheckKdfBounds(1, kKdfInteractive).code(), Code::kFormat);  // Argon2i
}

TEST_F(KdfTest, DerivationIsDeterministicAndSaltDependent) {
  const Bytes salt_a(16, 0xA5), salt_b(16, 0x5A);
  auto k1 = DeriveKeyFromPassphrase(AsBytes("correct horse"), salt_a, kKdfInteractive);
  auto k2 = DeriveKeyFromPassphrase(AsBytes("correct horse"), salt_a, kKdfInteractive);
  auto k3 = DeriveKeyFromPassphrase(AsBytes("correct horse"), salt_b, kKdfInteractive);
  ASSERT_TRUE(k1.ok() && k2.ok() && k3.ok());
  EXPECT_EQ(k1->size(), 32u);
  EXPECT_TRUE(k1->Equals(k2->span()));
  EXPECT_FALSE(k1->Equals(k3->span()));
  EXPECT_EQ(DeriveKeyFromPassphrase(AsBytes("x"), Bytes(15, 0), kKdfInteractive).status().code(), Code::kFormat);
}

}  // namespace
}  // namespace akv

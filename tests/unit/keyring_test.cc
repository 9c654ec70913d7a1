// Key wrapping: KDF parameter authentication and passwd (B5, B6).
#include "vault/keyring.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"
#include "vault/crypto/init.h"
#include "vault/crypto/random.h"

namespace akv {
namespace {

using testing::Secret;

class KeyringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    vault_key_ = SecretBuffer(32);
    rng_.Fill(vault_key_.span());
    auto header = WrapVaultKey(vault_key_, Secret("correct horse battery"), rng_.Draw(16), kKdfInteractive, rng_);
    ASSERT_TRUE(header.ok());
    header_ = std::move(header).value();
  }
  SeededRng rng_{1};
  SecretBuffer vault_key_;
  KeyringHeader header_;
};

TEST_F(KeyringTest, UnwrapsWithTheRightPassphraseOnly) {
  auto key = UnwrapVaultKey(header_, Secret("correct horse battery"));
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE(key->Equals(vault_key_.span()));
  // B6: one code and one message for a wrong passphrase.
  auto wrong = UnwrapVaultKey(header_, Secret("correct horse batterz"));
  EXPECT_EQ(wrong.status().code(), Code::kAuth);
  EXPECT_EQ(wrong.status().message().find("correct horse"), std::string::npos);
}

// B6, F6: no faster rejection path. A wrong passphrase, and a right one
// with any damaged header field, each cost exactly one Argon2id derivation
// (DeriveKeyFromPassphrase always runs crypto_pwhash at the header's
// parameters) before the one kAuth answer; the end-to-end test checks that
// each such process touches the KDF's whole memory.
TEST_F(KeyringTest, EveryRejectionCostsOneFullDerivation) {
  std::vector<KeyringHeader> damaged(4, header_);
  damaged[0].salt[3] ^= 1;
  damaged[1].nonce[0] ^= 1;
  damaged[2].wrapped[5] ^= 1;
  damaged[3].vault_id[15] ^= 1;
  const auto rejected = [&](const KeyringHeader& header, const char* passphrase) {
    const std::uint64_t before = KdfDerivationCount();
    const Status status = UnwrapVaultKey(header, Secret(passphrase)).status();
    EXPECT_EQ(KdfDerivationCount() - before, 1u) << passphrase;
    return status.code() == Code::kAuth;
  };
  EXPECT_TRUE(rejected(header_, "correct horse batterz"));
  EXPECT_TRUE(rejected(header_, "x"));
  for (const KeyringHeader& header : damaged) EXPECT_TRUE(rejected(header, "correct horse battery"));
}

// B5: the KDF parameters and salt are authenticated: a lowered (but still
// in-bounds) cost makes the unwrap fail instead of making it cheaper.
TEST_F(KeyringTest, ChangedParametersMakeTheUnwrapFail) {
  KeyringHeader cheaper = header_;
  cheaper.kdf = KdfParams{2, 64ULL << 20};  // same as interactive: change ops instead
  cheaper.kdf.ops = 3;
  EXPECT_EQ(UnwrapVaultKey(cheaper, Secret("correct horse battery")).status().code(), Code::kAuth);
  KeyringHeader salted = header_;
  salted.salt[0] ^= 1;
  EXPECT_EQ(UnwrapVaultKey(salted, Secret("correct horse battery")).status().code(), Code::kAuth);
  KeyringHeader moved = header_;
  moved.vault_id[0] ^= 1;
  EXPECT_EQ(UnwrapVaultKey(moved, Secret("correct horse battery")).status().code(), Code::kAuth);
}

// A7-style: out-of-bounds parameters are a format error before any Argon2.
TEST_F(KeyringTest, OutOfBoundsParametersAreRefusedBeforeWork) {
  KeyringHeader huge = header_;
  huge.kdf.mem_bytes = 4ULL << 40;
  const std::uint64_t before = KdfDerivationCount();
  EXPECT_EQ(UnwrapVaultKey(huge, Secret("correct horse battery")).status().code(), Code::kFormat);
  KeyringHeader weak = header_;
  weak.kdf.ops = 1;
  EXPECT_EQ(UnwrapVaultKey(weak, Secret("correct horse battery")).status().code(), Code::kFormat);
  EXPECT_EQ(KdfDerivationCount(), before);
}

TEST_F(KeyringTest, RewrapKeepsTheVaultKey) {
  auto rewrapped = WrapVaultKey(vault_key_, Secret("new passphrase 42"), header_.vault_id, kKdfInteractive, rng_);
  ASSERT_TRUE(rewrapped.ok());
  EXPECT_NE(rewrapped->salt, header_.salt);
  EXPECT_NE(rewrapped->wrapped, header_.wrapped);
  EXPECT_TRUE(UnwrapVaultKey(*rewrapped, Secret("new passphrase 42"))->Equals(vault_key_.span()));
  EXPECT_FALSE(UnwrapVaultKey(*rewrapped, Secret("correct horse battery")).ok());
}

}  // namespace
}  // namespace akv

#include "vault/crypto/aead.h"

#include <gtest/gtest.h>

#include "vault/crypto/box.h"
#include "vault/crypto/init.h"
#include "vault/crypto/mac.h"
#include "vault/crypto/random.h"

namespace akv {
namespace {

class AeadTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
  SeededRng rng_{7};
};

TEST_F(AeadTest, RoundTripAndEveryTamperFails) {
  SecretBuffer key(32);
  rng_.Fill(key.span());
  const Bytes nonce = rng_.Draw(kAeadNonceBytes);
  const Bytes aad = {'m', 'e', 't', 'a'};
  const Bytes sealed = AeadSeal(key, nonce, AsBytes("LTAIsecret"), aad);
  ASSERT_EQ(sealed.size(), 10 + kAeadTagBytes);
  auto opened = AeadOpen(key, nonce, sealed, aad);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->view(), "LTAIsecret");

  for (std::size_t i = 0; i < sealed.size(); ++i) {
    Bytes flipped = sealed;
    flipped[i] ^= 0x01;
    EXPECT_EQ(AeadOpen(key, nonce, flipped, aad).status().code(), Code::kTampered) << i;
  }
  Bytes other_aad = aad;
  other_aad[0] ^= 0x80;
  EXPECT_FALSE(AeadOpen(key, nonce, sealed, other_aad).ok());
  Bytes other_nonce = nonce;
  other_nonce[23] ^= 1;
  EXPECT_FALSE(AeadOpen(key, other_nonce, sealed, aad).ok());
  EXPECT_FALSE(AeadOpen(key, nonce, ByteView(sealed).first(kAeadTagBytes - 1), aad).ok());
}

TEST_F(AeadTest, SubkeysAreIndependent) {
  SecretBuffer master(32);
  rng_.Fill(master.span());
  SecretBuffer a = DeriveSubkey(master, 1, "AKVAULT1");
  SecretBuffer b = DeriveSubkey(master, 2, "AKVAULT1");
  SecretBuffer c = DeriveSubkey(master, 1, "AKVBNDL1");
  EXPECT_FALSE(a.Equals(b.span()));
  EXPECT_FALSE(a.Equals(c.span()));
  EXPECT_TRUE(a.Equals(DeriveSubkey(master, 1, "AKVAULT1").span()));
}

TEST_F(AeadTest, SealedBoxOpensOnlyForItsRecipient) {
  BoxKeyPair alice = GenerateBoxKeyPair(rng_);
  BoxKeyPair bob = GenerateBoxKeyPair(rng_);
  EXPECT_EQ(PublicKeyFor(alice.secret_key), alice.public_key);
  auto sealed_result = BoxSeal(alice.public_key, AsBytes("file key"));
  ASSERT_TRUE(sealed_result.ok());
  const Bytes sealed = *sealed_result;
  // A low-order recipient key is refused rather than producing a dead stanza.
  BoxPublicKey low_order_pk{};
  low_order_pk[0] = 1;
  EXPECT_EQ(BoxSeal(low_order_pk, AsBytes("file key")).status().code(), Code::kUsage);
  auto mine = BoxSealOpen(alice, sealed);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->view(), "file key");
  EXPECT_EQ(BoxSealOpen(bob, sealed).status().code(), Code::kNoMatch);
  // A14: an all-zero ephemeral key is a format error, found before opening.
  Bytes zero_epk = sealed;
  std::fill(zero_epk.begin(), zero_epk.begin() + 32, 0);
  EXPECT_EQ(BoxSealOpen(alice, zero_epk).status().code(), Code::kFormat);
  // The point of order 1 (u = 1) is of low order too.
  Bytes low_order = sealed;
  std::fill(low_order.begin(), low_order.begin() + 32, 0);
  low_order[0] = 1;
  EXPECT_EQ(BoxSealOpen(alice, low_order).status().code(), Code::kFormat);
}

}  // namespace
}  // namespace akv

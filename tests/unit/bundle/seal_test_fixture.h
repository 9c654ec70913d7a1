// The fixture shared by seal_test.cc and open_checks_test.cc: fixed
// password and identities, a counting stand-in for Argon2id, and helpers
// to seal and to build OpenOptions.
#pragma once

#include <gtest/gtest.h>

#include "tests/support/test_support.h"
#include "tests/unit/bundle/bundle_test_util.h"
#include "vault/bundle/seal.h"
#include "vault/crypto/random.h"

namespace akv::testing {

constexpr std::size_t kExpiresAt = 42, kPwNonce = 184, kRcStanza = 52;

class SealTest : public ::testing::Test {
 protected:
  SecretBuffer password_ = CanonicalPassword(0x50);
  SecretBuffer shown_ = DisplayPassword(0x50);
  SecretBuffer other_password_ = DisplayPassword(0x51);
  BoxKeyPair me_ = SeededIdentity(0x1D);
  BoxKeyPair other_ = SeededIdentity(0x2E);
  CountingKdf kdf_;

  Bytes Seal(const SealOptions& o, std::uint8_t seed = 1, int keys = 1) {
    SeededRng rng(seed);
    Result<SealedBundle> sealed = SealBundle(SamplePayload(keys), o, rng);
    EXPECT_TRUE(sealed.ok()) << sealed.status().ToString();
    return sealed.ok() ? sealed->bytes : Bytes();
  }
  SealOptions Layered() {
    SealOptions o = PasswordOptions(password_);
    o.recipients = {me_.public_key};
    return o;
  }
  OpenOptions With(const SecretBuffer* password, const BoxKeyPair* identity, std::int64_t now = kNow) {
    OpenOptions o;
    o.password = password;
    o.identity = identity;
    o.now = now;
    o.kdf_fn = kdf_.Fn();
    return o;
  }
};

inline void ExpectOpens(const Result<OpenedBundle>& r, int keys) {
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(PayloadText(r->payload), PayloadText(SamplePayload(keys)));
}

}  // namespace akv::testing

// OpenBundle's checks and their order (A5, A6, A7, A14, A15, A16): what
// each kind of damage gives, and that hostile parameters and typos never
// reach the key derivation.
#include <gtest/gtest.h>

#include "tests/unit/bundle/seal_test_fixture.h"
#include "vault/bundle/armor.h"
#include "vault/bundle/format.h"
#include "vault/bundle/identity.h"
#include "vault/encoding/encoding.h"

namespace akv {
namespace {

using namespace ::akv::testing;

// A5
TEST_F(SealTest, HeaderOfOneBundleWithBodyOfAnotherIsRefused) {
  const Bytes x = Seal(PasswordOptions(password_), 1);
  const Bytes y = Seal(PasswordOptions(password_), 2, 2);
  Bytes spliced(x.begin(), x.begin() + kPwNonce);
  spliced.insert(spliced.end(), y.begin() + kPwNonce, y.end());
  ASSERT_TRUE(ParseBundle(spliced).ok());
  EXPECT_EQ(OpenBundle(spliced, With(&shown_, nullptr)).status().code(), Code::kTampered);
  // And the other way round: a body cannot be moved under another header.
  Bytes spliced2(y.begin(), y.begin() + kPwNonce);
  spliced2.insert(spliced2.end(), x.begin() + kPwNonce, x.end());
  EXPECT_EQ(OpenBundle(spliced2, With(&shown_, nullptr)).status().code(), Code::kTampered);
}

// A6
TEST_F(SealTest, ExpiryIsAuthenticatedAndJudgedOnTheVerifiedHeader) {
  const Bytes pw = Seal(PasswordOptions(password_));
  const Bytes rc = Seal(RecipientOptions({me_.public_key}));
  for (const Bytes* raw : {&pw, &rc}) {
    const bool is_pw = raw == &pw;
    const OpenOptions base = is_pw ? With(&shown_, nullptr) : With(nullptr, &me_);
    Bytes edited = *raw;
    edited[kExpiresAt + 5] ^= 0x01;  // a later expiry, edited in place
    OpenOptions later = base;
    later.now = kExpires + 10;
    Status s = OpenBundle(edited, later).status();
    EXPECT_EQ(s.code(), is_pw ? Code::kAuth : Code::kTampered) << s.ToString();

    OpenOptions at = base;
    at.now = kExpires - 1;
    EXPECT_TRUE(OpenBundle(*raw, at).ok());
    at.now = kExpires;
    s = OpenBundle(*raw, at).status();
    EXPECT_EQ(s.code(), Code::kExpired);
    EXPECT_EQ(s.message(), "bundle expired on 2026-01-08T00:00:00Z");
    at.now = kExpires + 86400 * 100;
    EXPECT_EQ(OpenBundle(*raw, at).status().code(), Code::kExpired);
    // Clock skew: created up to 300 s after now is accepted.
    at.now = kCreated - 300;
    EXPECT_TRUE(OpenBundle(*raw, at).ok());
    at.now = kCreated - 301;
    s = OpenBundle(*raw, at).status();
    EXPECT_EQ(s.code(), Code::kExpired);
    EXPECT_NE(s.message().find("created in the future"), std::string::npos);
    EXPECT_NE(s.message().find("check the clocks"), std::string::npos);
  }
  // --expires-in 0: created == expires is expired at once.
  SealOptions zero = RecipientOptions({me_.public_key});
  zero.expires = zero.created;
  OpenOptions now = With(nullptr, &me_, kCreated);
  EXPECT_EQ(OpenBundle(Seal(zero), now).status().code(), Code::kExpired);
}

// A7: hostile KDF parameters never reach the key derivation function.
TEST_F(SealTest, HostileKdfParametersNeverReachTheKdf) {
  const Bytes raw = Seal(PasswordOptions(password_));
  struct Case {
    std::uint32_t ops;
    std::uint64_t mem;
  };
  for (const Case& c : {Case{2, 4ULL << 40}, Case{0xFFFFFFFFu, 64ULL << 20}, Case{0, 64ULL << 20}, Case{1, 8192},
                        Case{2, 8192}, Case{2, (64ULL << 20) - 1024}}) {
    Bytes b = raw;
    for (int i = 0; i < 4; ++i) b[52 + i] = static_cast<std::uint8_t>(c.ops >> (24 - 8 * i));
    for (int i = 0; i < 8; ++i) b[56 + i] = static_cast<std::uint8_t>(c.mem >> (56 - 8 * i));
    const std::uint64_t before = KdfDerivationCount();
    OpenOptions real;  // the default Argon2id: must not run either
    real.password = &shown_;
    real.now = kNow;
    EXPECT_EQ(OpenBundle(b, With(&shown_, nullptr)).status().code(), Code::kFormat);
    EXPECT_EQ(OpenBundle(b, real).status().code(), Code::kFormat);
    EXPECT_EQ(KdfDerivationCount(), before);
  }
  EXPECT_EQ(kdf_.calls, 0);
}

// The typo check and the length check come before any key derivation.
TEST_F(SealTest, PasswordTyposAreReportedBeforeAnyKdf) {
  const Bytes raw = Seal(PasswordOptions(password_));
  SecretBuffer typo = Secret(std::string(shown_.view()));
  typo.data()[0] = typo.data()[0] == 'A' ? 'B' : 'A';
  Status s = OpenBundle(raw, With(&typo, nullptr)).status();
  EXPECT_EQ(s.code(), Code::kAuth);
  EXPECT_NE(s.message().find("typo"), std::string::npos);
  SecretBuffer short_pw = Secret(std::string(shown_.view().substr(0, 20)));
  EXPECT_EQ(OpenBundle(raw, With(&short_pw, nullptr)).status().code(), Code::kInput);
  EXPECT_EQ(kdf_.calls, 0);
  s = OpenBundle(raw, With(&other_password_, nullptr)).status();
  EXPECT_EQ(s.code(), Code::kAuth);
  EXPECT_EQ(s.message(), "wrong password, or the bundle was modified");  // A4 wording
  EXPECT_EQ(kdf_.calls, 1);
}

// A14: a low-order ephemeral key in any stanza, even one after ours.
TEST_F(SealTest, LowOrderEphemeralKeysAreFormatErrors) {
  const char* low[] = {"0000000000000000000000000000000000000000000000000000000000000000",
                       "0100000000000000000000000000000000000000000000000000000000000000",
                       "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
                       "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
                       "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                       "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                       "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                       "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",
                       "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"};
  const Bytes one = Seal(RecipientOptions({me_.public_key}));
  const Bytes two = Seal(RecipientOptions({me_.public_key, other_.public_key}));
  const Bytes ours_second = Seal(RecipientOptions({other_.public_key, me_.public_key}));
  for (const char* hex : low) {
    const Bytes point = *HexDecode(hex);
    Bytes b = one;
    std::copy(point.begin(), point.end(), b.begin() + kRcStanza);
    Status s = OpenBundle(b, With(nullptr, &me_)).status();
    EXPECT_EQ(s.code(), Code::kFormat) << hex;
    EXPECT_NE(s.message().find("low-order"), std::string::npos);
    b = two;  // ours first and intact; the second stanza is crafted
    std::copy(point.begin(), point.end(), b.begin() + kRcStanza + 80);
    EXPECT_EQ(OpenBundle(b, With(nullptr, &me_)).status().code(), Code::kFormat) << hex;
    b = ours_second;  // the crafted stanza comes before ours, which is intact
    std::copy(point.begin(), point.end(), b.begin() + kRcStanza);
    EXPECT_EQ(OpenBundle(b, With(nullptr, &me_)).status().code(), Code::kFormat) << hex;
  }
}

// A15
TEST_F(SealTest, WrongIdentityIsNoMatchNamingTheIdentity) {
  const Bytes raw = Seal(RecipientOptions({me_.public_key}));
  Status s = OpenBundle(raw, With(nullptr, &other_)).status();
  EXPECT_EQ(s.code(), Code::kNoMatch);
  EXPECT_EQ(s.message(), "this bundle was not sealed to identity " + EncodeRecipient(other_.public_key));
  // Any of several recipients opens it.
  std::vector<BoxPublicKey> pks;
  for (int i = 0; i < 31; ++i) pks.push_back(SeededIdentity(static_cast<std::uint8_t>(i + 100)).public_key);
  pks.push_back(me_.public_key);
  ExpectOpens(OpenBundle(Seal(RecipientOptions(pks)), With(nullptr, &me_)), 1);
}

// A16: a sender who knows the password can encrypt anything; what is inside
// is still parsed strictly.
TEST_F(SealTest, ValidEncryptionAroundMalformedContentIsAFormatError) {
  for (const std::string& content :
       {std::string("not json"), std::string(R"({"v":1,"keys":[]})"), PayloadText(SamplePayload(1)) + " "}) {
    SeededRng rng(1);
    Result<SealedBundle> sealed = SealArbitraryPayloadForTesting(Secret(content), PasswordOptions(password_), rng);
    ASSERT_TRUE(sealed.ok());
    Status s = OpenBundle(sealed->bytes, With(&shown_, nullptr)).status();
    EXPECT_EQ(s.code(), Code::kFormat) << content;
    EXPECT_NE(s.message().find("bundle content is malformed"), std::string::npos);
  }
  SeededRng rng(1);
  Result<SealedBundle> good =
      SealArbitraryPayloadForTesting(Secret(PayloadText(SamplePayload(1))), PasswordOptions(password_), rng);
  ASSERT_TRUE(good.ok());
  ExpectOpens(OpenBundle(good->bytes, With(&shown_, nullptr)), 1);
}

TEST_F(SealTest, AKdfOfTheWrongSizeIsAnInternalError) {
  const Bytes raw = Seal(PasswordOptions(password_));
  OpenOptions o = With(&shown_, nullptr);
  o.kdf_fn = [](std::span<const std::uint8_t>, ByteView, const KdfParams&) -> Result<SecretBuffer> {
    return SecretBuffer(16);
  };
  EXPECT_EQ(OpenBundle(raw, o).status().code(), Code::kInternal);
}

TEST_F(SealTest, InspectNeedsNoSecretAndRefusesJunk) {
  EXPECT_EQ(InspectBundle(AsBytes("hello")).status().code(), Code::kFormat);
  EXPECT_EQ(InspectBundle(AsBytes("-----BEGIN AKVAULT BUNDLE-----\nQUJD\n")).status().code(), Code::kFormat);
  EXPECT_EQ(InspectBundle(AsBytes(ArmorBundle(AsBytes("not a bundle")))).status().code(), Code::kFormat);
}

}  // namespace
}  // namespace akv

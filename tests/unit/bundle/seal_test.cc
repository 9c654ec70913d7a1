// SealBundle / OpenBundle / InspectBundle: the three modes, what each
// needs, the options SealBundle refuses, reproducibility, real Argon2id.
#include "vault/bundle/seal.h"

#include <gtest/gtest.h>

#include "tests/unit/bundle/seal_test_fixture.h"
#include "vault/bundle/armor.h"
#include "vault/bundle/format.h"
#include "vault/bundle/identity.h"
#include "vault/encoding/encoding.h"

namespace akv {
namespace {

using namespace ::akv::testing;

TEST_F(SealTest, EachModeRoundTripsAndReportsWhatItNeeds) {
  struct Case {
    SealOptions seal;
    const SecretBuffer* pw;
    const BoxKeyPair* id;
    bool needs_pw, needs_id;
    std::size_t n;
  };
  std::vector<Case> cases;
  cases.push_back({PasswordOptions(password_), &shown_, nullptr, true, false, 0});
  cases.push_back({RecipientOptions({other_.public_key, me_.public_key}), nullptr, &me_, false, true, 2});
  cases.push_back({Layered(), &shown_, &me_, true, true, 1});
  for (Case& c : cases) {
    SeededRng rng(9);
    Result<SealedBundle> sealed = SealBundle(SamplePayload(3), c.seal, rng);
    ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
    const std::string armored = ArmorBundle(sealed->bytes);
    for (const Bytes& raw : {sealed->bytes, Bytes(armored.begin(), armored.end())}) {
      Result<BundleInfo> info = InspectBundle(raw);
      ASSERT_TRUE(info.ok());
      EXPECT_EQ(info->needs_password, c.needs_pw);
      EXPECT_EQ(info->needs_identity, c.needs_id);
      EXPECT_EQ(info->recipient_count, c.n);
      EXPECT_EQ(info->created, kCreated);
      EXPECT_EQ(info->expires, kExpires);
      EXPECT_EQ(info->bundle_id_hex, HexEncode(sealed->bundle_id));
      Result<OpenedBundle> opened = OpenBundle(raw, With(c.pw, c.id));
      ExpectOpens(opened, 3);
      EXPECT_EQ(opened->info.bundle_id_hex, info->bundle_id_hex);
    }
  }
}

TEST_F(SealTest, SeededRngReproducesPasswordBundlesExactly) {
  EXPECT_EQ(Seal(PasswordOptions(password_), 1), Seal(PasswordOptions(password_), 1));
  EXPECT_NE(Seal(PasswordOptions(password_), 1), Seal(PasswordOptions(password_), 2));
  // Recipient stanzas use libsodium's own ephemeral keys: never reproducible.
  EXPECT_NE(Seal(RecipientOptions({me_.public_key}), 1), Seal(RecipientOptions({me_.public_key}), 1));
}

TEST_F(SealTest, RealArgon2idRoundTripRunsExactlyOneDerivation) {
  const Bytes raw = Seal(PasswordOptions(password_, {}));
  OpenOptions o;
  o.password = &shown_;
  o.now = kNow;
  const std::uint64_t before = KdfDerivationCount();
  ExpectOpens(OpenBundle(raw, o), 1);
  EXPECT_EQ(KdfDerivationCount(), before + 1);
  o.password = &other_password_;
  EXPECT_EQ(OpenBundle(raw, o).status().code(), Code::kAuth);
  EXPECT_EQ(KdfDerivationCount(), before + 2);
  // The injected stand-in derives another key: it cannot open a real bundle.
  o.password = &shown_;
  o.kdf_fn = FastKdf;
  EXPECT_EQ(OpenBundle(raw, o).status().code(), Code::kAuth);
}

// Layered mode: both the identity and the password, never either alone.
TEST_F(SealTest, LayeredModeNeedsBothIdentityAndPassword) {
  const Bytes raw = Seal(Layered());
  ExpectOpens(OpenBundle(raw, With(&shown_, &me_)), 1);
  Status s = OpenBundle(raw, With(&shown_, nullptr)).status();
  EXPECT_EQ(s.code(), Code::kUsage);
  EXPECT_NE(s.hint().find("--identity"), std::string::npos);
  s = OpenBundle(raw, With(nullptr, &me_)).status();
  EXPECT_EQ(s.code(), Code::kUsage);
  EXPECT_NE(s.hint().find("--password-file"), std::string::npos);
  EXPECT_EQ(OpenBundle(raw, With(&other_password_, &me_)).status().code(), Code::kAuth);
  EXPECT_EQ(OpenBundle(raw, With(&shown_, &other_)).status().code(), Code::kNoMatch);
  // What a stanza holds is the password wrap (72 bytes), not the file key: the
  // identity alone yields nothing that opens the bundle.
  Result<ParsedBundle> parsed = ParseBundle(raw);
  ASSERT_TRUE(parsed.ok());
  Result<SecretBuffer> inner = BoxSealOpen(me_, parsed->header.stanzas[0]);
  ASSERT_TRUE(inner.ok());
  EXPECT_EQ(inner->size(), 72u);
}

TEST_F(SealTest, RefusesCredentialsTheModeDoesNotUse) {
  const Bytes pw = Seal(PasswordOptions(password_));
  const Bytes rc = Seal(RecipientOptions({me_.public_key}));
  EXPECT_EQ(OpenBundle(pw, With(nullptr, nullptr)).status().code(), Code::kUsage);
  EXPECT_EQ(OpenBundle(rc, With(nullptr, nullptr)).status().code(), Code::kUsage);
  EXPECT_EQ(OpenBundle(pw, With(&shown_, &me_)).status().code(), Code::kUsage);
  EXPECT_EQ(OpenBundle(rc, With(&shown_, &me_)).status().code(), Code::kUsage);
  EXPECT_EQ(kdf_.calls, 0);
}

TEST_F(SealTest, SealRefusesOptionsThatCannotMakeABundle) {
  auto code = [&](SealOptions o) {
    SeededRng rng(1);
    return SealBundle(SamplePayload(1), o, rng).status().code();
  };
  EXPECT_EQ(code(RecipientOptions({})), Code::kUsage);
  EXPECT_EQ(code(RecipientOptions({me_.public_key, me_.public_key})), Code::kUsage);
  std::vector<BoxPublicKey> many;
  for (int i = 0; i < 33; ++i) many.push_back(SeededIdentity(static_cast<std::uint8_t>(i + 100)).public_key);
  EXPECT_EQ(code(RecipientOptions(many)), Code::kUsage);
  many.pop_back();
  EXPECT_EQ(code(RecipientOptions(many)), Code::kOk);
  EXPECT_EQ(code(RecipientOptions({BoxPublicKey{}})), Code::kUsage);  // low-order (all zero)
  EXPECT_EQ(code(PasswordOptions(shown_, kdf_.Fn())), Code::kUsage);  // display form, not canonical
  SecretBuffer lower = Secret(std::string(password_.view()) + "");
  for (std::size_t i = 0; i < lower.size(); ++i)
    lower.data()[i] = static_cast<std::uint8_t>(std::tolower(lower.data()[i]));
  EXPECT_EQ(code(PasswordOptions(lower, kdf_.Fn())), Code::kUsage);
  SealOptions o = PasswordOptions(password_, kdf_.Fn());
  o.expires = o.created - 1;
  EXPECT_EQ(code(o), Code::kUsage);
  o = PasswordOptions(password_, kdf_.Fn());
  o.created = -1;
  EXPECT_EQ(code(o), Code::kUsage);
  o = PasswordOptions(password_, kdf_.Fn());
  o.kdf = {1, 64ULL << 20};
  EXPECT_NE(code(o), Code::kOk);
  // Payload errors pass through.
  BundlePayload empty;
  SeededRng rng(1);
  EXPECT_EQ(SealBundle(empty, PasswordOptions(password_, kdf_.Fn()), rng).status().code(), Code::kUsage);
  // A content larger than the 1 MiB cap.
  SecretBuffer huge(kBundleMaxBytes);
  EXPECT_EQ(SealArbitraryPayloadForTesting(huge, PasswordOptions(password_, kdf_.Fn()), rng).status().code(),
            Code::kUsage);
  EXPECT_EQ(kdf_.calls, 0);
}

}  // namespace
}  // namespace akv

// ParseBundle / SerializeBundle: structure only (no keys involved).
#include "vault/bundle/format.h"

#include <gtest/gtest.h>

#include "tests/unit/bundle/bundle_test_util.h"
#include "vault/crypto/random.h"

namespace akv {
namespace {

using testing::CanonicalPassword;
using testing::FastKdf;
using testing::PasswordOptions;
using testing::RecipientOptions;
using testing::SamplePayload;
using testing::SeededIdentity;

// Offsets from docs/bundle-format.md.
constexpr std::size_t kCreatedAt = 34, kExpiresAt = 42, kModeAt = 50;
constexpr std::size_t kPwAlg = 51, kPwOps = 52, kPwMem = 56, kPwMac = 152, kPwLength = 208;
constexpr std::size_t kRcCount = 51, kRcStanza = 52, kRcLength = 188;

Bytes Seal(const SealOptions& o, std::uint8_t seed = 1, int keys = 1) {
  SeededRng rng(seed);
  Result<SealedBundle> sealed = SealBundle(SamplePayload(keys), o, rng);
  EXPECT_TRUE(sealed.ok()) << sealed.status().ToString();
  return sealed->bytes;
}

class FormatTest : public ::testing::Test {
 protected:
  SecretBuffer password_ = CanonicalPassword(0x50);
  BoxKeyPair me_ = SeededIdentity(0x1D);
  BoxKeyPair other_ = SeededIdentity(0x2E);
  Bytes PasswordBundle() { return Seal(PasswordOptions(password_)); }
  Bytes RecipientBundle(int recipients = 1) {
    std::vector<BoxPublicKey> pks = {me_.public_key};
    if (recipients == 2) pks.push_back(other_.public_key);
    return Seal(RecipientOptions(pks));
  }
  Bytes LayeredBundle() {
    SealOptions o = PasswordOptions(password_);
    o.recipients = {me_.public_key, other_.public_key};
    return Seal(o);
  }
};

void ExpectFormatError(ByteView raw, const std::string& fragment) {
  Result<ParsedBundle> parsed = ParseBundle(raw);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), Code::kFormat);
  EXPECT_NE(parsed.status().message().find(fragment), std::string::npos) << parsed.status().ToString();
  EXPECT_FALSE(parsed.status().hint().empty());
}

void PutU64(Bytes& b, std::size_t at, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (56 - 8 * i));
}
void PutU32(Bytes& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

TEST_F(FormatTest, RoundTripsEveryModeByteForByte) {
  for (const Bytes& raw : {PasswordBundle(), RecipientBundle(), RecipientBundle(2), LayeredBundle()}) {
    Result<ParsedBundle> parsed = ParseBundle(raw);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(SerializeBundle(*parsed), raw);
    EXPECT_EQ(parsed->header_bytes_without_mac, SerializeHeader(parsed->header));
  }
}

TEST_F(FormatTest, FieldsSitAtTheDocumentedOffsets) {
  const Bytes pw = PasswordBundle();
  Result<ParsedBundle> p = ParseBundle(pw);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(AsText(ByteView(pw).first(18)), "akvault-bundle/v1\n");
  EXPECT_EQ(ReadU64BE(&pw[kCreatedAt]), static_cast<std::uint64_t>(testing::kCreated));
  EXPECT_EQ(ReadU64BE(&pw[kExpiresAt]), static_cast<std::uint64_t>(testing::kExpires));
  EXPECT_EQ(pw[kModeAt], 1);
  EXPECT_EQ(pw[kPwAlg], 2);
  EXPECT_EQ(ReadU32BE(&pw[kPwOps]), 2u);
  EXPECT_EQ(ReadU64BE(&pw[kPwMem]), 64ULL << 20);
  EXPECT_EQ(p->header_bytes_without_mac.size(), kPwMac);
  EXPECT_EQ(ReadU32BE(&pw[kPwLength]), pw.size() - kPwLength - 4);

  const Bytes rc = RecipientBundle();
  EXPECT_EQ(rc[kModeAt], 2);
  EXPECT_EQ(rc[kRcCount], 1);
  EXPECT_EQ(ReadU32BE(&rc[kRcLength]), rc.size() - kRcLength - 4);

  const Bytes layered = LayeredBundle();
  Result<ParsedBundle> l = ParseBundle(layered);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(layered[kModeAt], 3);
  EXPECT_EQ(layered[80], 2);  // count right after the salt: no wrap in the mode-3 header
  ASSERT_EQ(l->header.stanzas.size(), 2u);
  EXPECT_EQ(l->header.stanzas[0].size(), 120u);
  EXPECT_EQ(l->header_bytes_without_mac.size(), 81u + 2 * 120);
}

// A1
TEST_F(FormatTest, RefusesEmptyWrongMagicAndOtherVersions) {
  ExpectFormatError({}, "not an akvault bundle");
  ExpectFormatError(AsBytes("age-encryption.org/v1\n-> X25519 abc\n"), "not an akvault bundle");
  ExpectFormatError(AsBytes("AKVAULT-BUNDLE/v1\n"), "not an akvault bundle");
  Bytes v2 = RecipientBundle();
  v2[16] = '2';
  ExpectFormatError(v2, "unsupported bundle version v2");
  EXPECT_NE(ParseBundle(v2).status().hint().find("upgrade akvault"), std::string::npos);
  ExpectFormatError(AsBytes("akvault-bundle/v10\nxxxx"), "unsupported bundle version v10");
  // An unreadable token is not echoed.
  ExpectFormatError(AsBytes("akvault-bundle/\x1b[31m\n"), "unsupported bundle version");
  EXPECT_EQ(ParseBundle(AsBytes("akvault-bundle/\x1b[31m\n")).status().message(), "unsupported bundle version");
  ExpectFormatError(AsBytes("akvault-bundle/v"), "truncated");
}

// A3
TEST_F(FormatTest, RefusesTrailingBytes) {
  for (std::size_t extra : {1u, 1024u}) {
    for (Bytes raw : {PasswordBundle(), RecipientBundle()}) {
      raw.insert(raw.end(), extra, 0);
      ExpectFormatError(raw, std::to_string(extra) + " unexpected bytes after the end");
    }
  }
}

// A7: bounds are checked while parsing, so no key derivation can start.
TEST_F(FormatTest, RefusesHostileKdfParameters) {
  struct Case {
    std::uint8_t alg;
    std::uint32_t ops;
    std::uint64_t mem;
  };
  for (const Case& c :
       {Case{2, 2, 4ULL << 40}, Case{2, 0xFFFFFFFFu, 64ULL << 20}, Case{2, 0, 64ULL << 20}, Case{2, 1, 64ULL << 20},
        Case{2, 11, 64ULL << 20}, Case{2, 2, 8192}, Case{2, 2, (64ULL << 20) - 1024}, Case{2, 2, (1ULL << 30) + 1024},
        Case{2, 2, (64ULL << 20) + 1}, Case{1, 2, 64ULL << 20}, Case{0, 2, 64ULL << 20}, Case{3, 2, 64ULL << 20}}) {
    Bytes raw = PasswordBundle();
    raw[kPwAlg] = c.alg;
    PutU32(raw, kPwOps, c.ops);
    PutU64(raw, kPwMem, c.mem);
    ExpectFormatError(raw, "key derivation");
  }
  // The bounds themselves parse.
  for (std::uint64_t mem : {64ULL << 20, 1ULL << 30}) {
    for (std::uint32_t ops : {2u, 10u}) {
      Bytes raw = PasswordBundle();
      PutU32(raw, kPwOps, ops);
      PutU64(raw, kPwMem, mem);
      EXPECT_TRUE(ParseBundle(raw).ok());
    }
  }
}

// A8 is about decimal text numbers; this format has none in its header. What
// remains to check: each integer field is fixed-width big-endian, so every
// byte string decodes to a different value and re-encodes to itself.
TEST_F(FormatTest, EveryIntegerFieldHasExactlyOneEncoding) {
  const Bytes base = PasswordBundle();
  for (std::uint64_t ops : {2u, 3u, 7u, 10u}) {
    Bytes raw = base;
    PutU32(raw, kPwOps, static_cast<std::uint32_t>(ops));
    Result<ParsedBundle> p = ParseBundle(raw);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->header.kdf.ops, ops);
    EXPECT_EQ(SerializeBundle(*p), raw);
  }
  for (std::int64_t t : {std::int64_t{0}, std::int64_t{1}, testing::kCreated, kBundleMaxTime}) {
    Bytes raw = base;
    PutU64(raw, kCreatedAt, 0);
    PutU64(raw, kExpiresAt, static_cast<std::uint64_t>(t));
    Result<ParsedBundle> p = ParseBundle(raw);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->header.expires, t);
    EXPECT_EQ(SerializeBundle(*p), raw);
  }
  // A value past the last representable time is refused rather than wrapped.
  Bytes raw = base;
  PutU64(raw, kExpiresAt, static_cast<std::uint64_t>(kBundleMaxTime) + 1);
  ExpectFormatError(raw, "past the year 9999");
  PutU64(raw, kExpiresAt, ~0ULL);
  ExpectFormatError(raw, "past the year 9999");
}

// A10
TEST_F(FormatTest, RefusesHugeLengthAndOversizedInput) {
  Bytes raw = RecipientBundle();
  PutU32(raw, kRcLength, 0xFFFFFFFFu);
  ExpectFormatError(raw, "truncated");
  PutU32(raw, kRcLength, 0);
  ExpectFormatError(raw, "unexpected bytes");
  Bytes big(kBundleMaxBytes + 1, 0);
  std::copy(kBundleMagic.begin(), kBundleMagic.end(), big.begin());
  ExpectFormatError(big, "larger than 1 MiB");
  // The shortest ciphertext is the 16-byte tag.
  raw = RecipientBundle();
  raw.resize(kRcLength + 4 + 15);
  PutU32(raw, kRcLength, 15);
  ExpectFormatError(raw, "shorter than an authentication tag");
}

// A11
TEST_F(FormatTest, RefusesUnknownModeAndDuplicateOrBadStanzaCounts) {
  for (std::uint8_t mode : {0, 4, 9, 255}) {
    Bytes raw = RecipientBundle();
    raw[kModeAt] = mode;
    ExpectFormatError(raw, "unknown mode " + std::to_string(mode));
  }
  Bytes dup = RecipientBundle(2);
  std::copy(dup.begin() + kRcStanza, dup.begin() + kRcStanza + 80, dup.begin() + kRcStanza + 80);
  ExpectFormatError(dup, "share an ephemeral key");
  Bytes same_key = RecipientBundle(2);  // same ephemeral key, different box
  std::copy(same_key.begin() + kRcStanza, same_key.begin() + kRcStanza + 32, same_key.begin() + kRcStanza + 80);
  ExpectFormatError(same_key, "share an ephemeral key");
  for (std::uint8_t count : {0, 33, 255}) {
    Bytes raw = RecipientBundle();
    raw[kRcCount] = count;
    ExpectFormatError(raw, "recipient stanzas (accepted: 1 to 32)");
  }
}

// A12: the mode fixes the layout; a recipient stanza after a password
// section has nowhere to go.
TEST_F(FormatTest, RefusesPasswordSectionPlusRecipientStanza) {
  const Bytes pw = PasswordBundle();
  const Bytes rc = RecipientBundle();
  Bytes raw(pw.begin(), pw.begin() + kPwMac);
  raw.push_back(1);
  raw.insert(raw.end(), rc.begin() + kRcStanza, rc.begin() + kRcStanza + 80);
  raw.insert(raw.end(), pw.begin() + kPwMac, pw.end());
  EXPECT_EQ(ParseBundle(raw).status().code(), Code::kFormat);
  // Relabelling a password bundle as layered does not parse either.
  Bytes relabelled = pw;
  relabelled[kModeAt] = 3;
  EXPECT_EQ(ParseBundle(relabelled).status().code(), Code::kFormat);
}

// A14: a stanza is exactly 80 (or 120) bytes; the fixed layout turns any
// other length into a misframed bundle.
TEST_F(FormatTest, RefusesStanzasOfTheWrongLength) {
  Bytes short_stanza = RecipientBundle();
  short_stanza.erase(short_stanza.begin() + kRcStanza + 79);
  EXPECT_EQ(ParseBundle(short_stanza).status().code(), Code::kFormat);
  Bytes long_stanza = RecipientBundle();
  long_stanza.insert(long_stanza.begin() + kRcStanza + 80, 0);
  EXPECT_EQ(ParseBundle(long_stanza).status().code(), Code::kFormat);
  Bytes as_layered = RecipientBundle();  // 80-byte stanza read as a 120-byte one
  as_layered[kModeAt] = 3;
  EXPECT_EQ(ParseBundle(as_layered).status().code(), Code::kFormat);
}

TEST_F(FormatTest, RefusesCreatedAfterExpires) {
  Bytes raw = RecipientBundle();
  PutU64(raw, kCreatedAt, static_cast<std::uint64_t>(testing::kExpires) + 1);
  ExpectFormatError(raw, "expires before it was created");
  PutU64(raw, kCreatedAt, static_cast<std::uint64_t>(testing::kExpires));  // equal is allowed (expired at once)
  EXPECT_TRUE(ParseBundle(raw).ok());
}

// A2 (structure): every proper prefix is refused by the parser alone.
TEST_F(FormatTest, RefusesEveryTruncation) {
  for (const Bytes& raw : {PasswordBundle(), RecipientBundle(2), LayeredBundle()}) {
    for (std::size_t n = 0; n < raw.size(); ++n) {
      ASSERT_EQ(ParseBundle(ByteView(raw).first(n)).status().code(), Code::kFormat) << "length " << n;
    }
  }
}

}  // namespace
}  // namespace akv

// Exhaustive tampering: every bit flip (A4) and every truncation (A2) of a
// small bundle in each mode is refused, with the error each field should
// give. Password bundles use the injected FastKdf so the thousands of opens
// take seconds; a spot check repeats one flip per field with real Argon2id.
#include <gtest/gtest.h>

#include <functional>

#include "tests/unit/bundle/bundle_test_util.h"
#include "vault/bundle/format.h"
#include "vault/bundle/seal.h"
#include "vault/crypto/random.h"

namespace akv {
namespace {

using namespace ::akv::testing;

// Which code a flip at `offset` must give.
using Expectation = std::function<std::vector<Code>(std::size_t offset)>;

struct Range {
  std::size_t begin, end;
  std::vector<Code> codes;
};

Expectation FromRanges(std::vector<Range> ranges) {
  return [ranges](std::size_t at) {
    for (const Range& r : ranges) {
      if (at >= r.begin && at < r.end) return r.codes;
    }
    return std::vector<Code>{};
  };
}

class TamperTest : public ::testing::Test {
 protected:
  SecretBuffer password_ = CanonicalPassword(0x50);
  SecretBuffer shown_ = DisplayPassword(0x50);
  BoxKeyPair me_ = SeededIdentity(0x1D);

  Bytes Seal(SealOptions o) {
    SeededRng rng(1);
    Result<SealedBundle> sealed = SealBundle(SamplePayload(1), o, rng);
    EXPECT_TRUE(sealed.ok()) << sealed.status().ToString();
    return sealed->bytes;
  }
  OpenOptions Open(bool pw, bool id, PasswordKdfFn kdf = FastKdf) {
    OpenOptions o;
    o.password = pw ? &shown_ : nullptr;
    o.identity = id ? &me_ : nullptr;
    o.now = kNow;
    o.kdf_fn = std::move(kdf);
    return o;
  }

  void NoSecretIn(const Status& s) {
    const std::string text = s.message() + " " + s.hint();
    for (std::string_view secret : {shown_.view(), password_.view(), std::string_view("TestSecretOnlyForBundle")}) {
      ASSERT_EQ(text.find(secret), std::string::npos) << text;
    }
    ASSERT_EQ(text.find(std::string(shown_.view().substr(0, 5))), std::string::npos) << text;
  }

  // A4: all 8 flips of every byte.
  void FlipEveryBit(const Bytes& raw, const OpenOptions& o, const Expectation& expected) {
    ASSERT_TRUE(OpenBundle(raw, o).ok());
    Result<ParsedBundle> parsed = ParseBundle(raw);
    ASSERT_TRUE(parsed.ok());
    const std::size_t payload_at = parsed->header_bytes_without_mac.size() + kBundleHeaderMacBytes;
    std::size_t checked = 0;
    for (std::size_t at = 0; at < raw.size(); ++at) {
      const std::vector<Code> allowed = expected(at);
      ASSERT_FALSE(allowed.empty()) << "no expectation for offset " << at;
      for (int bit = 0; bit < 8; ++bit) {
        Bytes b = raw;
        b[at] ^= static_cast<std::uint8_t>(1u << bit);
        Result<OpenedBundle> r = OpenBundle(b, o);
        ASSERT_FALSE(r.ok()) << "flip at " << at << " bit " << bit << " opened";
        ASSERT_NE(std::find(allowed.begin(), allowed.end(), r.status().code()), allowed.end())
            << "flip at " << at << " bit " << bit << ": " << r.status().ToString();
        if (r.status().code() == Code::kAuth) {
          ASSERT_EQ(r.status().message(), "wrong password, or the bundle was modified");
        }
        if (r.status().code() == Code::kTampered) {  // which check caught it: the header MAC runs first
          ASSERT_EQ(r.status().message(), at < payload_at ? "bundle header failed authentication: it was modified"
                                                          : "bundle content failed authentication: it was modified")
              << "flip at " << at;
        }
        NoSecretIn(r.status());
        ++checked;
      }
    }
    EXPECT_EQ(checked, raw.size() * 8);
  }

  // A2: every proper prefix.
  void TruncateEverywhere(const Bytes& raw, const OpenOptions& o) {
    for (std::size_t n = 0; n < raw.size(); ++n) {
      Result<OpenedBundle> r = OpenBundle(ByteView(raw).first(n), o);
      ASSERT_FALSE(r.ok()) << n;
      ASSERT_EQ(r.status().code(), Code::kFormat) << n << ": " << r.status().ToString();
    }
  }
};

constexpr Code kF = Code::kFormat, kA = Code::kAuth, kT = Code::kTampered, kN = Code::kNoMatch;

TEST_F(TamperTest, PasswordBundleEveryBitFlip) {  // A4
  const Bytes raw = Seal(PasswordOptions(password_));
  FlipEveryBit(raw, Open(true, false),
               FromRanges({{0, 18, {kF}},
                           {18, 34, {kA}},              // bundle id: in the wrap's AAD
                           {34, 50, {kA, kF}},          // times: AAD, or created > expires / past 9999
                           {50, 52, {kF}},              // mode, kdf_alg
                           {52, 64, {kA, kF}},          // ops, mem: AAD, or out of bounds (A7)
                           {64, 152, {kA}},             // salt, wrap nonce, wrap
                           {152, 184, {kT}},            // header MAC
                           {184, 208, {kT}},            // payload nonce
                           {208, 212, {kF}},            // length
                           {212, raw.size(), {kT}}}));  // ciphertext and tag
}

TEST_F(TamperTest, RecipientBundleEveryBitFlip) {  // A4
  const Bytes raw = Seal(RecipientOptions({me_.public_key}));
  FlipEveryBit(raw, Open(false, true),
               FromRanges({{0, 18, {kF}},
                           {18, 34, {kT}},  // under the header MAC
                           {34, 50, {kT, kF}},
                           {50, 52, {kF}},    // mode, count
                           {52, 132, {kN}},   // the stanza no longer opens
                           {132, 188, {kT}},  // MAC, payload nonce
                           {188, 192, {kF}},
                           {192, raw.size(), {kT}}}));
}

TEST_F(TamperTest, LayeredBundleEveryBitFlip) {  // A4
  SealOptions o = PasswordOptions(password_);
  o.recipients = {me_.public_key};
  const Bytes raw = Seal(o);
  FlipEveryBit(raw, Open(true, true),
               FromRanges({{0, 18, {kF}},
                           {18, 34, {kA}},
                           {34, 50, {kA, kF}},
                           {50, 52, {kF}},
                           {52, 64, {kA, kF}},
                           {64, 80, {kA}},   // salt
                           {80, 81, {kF}},   // count
                           {81, 201, {kN}},  // the stanza
                           {201, 257, {kT}},
                           {257, 261, {kF}},
                           {261, raw.size(), {kT}}}));
}

TEST_F(TamperTest, EveryTruncationInEveryMode) {  // A2
  TruncateEverywhere(Seal(PasswordOptions(password_)), Open(true, false));
  TruncateEverywhere(Seal(RecipientOptions({me_.public_key})), Open(false, true));
  SealOptions o = PasswordOptions(password_);
  o.recipients = {me_.public_key};
  TruncateEverywhere(Seal(o), Open(true, true));
}

// A4 with the real Argon2id: one flip in each field.
TEST_F(TamperTest, RealArgon2idSpotCheckOneFlipPerField) {
  const Bytes raw = Seal(PasswordOptions(password_, {}));
  const OpenOptions o = Open(true, false, {});
  ASSERT_TRUE(OpenBundle(raw, o).ok());
  struct Flip {
    std::size_t at;
    std::uint8_t mask;
    Code code;
    const char* field;
  };
  const Flip flips[] = {
      {20, 0x01, kA, "bundle id"},      {41, 0x01, kA, "created"},     {49, 0x10, kA, "expires"},
      {55, 0x01, kA, "ops 2->3"},       {61, 0x01, kA, "mem +64 KiB"}, {70, 0x20, kA, "salt"},
      {90, 0x04, kA, "wrap nonce"},     {120, 0x80, kA, "wrap"},       {160, 0x01, kT, "header MAC"},
      {190, 0x01, kT, "payload nonce"}, {250, 0x02, kT, "ciphertext"}, {raw.size() - 1, 0x01, kT, "tag"}};
  for (const Flip& f : flips) {
    Bytes b = raw;
    b[f.at] ^= f.mask;
    EXPECT_EQ(OpenBundle(b, o).status().code(), f.code) << f.field;
  }
}

}  // namespace
}  // namespace akv

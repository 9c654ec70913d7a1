// The generated bundle password (F1) and its check symbol.
#include "vault/bundle/password.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "tests/support/test_support.h"
#include "vault/encoding/encoding.h"

namespace akv {
namespace {

using ::akv::testing::Secret;

// An Rng whose Uniform returns scripted values, to pin what the generator
// does with them (and that it uses Uniform(32), not Fill modulo 32).
class ScriptedRng final : public Rng {
 public:
  explicit ScriptedRng(std::vector<std::uint32_t> values) : values_(std::move(values)) {}
  void Fill(std::span<std::uint8_t>) override { ADD_FAILURE() << "Fill called: the password must use Uniform"; }
  std::uint32_t Uniform(std::uint32_t upper_bound) override {
    EXPECT_EQ(upper_bound, 32u);
    return values_.at(next_++);
  }
  std::size_t calls() const { return next_; }

 private:
  std::vector<std::uint32_t> values_;
  std::size_t next_ = 0;
};

std::string Canonical(const std::string& typed) {
  Result<SecretBuffer> out = NormalizeBundlePassword(Secret(typed));
  EXPECT_TRUE(out.ok()) << typed << ": " << out.status().ToString();
  return out.ok() ? std::string(out->view()) : std::string();
}

Code CodeOf(const std::string& typed) { return NormalizeBundlePassword(Secret(typed)).status().code(); }

// F1: the strength is computed, not just declared.
TEST(BundlePasswordTest, StrengthIsAtLeast112Bits) {
  const double bits = kBundlePasswordSymbols * std::log2(static_cast<double>(kCrockfordAlphabet.size()));
  EXPECT_EQ(kCrockfordAlphabet.size(), 32u);
  EXPECT_DOUBLE_EQ(bits, 120.0);
  EXPECT_EQ(kBundlePasswordBits, static_cast<int>(bits));
  EXPECT_GE(kBundlePasswordBits, 112);
}

TEST(BundlePasswordTest, UsesUniform32AndAppendsTheLuhnCheckSymbol) {
  std::vector<std::uint32_t> values(24);
  for (int i = 0; i < 24; ++i) values[i] = static_cast<std::uint32_t>((i * 7 + 3) % 32);
  ScriptedRng rng(values);
  SecretBuffer password = GenerateBundlePassword(rng);
  EXPECT_EQ(rng.calls(), 24u);
  std::string expected;
  for (int i = 0; i < 24; ++i) {
    if (i > 0 && i % 5 == 0) expected += '-';
    expected += kCrockfordAlphabet[values[i]];
  }
  std::vector<std::uint8_t> v(values.begin(), values.end());
  expected += kCrockfordAlphabet[LuhnMod32CheckValue(v)];
  EXPECT_EQ(password.view(), expected);
}

TEST(BundlePasswordTest, LuhnMod32KnownAnswers) {
  // Rightmost value doubled: 1 -> 2, check 30; 16 -> 32 = "10" in base 32 -> 1+0, check 31.
  EXPECT_EQ(LuhnMod32CheckValue(std::vector<std::uint8_t>{1}), 30);
  EXPECT_EQ(LuhnMod32CheckValue(std::vector<std::uint8_t>{16}), 31);
  EXPECT_EQ(LuhnMod32CheckValue(std::vector<std::uint8_t>{31}), 1);     // 62 = "1Y" in base 32 -> 1+30 = 31
  EXPECT_EQ(LuhnMod32CheckValue(std::vector<std::uint8_t>{5, 0}), 27);  // 0*2 + 5 = 5
  EXPECT_EQ(LuhnMod32CheckValue(std::vector<std::uint8_t>(24, 0)), 0);
}

TEST(BundlePasswordTest, HasTheDisplayShape) {
  SystemRng rng;
  for (int i = 0; i < 1000; ++i) {
    SecretBuffer p = GenerateBundlePassword(rng);
    ASSERT_EQ(p.size(), 29u);
    for (std::size_t j = 0; j < 29; ++j) {
      if (j % 6 == 5) {
        ASSERT_EQ(p.view()[j], '-');
      } else {
        ASSERT_NE(kCrockfordAlphabet.find(p.view()[j]), std::string_view::npos);
      }
    }
    Result<SecretBuffer> canonical = NormalizeBundlePassword(p);
    ASSERT_TRUE(canonical.ok());
    ASSERT_EQ(canonical->size(), 25u);
  }
}

// F1: 10^5 passwords from the production generator (randombytes_uniform):
// no repeats, and every position (the check symbol included) uniform by a
// chi-square test with 31 degrees of freedom. Bounds are the 1e-8 tails
// (Wilson-Hilferty): a correct generator fails about once in 10^7 runs.
TEST(BundlePasswordTest, HundredThousandSamplesAreDistinctAndUniform) {
  constexpr int kSamples = 100000;
  SystemRng rng;
  std::set<std::pair<std::uint64_t, std::uint64_t>> seen;  // 25 symbols x 5 bits, packed
  std::vector<std::array<int, 32>> counts(25);
  for (auto& c : counts) c.fill(0);
  SecretBuffer p(kBundlePasswordDisplayChars);  // one buffer: 10^5 sodium_mallocs would take 20 s
  for (int s = 0; s < kSamples; ++s) {
    WriteBundlePassword(rng, std::span<std::uint8_t, kBundlePasswordDisplayChars>(p.data(), p.size()));
    std::uint64_t hi = 0, lo = 0;
    int pos = 0;
    for (char c : p.view()) {
      if (c == '-') continue;
      const int v = CrockfordValue(c);
      ASSERT_GE(v, 0);
      ++counts[pos][v];
      (pos < 12 ? hi : lo) = ((pos < 12 ? hi : lo) << 5) | static_cast<std::uint64_t>(v);
      ++pos;
    }
    ASSERT_EQ(pos, 25);
    ASSERT_TRUE(seen.insert({hi, lo}).second) << "duplicate password after " << s << " samples";
  }
  const double expected = kSamples / 32.0;
  double total = 0;
  for (int pos = 0; pos < 25; ++pos) {
    double chi2 = 0;
    for (int v = 0; v < 32; ++v) chi2 += (counts[pos][v] - expected) * (counts[pos][v] - expected) / expected;
    EXPECT_GT(chi2, 4.5) << "position " << pos << " is suspiciously even";
    EXPECT_LT(chi2, 96.0) << "position " << pos << " is not uniform";
    total += chi2;
  }
  // 25 x 31 = 775 degrees of freedom: mean 775, sd 39.4; +-6 sd.
  EXPECT_GT(total, 775 - 6 * 39.4);
  EXPECT_LT(total, 775 + 6 * 39.4);
}

TEST(BundlePasswordTest, NormalisesTheWaysPeopleTypeIt) {
  const std::string shown = "8Q7AD-15NQJ-1M75E-6ZPJF-SYE5M";
  const std::string canonical = "8Q7AD15NQJ1M75E6ZPJFSYE5M";
  ASSERT_EQ(Canonical(shown), canonical);
  EXPECT_EQ(Canonical("8q7ad-15nqj-1m75e-6zpjf-sye5m"), canonical);
  EXPECT_EQ(Canonical("8Q7AD15NQJ1M75E6ZPJFSYE5M"), canonical);
  EXPECT_EQ(Canonical("8Q7AD 15NQJ 1M75E 6ZPJF SYE5M"), canonical);
  EXPECT_EQ(Canonical("  8Q7AD--15NQJ1M75E-6ZPJF-SYE5M "), canonical);
  EXPECT_EQ(Canonical("8Q7AD-I5NQJ-lM75E-6ZPJF-SYE5M"), canonical);  // I and l read as 1
}

TEST(BundlePasswordTest, ReadsOAsZero) {
  // Build a valid password containing 0s, then type them as O/o.
  std::vector<std::uint8_t> values(24, 0);
  values[0] = 13;
  std::string text;
  for (auto v : values) text += kCrockfordAlphabet[v];
  text += kCrockfordAlphabet[LuhnMod32CheckValue(values)];
  std::string typed = text;
  for (char& c : typed) {
    if (c == '0') c = 'O';
  }
  typed[3] = 'o';
  EXPECT_EQ(Canonical(typed), text);
}

TEST(BundlePasswordTest, RefusesWrongLengthAndCharactersAsInput) {
  const std::string shown = "8Q7AD-15NQJ-1M75E-6ZPJF-SYE5M";
  Result<SecretBuffer> r = NormalizeBundlePassword(Secret(shown.substr(0, 28)));
  EXPECT_EQ(r.status().code(), Code::kInput);
  EXPECT_EQ(r.status().message(), "the bundle password has 24 symbols, expected 25");
  EXPECT_EQ(CodeOf(shown + "7"), Code::kInput);
  EXPECT_EQ(CodeOf(""), Code::kInput);
  for (const std::string& bad : {shown.substr(0, 28) + "U", shown.substr(0, 28) + "!", shown.substr(0, 28) + "\n",
                                 std::string("8Q7AD_15NQJ_1M75E_6ZPJF_SYE5M"),
                                 std::string("8Q7AD\t15NQJ1M75E6ZPJFSYE5M"), shown.substr(0, 28) + "\xc3\xa9"}) {
    Result<SecretBuffer> res = NormalizeBundlePassword(Secret(bad));
    EXPECT_EQ(res.status().code(), Code::kInput) << bad;
    // Never a piece of the password in the message.
    EXPECT_EQ(res.status().message().find("8Q7AD"), std::string::npos);
    EXPECT_EQ(res.status().message().find("SYE5"), std::string::npos);
  }
}

// What Luhn mod 32 guarantees, exhaustively over many random passwords:
// every single-symbol substitution is caught, and every swap of two adjacent
// different symbols except 0 <-> Z (values 0 and 31), which Luhn mod N
// cannot see (2v - v = v for v < 16, v + 1 mod 32 for v >= 16: 0 and 31 meet).
TEST(BundlePasswordTest, LuhnMod32CatchesEverySubstitutionAndEverySwapButZeroZ) {
  SystemRng rng;
  for (int sample = 0; sample < 2000; ++sample) {
    std::vector<std::uint8_t> v(25);
    for (int i = 0; i < 24; ++i) v[i] = static_cast<std::uint8_t>(rng.Uniform(32));
    v[24] = static_cast<std::uint8_t>(LuhnMod32CheckValue(std::span(v).first(24)));
    ASSERT_TRUE(LuhnMod32Valid(v));
    for (std::size_t i = 0; i < 25; ++i) {
      const std::uint8_t original = v[i];
      for (std::uint8_t c = 0; c < 32; ++c) {
        if (c == original) continue;
        v[i] = c;
        ASSERT_FALSE(LuhnMod32Valid(v)) << "substitution at " << i;
      }
      v[i] = original;
    }
    for (std::size_t i = 0; i + 1 < 25; ++i) {
      if (v[i] == v[i + 1]) continue;
      std::swap(v[i], v[i + 1]);
      const bool zero_z = (v[i] == 0 && v[i + 1] == 31) || (v[i] == 31 && v[i + 1] == 0);
      ASSERT_EQ(LuhnMod32Valid(v), zero_z) << "swap at " << i;
      std::swap(v[i], v[i + 1]);
    }
  }
}

// The same guarantee through NormalizeBundlePassword, on sample passwords:
// every substitution is kAuth "typo", reported without any key derivation.
TEST(BundlePasswordTest, NormaliseReportsEveryMistypedSymbolAsATypo) {
  SystemRng rng;
  for (int sample = 0; sample < 3; ++sample) {
    const std::string good = Canonical(std::string(GenerateBundlePassword(rng).view()));
    for (std::size_t i = 0; i < 25; ++i) {
      for (char c : kCrockfordAlphabet) {
        if (c == good[i]) continue;
        std::string typo = good;
        typo[i] = c;
        Result<SecretBuffer> r = NormalizeBundlePassword(Secret(typo));
        ASSERT_EQ(r.status().code(), Code::kAuth) << "substitution at " << i << " not caught";
        ASSERT_EQ(r.status().message(), "the bundle password has a typo (its check character does not match)");
      }
    }
    for (std::size_t i = 0; i + 1 < 25; ++i) {
      if (good[i] == good[i + 1]) continue;
      std::string swapped = good;
      std::swap(swapped[i], swapped[i + 1]);
      const bool zero_z = (good[i] == '0' && good[i + 1] == 'Z') || (good[i] == 'Z' && good[i + 1] == '0');
      EXPECT_EQ(CodeOf(swapped), zero_z ? Code::kOk : Code::kAuth) << "swap at " << i;
    }
  }
  // The blind spot itself, on a constructed password.
  std::vector<std::uint8_t> values(24, 5);
  values[10] = 0;
  values[11] = 31;
  std::string text;
  for (auto v : values) text += kCrockfordAlphabet[v];
  text += kCrockfordAlphabet[LuhnMod32CheckValue(values)];
  ASSERT_EQ(CodeOf(text), Code::kOk);
  std::swap(text[10], text[11]);
  EXPECT_EQ(CodeOf(text), Code::kOk);
}

}  // namespace
}  // namespace akv

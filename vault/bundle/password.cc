#include "vault/bundle/password.h"

#include <array>
#include <string>

#include "vault/crypto/mac.h"
#include "vault/encoding/encoding.h"

namespace akv {
namespace {

constexpr int kN = 32;

// Luhn mod N: walking from the right, every second value is doubled and its
// two base-N digits summed. With a check value appended the total is 0 mod N.
int LuhnSum(std::span<const std::uint8_t> values, int first_factor) {
  int factor = first_factor;
  int sum = 0;
  for (std::size_t i = values.size(); i-- > 0;) {
    int addend = factor * values[i];
    addend = addend / kN + addend % kN;
    sum += addend;
    factor = factor == 2 ? 1 : 2;
  }
  return sum % kN;
}

}  // namespace

int LuhnMod32CheckValue(std::span<const std::uint8_t> values) {
  // The check value sits to the right with factor 1, so the rightmost value
  // of `values` gets factor 2.
  return (kN - LuhnSum(values, 2)) % kN;
}

bool LuhnMod32Valid(std::span<const std::uint8_t> values_with_check) { return LuhnSum(values_with_check, 1) == 0; }

SecretBuffer GenerateBundlePassword(Rng& rng) {
  SecretBuffer out(kBundlePasswordDisplayChars);
  WriteBundlePassword(rng, std::span<std::uint8_t, kBundlePasswordDisplayChars>(out.data(), out.size()));
  return out;
}

void WriteBundlePassword(Rng& rng, std::span<std::uint8_t, kBundlePasswordDisplayChars> out) {
  std::array<std::uint8_t, kBundlePasswordCanonicalChars> values{};
  for (int i = 0; i < kBundlePasswordSymbols; ++i) values[i] = static_cast<std::uint8_t>(rng.Uniform(kN));
  values[kBundlePasswordSymbols] =
      static_cast<std::uint8_t>(LuhnMod32CheckValue(std::span(values).first(kBundlePasswordSymbols)));
  std::size_t pos = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0 && i % 5 == 0) out[pos++] = '-';
    out[pos++] = static_cast<std::uint8_t>(kCrockfordAlphabet[values[i]]);
  }
  Wipe(values);
}

Result<SecretBuffer> NormalizeBundlePassword(const SecretBuffer& typed) {
  const char kHint[] = "type it as you were sent it: 25 letters and digits in 5 groups of 5";
  std::size_t count = 0;
  bool bad_character = false;
  for (char c : typed.view()) {
    if (c == '-' || c == ' ') continue;
    if (CrockfordValue(c) < 0) bad_character = true;
    ++count;
  }
  if (bad_character) {
    return Status::Input("the bundle password contains a character that no bundle password has", kHint);
  }
  if (count != kBundlePasswordCanonicalChars) {
    return Status::Input("the bundle password has " + std::to_string(count) + " symbols, expected 25", kHint);
  }
  SecretBuffer canonical(kBundlePasswordCanonicalChars);
  std::array<std::uint8_t, kBundlePasswordCanonicalChars> values{};
  std::size_t pos = 0;
  for (char c : typed.view()) {
    if (c == '-' || c == ' ') continue;
    values[pos] = static_cast<std::uint8_t>(CrockfordValue(c));
    canonical.data()[pos] = static_cast<std::uint8_t>(kCrockfordAlphabet[values[pos]]);
    ++pos;
  }
  const bool valid = LuhnMod32Valid(values);
  Wipe(values);
  if (!valid) {
    return Status::Auth("the bundle password has a typo (its check character does not match)",
                        "compare it symbol by symbol with the password you were sent");
  }
  return canonical;
}

}  // namespace akv

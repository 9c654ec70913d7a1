// The generated bundle password (F1): easy to read aloud or type from a text
// message, strong enough for offline guessing.
//
//   XXXXX-XXXXX-XXXXX-XXXXX-XXXXX
//
// 24 random Crockford base32 symbols (0-9 A-Z without I L O U), each drawn
// with Rng::Uniform(32) (randombytes_uniform in production, no modulo bias):
// 24 * log2(32) = 120 bits, above the 112-bit offline-safe bar. The 25th
// symbol is a Luhn mod 32 check symbol over the 24 values: it catches every
// single mistyped symbol and every swap of two adjacent symbols except the
// pair 0 <-> Z, before any key derivation is spent on the attempt.
#pragma once

#include "vault/crypto/random.h"
#include "vault/crypto/secret.h"
#include "vault/status.h"

namespace akv {

inline constexpr int kBundlePasswordSymbols = 24;                 // random symbols
inline constexpr int kBundlePasswordBits = 120;                   // 24 * log2(32)
inline constexpr std::size_t kBundlePasswordCanonicalChars = 25;  // with the check symbol
inline constexpr std::size_t kBundlePasswordDisplayChars = 29;    // 5 groups of 5 and 4 '-'

// The display form "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX" in secure memory.
SecretBuffer GenerateBundlePassword(Rng& rng);
// The same, written into caller-owned secure memory of exactly 29 bytes
// (GenerateBundlePassword is this plus the allocation; the statistical
// tests call it 10^5 times on one buffer).
void WriteBundlePassword(Rng& rng, std::span<std::uint8_t, kBundlePasswordDisplayChars> out);

// The canonical form (25 uppercase symbols, no separators) that goes into
// Argon2id, from a password as typed: case-insensitive, '-' and spaces
// ignored, I/L read as 1 and O as 0. kInput on other characters or a count
// other than 25; kAuth "typo" when the check symbol does not match. Messages
// never contain the password or any of its characters.
Result<SecretBuffer> NormalizeBundlePassword(const SecretBuffer& typed);

// The Luhn mod 32 check value of `values` (each 0..31), as used above, and
// whether a sequence that ends with its check value is consistent.
int LuhnMod32CheckValue(std::span<const std::uint8_t> values);
bool LuhnMod32Valid(std::span<const std::uint8_t> values_with_check);

}  // namespace akv

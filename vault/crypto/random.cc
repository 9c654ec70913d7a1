#include "vault/crypto/random.h"

#include <sodium.h>

#include <cstring>

namespace akv {

std::uint32_t Rng::Uniform(std::uint32_t upper_bound) {
  if (upper_bound < 2) return 0;
  // Rejection sampling, as randombytes_uniform does: discard the values that
  // would make the low residues more likely.
  const std::uint32_t min = (1U + ~upper_bound) % upper_bound;  // 2^32 mod upper_bound
  for (;;) {
    std::uint8_t raw[4];
    Fill(raw);
    std::uint32_t r = ReadU32BE(raw);
    if (r >= min) return r % upper_bound;
  }
}

Bytes Rng::Draw(std::size_t n) {
  Bytes out(n);
  Fill(out);
  return out;
}

void SystemRng::Fill(std::span<std::uint8_t> out) { randombytes_buf(out.data(), out.size()); }

std::uint32_t SystemRng::Uniform(std::uint32_t upper_bound) { return randombytes_uniform(upper_bound); }

SeededRng::SeededRng(std::uint8_t seed_byte) { std::memset(seed_, seed_byte, sizeof seed_); }

void SeededRng::Fill(std::span<std::uint8_t> out) {
  // Each call draws a fresh block: the seed is re-keyed with a counter so two
  // calls never return overlapping bytes.
  std::uint8_t block_seed[randombytes_SEEDBYTES];
  std::uint8_t counter_bytes[8];
  for (int i = 0; i < 8; ++i) counter_bytes[i] = static_cast<std::uint8_t>(counter_ >> (8 * i));
  crypto_generichash(block_seed, sizeof block_seed, counter_bytes, sizeof counter_bytes, seed_, sizeof seed_);
  ++counter_;
  randombytes_buf_deterministic(out.data(), out.size(), block_seed);
  sodium_memzero(block_seed, sizeof block_seed);
}

}  // namespace akv

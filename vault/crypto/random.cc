#include "vault/crypto/random.h"

#include <sodium.h>

#include <algorithm>
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

namespace {
// 64 KiB: a thousand keys' uuids and nonces per block, so an import of
// 100,000 keys derives about a hundred block keys.
constexpr std::size_t kStreamBlockBytes = std::size_t{1} << 16;
constexpr char kStreamContext[crypto_kdf_CONTEXTBYTES + 1] = "akvrng01";
}  // namespace

static_assert(randombytes_SEEDBYTES == crypto_kdf_KEYBYTES);

StreamRng::StreamRng(Rng& source) : seed_(randombytes_SEEDBYTES), block_(kStreamBlockBytes), used_(kStreamBlockBytes) {
  source.Fill(seed_.span());
}

void StreamRng::Refill() {
  // Block i is the stream keyed with subkey i of the seed: blocks never
  // overlap, and one block's key says nothing about another's.
  std::uint8_t block_seed[randombytes_SEEDBYTES];
  crypto_kdf_derive_from_key(block_seed, sizeof block_seed, counter_++, kStreamContext, seed_.data());
  randombytes_buf_deterministic(block_.data(), block_.size(), block_seed);
  sodium_memzero(block_seed, sizeof block_seed);
  used_ = 0;
}

void StreamRng::Fill(std::span<std::uint8_t> out) {
  while (!out.empty()) {
    if (used_ == block_.size()) Refill();
    const std::size_t n = std::min(out.size(), block_.size() - used_);
    std::memcpy(out.data(), block_.data() + used_, n);
    // Handed-out bytes leave the buffer: nothing is ever served twice, and
    // a draw used as a secret does not linger here.
    sodium_memzero(block_.data() + used_, n);
    used_ += n;
    out = out.subspan(n);
  }
}

}  // namespace akv

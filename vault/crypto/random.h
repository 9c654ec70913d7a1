// Rng: the one source of randomness, passed in so tests and the bundle test
// vectors can replace it with a seeded generator and reproduce bytes exactly.
#pragma once

#include <cstdint>
#include <span>

#include "vault/bytes.h"
#include "vault/crypto/secret.h"

namespace akv {

class Rng {
 public:
  virtual ~Rng() = default;
  virtual void Fill(std::span<std::uint8_t> out) = 0;
  // A uniform value in [0, upper_bound), without modulo bias.
  virtual std::uint32_t Uniform(std::uint32_t upper_bound);
  Bytes Draw(std::size_t n);
};

// libsodium's randombytes (getrandom(2) on Linux). What the program uses.
class SystemRng final : public Rng {
 public:
  void Fill(std::span<std::uint8_t> out) override;
  std::uint32_t Uniform(std::uint32_t upper_bound) override;
};

// randombytes_buf_deterministic (ChaCha20) from a 32-byte seed: the same
// seed gives the same stream. For tests and test vectors only.
class SeededRng final : public Rng {
 public:
  explicit SeededRng(std::uint8_t seed_byte);
  void Fill(std::span<std::uint8_t> out) override;

 private:
  std::uint8_t seed_[32];
  std::uint64_t counter_ = 0;
};

// Many draws for the price of one: a ChaCha20 stream
// (randombytes_buf_deterministic) keyed with 32 bytes drawn once from
// `source`, for bulk work such as an import, which needs a uuid and a nonce
// per key. Drawing those from the system costs a getrandom(2) call per
// 256 bytes at best, and a system call per draw as written: 200,000 calls for
// 100,000 keys. The output is as unpredictable as the source (an attacker
// who lacks the seed cannot tell the stream from random), and as
// reproducible: over a SeededRng it gives the same bytes every run.
//
// The seed and the buffered block stay in secure memory and are wiped on
// destruction, so it may also serve draws that are secrets. Keep one for
// the length of the bulk operation; it is not thread-safe.
class StreamRng final : public Rng {
 public:
  explicit StreamRng(Rng& source);
  void Fill(std::span<std::uint8_t> out) override;

 private:
  void Refill();
  SecretBuffer seed_;   // 32 bytes from the source
  SecretBuffer block_;  // the current block of the stream
  std::size_t used_;    // bytes of block_ already handed out
  std::uint64_t counter_ = 0;
};

}  // namespace akv

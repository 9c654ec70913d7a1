// Rng: the one source of randomness, passed in so tests and the bundle test
// vectors can replace it with a seeded generator and reproduce bytes exactly.
#pragma once

#include <cstdint>
#include <span>

#include "vault/bytes.h"

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

}  // namespace akv

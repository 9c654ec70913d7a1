// Passphrase key derivation: Argon2id (crypto_pwhash, ALG_ARGON2ID13).
//
// Parameters read from a file (vault header, bundle stanza) are attacker
// controlled, so CheckBounds runs before any derivation: a memlimit of 4 TiB
// or an opslimit of 2^32-1 is refused before a single byte is hashed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vault/bytes.h"
#include "vault/crypto/secret.h"
#include "vault/status.h"

namespace akv {

struct KdfParams {
  std::uint32_t ops = 0;        // Argon2 passes
  std::uint64_t mem_bytes = 0;  // memory in bytes

  friend bool operator==(const KdfParams&, const KdfParams&) = default;
};

// The only algorithm identifier we write or accept (crypto_pwhash_ALG_ARGON2ID13).
inline constexpr std::uint8_t kKdfAlgArgon2id13 = 2;
inline constexpr std::size_t kKdfSaltBytes = 16;

inline constexpr std::uint32_t kKdfMinOps = 2;
inline constexpr std::uint32_t kKdfMaxOps = 10;
inline constexpr std::uint64_t kKdfMinMem = 64ULL << 20;  // 64 MiB
inline constexpr std::uint64_t kKdfMaxMem = 1ULL << 30;   // 1 GiB

inline constexpr KdfParams kKdfInteractive{2, 64ULL << 20};
inline constexpr KdfParams kKdfModerate{3, 256ULL << 20};
inline constexpr KdfParams kKdfSensitive{4, 1ULL << 30};

// "interactive" | "moderate" | "sensitive" -> params; nullopt otherwise.
std::optional<KdfParams> KdfPreset(std::string_view name);
// The preset's name, or "custom".
std::string KdfPresetName(const KdfParams& params);

// kFormat unless alg is Argon2id13, 2 <= ops <= 10 and 64 MiB <= mem <= 1 GiB.
Status CheckKdfBounds(std::uint8_t alg, const KdfParams& params);

// Derives a 32-byte key from `secret` and a 16-byte salt. Checks the bounds
// first. kInternal if Argon2 itself fails (out of memory).
Result<SecretBuffer> DeriveKeyFromPassphrase(std::span<const std::uint8_t> secret, ByteView salt,
                                             const KdfParams& params);

// How many Argon2id derivations this process has run: the benchmark and the
// tests assert exactly one per unlocking command and none for metadata reads.
std::uint64_t KdfDerivationCount();

}  // namespace akv

// Keyed hashing and subkey derivation.
//
// - DeriveSubkey: crypto_kdf_derive_from_key (BLAKE2b), one master key to
//   many independent purpose keys, told apart by an 8-byte context and an id.
// - KeyedHash: crypto_generichash (BLAKE2b-256) with a key, for the vault's
//   per-record MACs and the audit chain.
// - Hmac: crypto_auth (HMAC-SHA-512-256), for the bundle header MAC.
#pragma once

#include <array>
#include <string_view>

#include "vault/bytes.h"
#include "vault/crypto/secret.h"

namespace akv {

inline constexpr std::size_t kMacBytes = 32;
using Mac = std::array<std::uint8_t, kMacBytes>;

// `context` must be exactly 8 characters; `master` 32 bytes.
SecretBuffer DeriveSubkey(const SecretBuffer& master, std::uint64_t subkey_id, std::string_view context);

// BLAKE2b-256 keyed with a 32-byte key over the concatenation of `parts`.
Mac KeyedHash(const SecretBuffer& key, std::initializer_list<ByteView> parts);
// KeyedHash for many messages under one key (the per-record MACs of an
// import or a check): BLAKE2b absorbs the key as a whole first block, so the
// state after that block is computed once and copied for every message. The
// same output as KeyedHash; the state, which depends on the key, is kept in
// secure memory.
class KeyedHasher {
 public:
  explicit KeyedHasher(const SecretBuffer& key);
  Mac operator()(std::initializer_list<ByteView> parts) const;

 private:
  SecretBuffer keyed_state_;  // a crypto_generichash_state after init with the key
};

// Unkeyed BLAKE2b-256 (for fingerprints and content digests).
Mac Hash(std::initializer_list<ByteView> parts);

// HMAC-SHA-512-256 (crypto_auth) over `message` with a 32-byte key.
Mac Hmac(const SecretBuffer& key, ByteView message);
bool HmacVerify(const SecretBuffer& key, ByteView message, ByteView mac);

// Constant-time comparison (sodium_memcmp); false when sizes differ.
bool ConstantTimeEqual(ByteView a, ByteView b);
bool IsAllZero(ByteView bytes);
// Wipes ordinary memory that briefly held sensitive material.
void Wipe(std::span<std::uint8_t> bytes);

}  // namespace akv

// X25519 sealed boxes (crypto_box_seal): encrypt to a receiving machine's
// public key with no password. The sender is anonymous by construction; see
// docs/design.md for what that means for a server.
#pragma once

#include <array>

#include "vault/bytes.h"
#include "vault/crypto/secret.h"
#include "vault/status.h"

namespace akv {

inline constexpr std::size_t kBoxPublicKeyBytes = 32;
inline constexpr std::size_t kBoxSecretKeyBytes = 32;
inline constexpr std::size_t kBoxSealOverhead = 48;  // ephemeral public key + tag

using BoxPublicKey = std::array<std::uint8_t, kBoxPublicKeyBytes>;

struct BoxKeyPair {
  BoxPublicKey public_key{};
  SecretBuffer secret_key;  // 32 bytes
};

class Rng;
// From 32 bytes of `rng` as the secret scalar (crypto_box_seed_keypair), so a
// seeded Rng reproduces the test vectors.
BoxKeyPair GenerateBoxKeyPair(Rng& rng);
// The public key that belongs to a 32-byte secret key (crypto_scalarmult_base).
BoxPublicKey PublicKeyFor(const SecretBuffer& secret_key);

// crypto_box_seal. The ephemeral key comes from libsodium's own randomness,
// not from an Rng, so sealed stanzas are never reproducible (by design).
// kUsage when libsodium refuses the recipient (a low-order public key, for
// which nobody could ever open the box).
Result<Bytes> BoxSeal(const BoxPublicKey& recipient, ByteView plaintext);

// kFormat when the sealed box's ephemeral public key is all zero or of low
// order (it could never have come from an honest sender); kNoMatch when the
// box was not sealed to this key pair. One X25519 when the box opens (which
// proves the key is not of low order), two when it does not.
Result<SecretBuffer> BoxSealOpen(const BoxKeyPair& identity, ByteView sealed);

}  // namespace akv

// XChaCha20-Poly1305 (IETF) with associated data: every encryption in
// akvault. A 24-byte random nonce per message, so nonces never need a
// counter and never repeat in practice (2^-96 collision odds per pair).
#pragma once

#include "vault/bytes.h"
#include "vault/crypto/secret.h"
#include "vault/status.h"

namespace akv {

inline constexpr std::size_t kAeadKeyBytes = 32;
inline constexpr std::size_t kAeadNonceBytes = 24;
inline constexpr std::size_t kAeadTagBytes = 16;

// Returns ciphertext || tag. `key` must be 32 bytes, `nonce` 24.
Bytes AeadSeal(const SecretBuffer& key, ByteView nonce, ByteView plaintext, ByteView associated_data);

// Opens ciphertext || tag. kTampered when the tag does not verify (wrong key,
// changed ciphertext or changed associated data); the caller rewords it.
Result<SecretBuffer> AeadOpen(const SecretBuffer& key, ByteView nonce, ByteView ciphertext, ByteView associated_data);
// The same, into the caller's `out` (secure memory it reuses across many
// records, so a bulk check makes no allocation per record; at least
// ciphertext.size() - kAeadTagBytes bytes). Returns the plaintext length; on
// failure `out` holds nothing. The caller wipes what it read.
Result<std::size_t> AeadOpenInto(const SecretBuffer& key, ByteView nonce, ByteView ciphertext,
                                 ByteView associated_data, std::span<std::uint8_t> out);

}  // namespace akv

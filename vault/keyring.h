// The vault's key hierarchy (docs/design.md, "Key hierarchy"):
//
//   passphrase --Argon2id(salt, ops, mem)--> KEK
//   KEK --XChaCha20-Poly1305, AAD = keyring header--> wraps the vault key
//   vault key --crypto_kdf("AKVAULT1", id)--> records (1), audit (2), state (3)
//
// The KDF parameters and salt are in the AAD of the wrap, so lowering the
// cost in the file makes the unwrap fail instead of making it cheaper.
// `passwd` re-wraps the vault key only; no record is re-encrypted.
#pragma once

#include <cstdint>

#include "vault/bytes.h"
#include "vault/crypto/kdf.h"
#include "vault/crypto/secret.h"
#include "vault/status.h"

namespace akv {

class Rng;

inline constexpr std::size_t kVaultIdBytes = 16;

struct KeyringHeader {
  Bytes vault_id;  // 16
  std::uint8_t kdf_alg = kKdfAlgArgon2id13;
  KdfParams kdf;
  Bytes salt;     // 16
  Bytes nonce;    // 24
  Bytes wrapped;  // 32 + 16
};

struct VaultSubkeys {
  SecretBuffer records;  // seals key records
  SecretBuffer audit;    // chains the audit trail
  SecretBuffer state;    // vault-state MAC, distribution and config rows
};

// "akvault/vault/v1" || vault_id || alg || ops || mem || salt.
Bytes KeyringAssociatedData(const KeyringHeader& header);

// Wraps `vault_key` under a KEK from `passphrase` with a fresh salt and
// nonce. `header.vault_id` and `params` are given; the rest is filled in.
Result<KeyringHeader> WrapVaultKey(const SecretBuffer& vault_key, const SecretBuffer& passphrase, ByteView vault_id,
                                   const KdfParams& params, Rng& rng);

// Checks the KDF bounds (kFormat, before any work), derives the KEK (the one
// Argon2id of the command) and unwraps. kAuth for a wrong passphrase or a
// modified header: the two are indistinguishable by design.
Result<SecretBuffer> UnwrapVaultKey(const KeyringHeader& header, const SecretBuffer& passphrase);

VaultSubkeys DeriveVaultSubkeys(const SecretBuffer& vault_key);

}  // namespace akv

#include "vault/keyring.h"

#include "vault/crypto/aead.h"
#include "vault/crypto/mac.h"
#include "vault/crypto/random.h"

namespace akv {
namespace {
constexpr char kSubkeyContext[] = "AKVAULT1";
}  // namespace

Bytes KeyringAssociatedData(const KeyringHeader& header) {
  Bytes aad;
  Append(aad, AsBytes("akvault/vault/v1"));
  Append(aad, header.vault_id);
  AppendU8(aad, header.kdf_alg);
  AppendU32BE(aad, header.kdf.ops);
  AppendU64BE(aad, header.kdf.mem_bytes);
  Append(aad, header.salt);
  return aad;
}

Result<KeyringHeader> WrapVaultKey(const SecretBuffer& vault_key, const SecretBuffer& passphrase, ByteView vault_id,
                                   const KdfParams& params, Rng& rng) {
  KeyringHeader header;
  header.vault_id.assign(vault_id.begin(), vault_id.end());
  header.kdf_alg = kKdfAlgArgon2id13;
  header.kdf = params;
  header.salt = rng.Draw(kKdfSaltBytes);
  header.nonce = rng.Draw(kAeadNonceBytes);
  AKV_ASSIGN_OR_RETURN(SecretBuffer kek, DeriveKeyFromPassphrase(passphrase.span(), header.salt, params));
  header.wrapped = AeadSeal(kek, header.nonce, vault_key.span(), KeyringAssociatedData(header));
  return header;
}

Result<SecretBuffer> UnwrapVaultKey(const KeyringHeader& header, const SecretBuffer& passphrase) {
  AKV_RETURN_IF_ERROR(CheckKdfBounds(header.kdf_alg, header.kdf).WithContext("vault key derivation parameters"));
  if (header.vault_id.size() != kVaultIdBytes || header.salt.size() != kKdfSaltBytes ||
      header.nonce.size() != kAeadNonceBytes || header.wrapped.size() != 32 + kAeadTagBytes) {
    return Status::Format("vault keyring header is damaged (a field has the wrong length)",
                          "restore the vault from a backup");
  }
  AKV_ASSIGN_OR_RETURN(SecretBuffer kek, DeriveKeyFromPassphrase(passphrase.span(), header.salt, header.kdf));
  auto vault_key = AeadOpen(kek, header.nonce, header.wrapped, KeyringAssociatedData(header));
  if (!vault_key.ok()) {
    return Status::Auth("wrong passphrase (or the vault's keyring header was modified)",
                        "type the master passphrase again");
  }
  return std::move(vault_key).value();
}

VaultSubkeys DeriveVaultSubkeys(const SecretBuffer& vault_key) {
  return VaultSubkeys{DeriveSubkey(vault_key, 1, kSubkeyContext), DeriveSubkey(vault_key, 2, kSubkeyContext),
                      DeriveSubkey(vault_key, 3, kSubkeyContext)};
}

}  // namespace akv

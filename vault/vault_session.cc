// The Vault's side of the session unlock cache (vault/session/).
#include "vault/crypto/mac.h"
#include "vault/vault.h"

namespace akv {

Mac Vault::KeyringDigest() const {
  const Bytes ad = KeyringAssociatedData(keyring_);
  return Hash({AsBytes("akvault/unlock-binding/v1"), ad, keyring_.nonce, keyring_.wrapped});
}

Status Vault::UnlockWithKey(SecretBuffer vault_key) {
  if (vault_key.size() != 32) return Status::Tampered("the cached vault key has the wrong size");
  subkeys_ = DeriveVaultSubkeys(vault_key);
  vault_key_ = std::move(vault_key);
  return Status::Ok();
}

Result<const SecretBuffer*> Vault::VaultKeyForCache() const {
  AKV_RETURN_IF_ERROR(RequireUnlocked());
  return &vault_key_;
}

}  // namespace akv

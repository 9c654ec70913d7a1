#include "vault/bundle/key_schedule.h"

#include "vault/crypto/aead.h"
#include "vault/crypto/mac.h"

namespace akv {

Result<SecretBuffer> DeriveWrapKey(const PasswordKdfFn& kdf_fn, const SecretBuffer& canonical_password,
                                   const BundleHeader& header) {
  Result<SecretBuffer> key = kdf_fn ? kdf_fn(canonical_password.span(), header.salt, header.kdf)
                                    : DeriveKeyFromPassphrase(canonical_password.span(), header.salt, header.kdf);
  if (key.ok() && key->size() != kAeadKeyBytes)
    return Status::Internal("password key derivation gave a key of the wrong size");
  return key;
}

SecretBuffer HeaderMacKey(const SecretBuffer& file_key) {
  return DeriveSubkey(file_key, kBundleHeaderMacSubkeyId, kBundleSubkeyContext);
}

SecretBuffer PayloadKey(const SecretBuffer& file_key) {
  return DeriveSubkey(file_key, kBundlePayloadSubkeyId, kBundleSubkeyContext);
}

Bytes PayloadAssociatedData(const ParsedBundle& bundle) {
  Bytes aad = bundle.header_bytes_without_mac;
  Append(aad, bundle.header_mac);
  return aad;
}

}  // namespace akv

// The bundle key schedule, shared by sealing and opening so the two can
// never disagree (docs/bundle-format.md, "Key schedule").
#pragma once

#include "vault/bundle/format.h"
#include "vault/bundle/seal.h"
#include "vault/crypto/secret.h"

namespace akv {

// W = kdf(canonical password, salt, params) with `kdf_fn`, or Argon2id when
// it is empty. kInternal if a kdf_fn returns anything but 32 bytes.
Result<SecretBuffer> DeriveWrapKey(const PasswordKdfFn& kdf_fn, const SecretBuffer& canonical_password,
                                   const BundleHeader& header);
// crypto_kdf(file_key, 1 / 2, "AKVBNDL1").
SecretBuffer HeaderMacKey(const SecretBuffer& file_key);
SecretBuffer PayloadKey(const SecretBuffer& file_key);
// The payload's associated data: the whole header including its MAC.
Bytes PayloadAssociatedData(const ParsedBundle& bundle);

}  // namespace akv

// The one place that writes the vault key's passphrase wrap into the meta
// row: `passwd` (a new wrap of the same key) and `passwd --rekey` (the wrap
// of a new key) store exactly the same columns.
#pragma once

#include <string>

#include "vault/keyring.h"
#include "vault/status.h"
#include "vault/storage/database.h"

namespace akv::vault_internal {

// Inside the caller's write transaction; fails (naming `what`) unless
// exactly the one meta row changed.
inline Status StoreKeyringHeader(Database& db, const KeyringHeader& header, const std::string& what) {
  AKV_ASSIGN_OR_RETURN(Statement update,
                       db.Prepare("UPDATE meta SET kdf_alg=?1, kdf_ops=?2, kdf_mem=?3, kdf_salt=?4, wrap_nonce=?5, "
                                  "wrapped_key=?6 WHERE singleton=1"));
  update.Bind(1, std::int64_t{header.kdf_alg})
      .Bind(2, std::int64_t{header.kdf.ops})
      .Bind(3, static_cast<std::int64_t>(header.kdf.mem_bytes))
      .BindBlob(4, header.salt)
      .BindBlob(5, header.nonce)
      .BindBlob(6, header.wrapped);
  return update.RunChanging(1, what);
}

}  // namespace akv::vault_internal

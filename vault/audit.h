// The audit trail: an append-only list of events, each entry's MAC chained to
// the previous one under the audit subkey, so an edited, deleted, inserted or
// reordered entry breaks the chain; the chain head is also bound into the
// vault-state tag, so dropping the newest entries is found too.
// An entry never holds a secret: only names, AccessKey IDs and counts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "vault/bytes.h"
#include "vault/crypto/mac.h"
#include "vault/crypto/secret.h"

namespace akv {

struct AuditEntry {
  std::int64_t seq = 0;  // 1, 2, 3, ...
  std::int64_t at = 0;   // Unix seconds
  std::string event;     // init, add, import, reveal, export, rotate, retire, remove, passwd, config
  std::optional<std::string> akid;
  std::string detail;  // a JSON object
  Mac mac{};
};

// The "previous MAC" of entry 1: bound to the vault id, so a trail cannot be
// moved to another vault.
Mac AuditGenesis(const SecretBuffer& audit_key, ByteView vault_id);
// MAC of `entry` (its mac field is ignored) chained to `previous`.
Mac AuditEntryMac(const SecretBuffer& audit_key, const Mac& previous, const AuditEntry& entry);

}  // namespace akv

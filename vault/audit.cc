#include "vault/audit.h"

#include "vault/encoding/canonical.h"

namespace akv {

Mac AuditGenesis(const SecretBuffer& audit_key, ByteView vault_id) {
  CanonicalWriter w("akvault/audit/genesis");
  w.Field(vault_id);
  return KeyedHash(audit_key, {w.bytes()});
}

Mac AuditEntryMac(const SecretBuffer& audit_key, const Mac& previous, const AuditEntry& entry) {
  CanonicalWriter w("akvault/audit/entry");
  w.Field(previous).Number(entry.seq).Number(entry.at).Text(entry.event).OptionalText(entry.akid).Text(entry.detail);
  return KeyedHash(audit_key, {w.bytes()});
}

}  // namespace akv

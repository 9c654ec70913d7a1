// Vault::Check: the full verification behind `akvault check`.
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "vault/crypto/random.h"
#include "vault/storage/schema_check.h"
#include "vault/vault_write.h"

namespace akv {

Result<CheckReport> Vault::Check() {
  AKV_RETURN_IF_ERROR(RequireUnlocked());
  CheckReport report;
  auto problem = [&](std::string text) { report.problems.push_back(std::move(text)); };

  // A consistent snapshot of every table for the whole walk.
  AKV_RETURN_IF_ERROR(db_->Exec("BEGIN"));
  struct EndRead {
    Database& db;
    ~EndRead() { (void)db.Exec("COMMIT"); }
  } end_read{*db_};

  {
    // Objects akvault never creates (H2-1): a trigger or view cannot run on
    // this connection, but the file is not the one akvault wrote.
    AKV_ASSIGN_OR_RETURN(const std::int64_t version, db_->QueryInt("PRAGMA user_version"));
    AKV_ASSIGN_OR_RETURN(std::vector<std::string> foreign, SchemaDifferences(*db_, version));
    for (const std::string& f : foreign) problem("schema: " + f);
  }
  {
    AKV_ASSIGN_OR_RETURN(Statement quick, db_->Prepare("PRAGMA quick_check"));
    for (;;) {
      AKV_ASSIGN_OR_RETURN(bool row, quick.Step());
      if (!row) break;
      if (quick.Text(0) != "ok") problem("SQLite: " + quick.Text(0));
    }
  }

  VaultState computed;
  std::unordered_set<std::string> akids;  // every key row, for the distribution rows' check
  {
    AKV_ASSIGN_OR_RETURN(Statement keys, db_->Prepare(std::string("SELECT ") + vault_internal::kKeyColumns +
                                                      ", typeof(rotate_days) FROM keys ORDER BY id"));
    // One secure scratch buffer for every record's plaintext, wiped after
    // each: no secure allocation per key.
    RecordCodec codec(subkeys_->records, subkeys_->state, keyring_.vault_id);
    for (;;) {
      AKV_ASSIGN_OR_RETURN(bool row, keys.Step());
      if (!row) break;
      ++report.keys_checked;
      auto key = vault_internal::RowToKey(keys);
      if (!key.ok()) {
        problem(key.status().message());
        continue;
      }
      auto element = codec.Verify(*key);
      if (!element.ok()) {
        problem("key " + key->meta.akid + ": record failed authentication (metadata, secret or row version changed)");
        continue;
      }
      const KeyMetadata& m = key->meta;
      akids.insert(m.akid);
      if (m.status == KeyStatus::kActive && m.due_date != m.deadline()) {
        problem("key " + m.akid + ": due date does not match created + rotate_days");
      }
      StateAdd(computed, *element);
    }
  }
  {
    AKV_ASSIGN_OR_RETURN(Statement dist,
                         db_->Prepare(std::string("SELECT ") + vault_internal::kDistributionColumns +
                                      " FROM distributions ORDER BY id"));
    for (;;) {
      AKV_ASSIGN_OR_RETURN(bool row, dist.Step());
      if (!row) break;
      auto parsed = vault_internal::RowToDistribution(dist);
      if (!parsed.ok()) {
        problem(parsed.status().message());
        continue;
      }
      const Distribution& d = *parsed;
      const Mac mac = DistributionMac(d);
      if (!ConstantTimeEqual(mac, dist.Blob(7))) {
        problem("distribution of " + d.akid + " in bundle " + d.bundle_id + ": failed authentication");
        continue;
      }
      StateAdd(computed, mac);
      // H2-6c: a row whose key is gone (remove deletes the history with the
      // key; an export that lost a race records nothing).
      if (akids.count(d.akid) == 0) {
        problem("distribution of " + d.akid + " in bundle " + d.bundle_id + ": its key is not in the vault");
      }
    }
  }
  {
    AKV_ASSIGN_OR_RETURN(Statement config, db_->Prepare("SELECT name, value, mac FROM config ORDER BY name"));
    for (;;) {
      AKV_ASSIGN_OR_RETURN(bool row, config.Step());
      if (!row) break;
      const Mac mac = ConfigMac(config.Text(0), config.Text(1));
      if (!ConstantTimeEqual(mac, config.Blob(2))) {
        problem("setting " + config.Text(0) + ": failed authentication");
        continue;
      }
      StateAdd(computed, mac);
    }
  }

  Mac head = AuditGenesis(subkeys_->audit, keyring_.vault_id);
  std::int64_t expected_seq = 1;
  bool chain_ok = true;
  AKV_RETURN_IF_ERROR(ForEachAuditEntry([&](const AuditEntry& e) {
    ++report.audit_entries_checked;
    if (!chain_ok) return Status::Ok();
    if (e.seq != expected_seq) {
      problem("audit trail: entry " + std::to_string(expected_seq) + " is missing or out of order (found " +
              std::to_string(e.seq) + ")");
      chain_ok = false;
      return Status::Ok();
    }
    const Mac mac = AuditEntryMac(subkeys_->audit, head, e);
    if (!ConstantTimeEqual(mac, e.mac)) {
      problem("audit trail: entry " + std::to_string(e.seq) + " (" + e.event +
              ") was edited, inserted or moved");
      chain_ok = false;
      return Status::Ok();
    }
    head = mac;
    ++expected_seq;
    return Status::Ok();
  }));

  AKV_ASSIGN_OR_RETURN(Statement meta, db_->Prepare("SELECT state_sum, state_count, state_tag FROM meta WHERE singleton=1"));
  AKV_ASSIGN_OR_RETURN(bool has_meta, meta.Step());
  if (!has_meta) {
    problem("the keyring row is missing");
    return report;
  }
  const Bytes stored_sum = meta.Blob(0);
  const std::int64_t stored_count = meta.Int(1);
  const Bytes stored_tag = meta.Blob(2);
  // Two checks, because writes trust the stored sum and count (they verify
  // the stored tag over them and add to them): the tag must match the rows
  // as they are, and the stored sum and count must be the rows' own. An
  // edited sum or count next to intact rows passes the first check and
  // blocks every write, so it must fail the second.
  const bool stored_state_matches = stored_count == computed.count && ConstantTimeEqual(stored_sum, computed.sum);
  auto rows_differ = [&] {
    if (stored_count != computed.count) {
      problem("vault state: " + std::to_string(stored_count) + " authenticated rows expected, " +
              std::to_string(computed.count) + " found (a row was deleted or added outside akvault)");
    } else {
      problem("vault state: a row was replaced by an older or foreign version");
    }
  };
  if (chain_ok) {
    const Mac tag = StateTag(subkeys_->state, keyring_.vault_id, computed, head, expected_seq - 1);
    if (!ConstantTimeEqual(tag, stored_tag)) {
      if (!stored_state_matches) {
        rows_differ();
      } else {
        problem("vault state: the audit trail was truncated, or the state tag was modified");
      }
    } else if (!stored_state_matches) {
      problem("vault state: the stored state sum or count was modified (the rows and the audit trail verify; "
              "every write refuses this vault)");
    }
  } else if (!stored_state_matches) {
    rows_differ();  // the tag cannot be checked without the audit head
  }
  return report;
}

}  // namespace akv

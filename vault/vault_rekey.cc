// Vault::Rekey (`passwd --rekey`): a new vault key for every byte that the
// old one protected, so that a backup's keyring and the old passphrase open
// nothing written afterwards (issue 9, item 7).
#include <nlohmann/json.hpp>

#include "vault/crypto/random.h"
#include "vault/encoding/json_dump.h"
#include "vault/keyring_row.h"
#include "vault/scan/fingerprint.h"
#include "vault/vault_write.h"

namespace akv {

using vault_internal::ConfigMacUnder;
using vault_internal::DistributionMacUnder;

namespace {

struct DistributionRow {
  std::int64_t id;
  Distribution d;
  Bytes mac;
};

}  // namespace

Result<std::int64_t> Vault::Rekey(const SecretBuffer& new_passphrase, const std::optional<KdfParams>& new_kdf) {
  AKV_RETURN_IF_ERROR(RequireUnlocked());
  const KdfParams kdf = new_kdf.value_or(keyring_.kdf);
  AKV_RETURN_IF_ERROR(CheckKdfBounds(kKdfAlgArgon2id13, kdf));
  // The slow work (Argon2id) before the write lock.
  SecretBuffer new_key(32);
  rng_.Fill(new_key.span());
  AKV_ASSIGN_OR_RETURN(KeyringHeader header, WrapVaultKey(new_key, new_passphrase, keyring_.vault_id, kdf, rng_));
  VaultSubkeys fresh = DeriveVaultSubkeys(new_key);
  const Bytes& vault_id = keyring_.vault_id;

  AKV_ASSIGN_OR_RETURN(auto write, Write::Begin(*this));
  if (write->keyring_changed()) {
    return Status::Conflict("the master passphrase or vault key of " + path_ +
                                " was changed by another akvault while this command ran",
                            "nothing was changed; run the command again (with the current passphrase)");
  }
  VaultState old_state, new_state;

  // Every key record: opened (verified) under the old key, sealed under the
  // new one with its row version bumped.
  std::vector<StoredKey> keys;
  {
    AKV_ASSIGN_OR_RETURN(Statement all, db_->Prepare(std::string("SELECT ") + vault_internal::kKeyColumns +
                                                     " FROM keys ORDER BY id"));
    for (;;) {
      AKV_ASSIGN_OR_RETURN(bool row, all.Step());
      if (!row) break;
      AKV_ASSIGN_OR_RETURN(StoredKey key, vault_internal::RowToKey(all));
      keys.push_back(std::move(key));
    }
  }
  AKV_ASSIGN_OR_RETURN(Statement update_key, db_->Prepare(vault_internal::kUpdateKeySql));
  for (StoredKey& key : keys) {
    AKV_ASSIGN_OR_RETURN(RecordSecret opened, OpenRecord(subkeys_->records, vault_id, key));
    StateAdd(old_state, RecordStateElement(subkeys_->state, vault_id, key));
    ++key.version;
    SealRecord(fresh.records, vault_id, key, opened.secret.span(), opened.note, rng_);
    vault_internal::BindKey(update_key, key);
    AKV_RETURN_IF_ERROR(update_key.RunChanging(1, "re-sealing key " + key.meta.akid));
    StateAdd(new_state, RecordStateElement(fresh.state, vault_id, key));
  }

  // Distribution and config rows: verified, then MACed under the new key.
  std::vector<DistributionRow> dists;
  {
    AKV_ASSIGN_OR_RETURN(Statement all, db_->Prepare(std::string("SELECT ") + vault_internal::kDistributionColumns +
                                                     ", id FROM distributions ORDER BY id"));
    for (;;) {
      AKV_ASSIGN_OR_RETURN(bool row, all.Step());
      if (!row) break;
      AKV_ASSIGN_OR_RETURN(Distribution d, vault_internal::RowToDistribution(all));
      dists.push_back({all.Int(8), std::move(d), all.Blob(7)});
    }
  }
  AKV_ASSIGN_OR_RETURN(Statement update_dist, db_->Prepare("UPDATE distributions SET mac = ?2 WHERE id = ?1"));
  for (const DistributionRow& row : dists) {
    const Mac old_mac = DistributionMacUnder(subkeys_->state, vault_id, row.d);
    if (!ConstantTimeEqual(old_mac, row.mac)) {
      return Status::Tampered("distribution history of " + row.d.akid + " failed authentication",
                              "nothing was changed; run `akvault check`");
    }
    StateAdd(old_state, old_mac);
    const Mac mac = DistributionMacUnder(fresh.state, vault_id, row.d);
    update_dist.Bind(1, row.id).BindBlob(2, mac);
    AKV_RETURN_IF_ERROR(update_dist.RunChanging(1, "re-authenticating a distribution of " + row.d.akid));
    StateAdd(new_state, mac);
  }
  std::vector<std::pair<std::string, std::string>> settings;
  std::vector<Bytes> setting_macs;
  {
    AKV_ASSIGN_OR_RETURN(Statement all, db_->Prepare("SELECT name, value, mac FROM config ORDER BY name"));
    for (;;) {
      AKV_ASSIGN_OR_RETURN(bool row, all.Step());
      if (!row) break;
      settings.emplace_back(all.Text(0), all.Text(1));
      setting_macs.push_back(all.Blob(2));
    }
  }
  AKV_ASSIGN_OR_RETURN(Statement update_config, db_->Prepare("UPDATE config SET mac = ?2 WHERE name = ?1"));
  for (std::size_t i = 0; i < settings.size(); ++i) {
    const auto& [name, value] = settings[i];
    const Mac old_mac = ConfigMacUnder(subkeys_->state, vault_id, name, value);
    if (!ConstantTimeEqual(old_mac, setting_macs[i])) {
      return Status::Tampered("vault setting " + name + " failed authentication", "nothing was changed; run `akvault check`");
    }
    StateAdd(old_state, old_mac);
    const Mac mac = ConfigMacUnder(fresh.state, vault_id, name, value);
    update_config.Bind(1, name).BindBlob(2, mac);
    AKV_RETURN_IF_ERROR(update_config.RunChanging(1, "re-authenticating setting " + name));
    StateAdd(new_state, mac);
  }

  // Network policies (schema 7): verified, then MACed under the new key. The
  // uuid they bind is the key's, which re-sealing leaves as it was.
  struct PolicyRow {
    std::string akid, policy;
    Bytes mac, uuid;
  };
  std::vector<PolicyRow> policies;
  {
    AKV_ASSIGN_OR_RETURN(Statement all, db_->Prepare("SELECT p.akid, p.policy, p.mac, k.uuid FROM key_policy p LEFT JOIN "
                                                     "keys k ON k.akid = p.akid ORDER BY p.akid"));
    for (;;) {
      AKV_ASSIGN_OR_RETURN(bool row, all.Step());
      if (!row) break;
      if (all.IsNull(3)) {
        return Status::Tampered("a network policy for " + all.Text(0) + " has no key",
                                "nothing was changed; run `akvault check`");
      }
      policies.push_back({all.Text(0), all.Text(1), all.Blob(2), all.Blob(3)});
    }
  }
  AKV_ASSIGN_OR_RETURN(Statement update_policy, db_->Prepare("UPDATE key_policy SET mac = ?2 WHERE akid = ?1"));
  for (const PolicyRow& row : policies) {
    const Mac old_mac = vault_internal::KeyPolicyMacUnder(subkeys_->state, vault_id, row.akid, row.uuid, row.policy);
    if (!ConstantTimeEqual(old_mac, row.mac)) {
      return Status::Tampered("the network policy of " + row.akid + " failed authentication",
                              "nothing was changed; run `akvault check`");
    }
    StateAdd(old_state, old_mac);
    const Mac mac = vault_internal::KeyPolicyMacUnder(fresh.state, vault_id, row.akid, row.uuid, row.policy);
    update_policy.Bind(1, row.akid).BindBlob(2, mac);
    AKV_RETURN_IF_ERROR(update_policy.RunChanging(1, "re-authenticating the network policy of " + row.akid));
    StateAdd(new_state, mac);
  }

  // Leak-scan fingerprints (schema 6): the fingerprint key and every row are
  // MACed under the state subkey, so they are verified under the old key and
  // MACed again under the new one (the fingerprints themselves do not change).
  {
    AKV_ASSIGN_OR_RETURN(Statement key_row, db_->Prepare("SELECT fp_key, mac FROM scan_key WHERE singleton = 1"));
    AKV_ASSIGN_OR_RETURN(bool has_key, key_row.Step());
    if (has_key) {
      const Bytes fp_key = key_row.Blob(0);
      if (!ConstantTimeEqual(scan::ScanKeyMac(subkeys_->state, vault_id, fp_key), key_row.Blob(1))) {
        return Status::Tampered("the leak scan fingerprint key failed authentication",
                                "nothing was changed; run `akvault check`");
      }
      AKV_ASSIGN_OR_RETURN(Statement update_scan_key, db_->Prepare("UPDATE scan_key SET mac = ?1 WHERE singleton = 1"));
      update_scan_key.BindBlob(1, scan::ScanKeyMac(fresh.state, vault_id, fp_key));
      AKV_RETURN_IF_ERROR(update_scan_key.RunChanging(1, "re-authenticating the leak scan fingerprint key"));
    }
    struct FingerprintRow {
      std::string akid;
      Bytes id_fp, secret_fp, mac;
    };
    std::vector<FingerprintRow> fingerprints;
    AKV_ASSIGN_OR_RETURN(Statement all, db_->Prepare("SELECT akid, id_fp, secret_fp, mac FROM scan_fingerprints"));
    for (;;) {
      AKV_ASSIGN_OR_RETURN(bool row, all.Step());
      if (!row) break;
      fingerprints.push_back({all.Text(0), all.Blob(1), all.Blob(2), all.Blob(3)});
    }
    AKV_ASSIGN_OR_RETURN(Statement update_fp, db_->Prepare("UPDATE scan_fingerprints SET mac = ?2 WHERE akid = ?1"));
    for (const FingerprintRow& row : fingerprints) {
      if (!ConstantTimeEqual(scan::FingerprintRowMac(subkeys_->state, vault_id, row.akid, row.id_fp, row.secret_fp),
                             row.mac)) {
        return Status::Tampered("the leak scan fingerprints of " + row.akid + " failed authentication",
                                "nothing was changed; run `akvault check`");
      }
      update_fp.Bind(1, row.akid)
          .BindBlob(2, scan::FingerprintRowMac(fresh.state, vault_id, row.akid, row.id_fp, row.secret_fp));
      AKV_RETURN_IF_ERROR(update_fp.RunChanging(1, "re-authenticating the leak scan fingerprints of " + row.akid));
    }
  }

  // Only the vault's own rows are carried over: a row put back or deleted
  // behind akvault's back would otherwise be sealed into the new key.
  const VaultState& stored = write->state();
  if (old_state.count != stored.count || !ConstantTimeEqual(old_state.sum, stored.sum)) {
    return Status::Tampered("vault " + path_ + " holds rows that are not its current state (added, removed or rolled "
                                "back outside akvault)",
                            "nothing was changed; run `akvault check` and restore the vault from a backup");
  }

  // The audit chain, verified under the old key and chained again under the new.
  std::vector<AuditEntry> entries;
  AKV_RETURN_IF_ERROR(ForEachAuditEntry([&](const AuditEntry& e) {
    entries.push_back(e);
    return Status::Ok();
  }));
  Mac old_head = AuditGenesis(subkeys_->audit, vault_id);
  Mac new_head = AuditGenesis(fresh.audit, vault_id);
  AKV_ASSIGN_OR_RETURN(Statement update_audit, db_->Prepare("UPDATE audit SET mac = ?2 WHERE seq = ?1"));
  for (std::size_t i = 0; i < entries.size(); ++i) {
    AuditEntry& e = entries[i];
    if (e.seq != static_cast<std::int64_t>(i) + 1 || !ConstantTimeEqual(AuditEntryMac(subkeys_->audit, old_head, e), e.mac)) {
      return Status::Tampered("the audit trail of " + path_ + " failed verification at entry " + std::to_string(i + 1),
                              "nothing was changed; run `akvault check`");
    }
    old_head = e.mac;
    new_head = AuditEntryMac(fresh.audit, new_head, e);
    update_audit.Bind(1, e.seq).BindBlob(2, new_head);
    AKV_RETURN_IF_ERROR(update_audit.RunChanging(1, "re-chaining the audit trail"));
  }

  AKV_RETURN_IF_ERROR(vault_internal::StoreKeyringHeader(*db_, header, "storing the new vault key's wrap"));

  // From here on the write continues under the new keys; if it fails, the
  // old ones are put back (the transaction rolls back with the Write).
  std::swap(*subkeys_, fresh);
  std::swap(vault_key_, new_key);
  std::swap(keyring_, header);
  write->Rebase(new_state, new_head);
  nlohmann::json detail = {{"kdf", KdfPresetName(kdf)}, {"ops", kdf.ops},          {"mem", kdf.mem_bytes},
                           {"rekey", true},             {"records", keys.size()}};
  Status committed = write->Audit("passwd", std::nullopt, DumpJson(detail));
  if (committed.ok()) committed = write->Commit();
  if (!committed.ok()) {
    std::swap(*subkeys_, fresh);
    std::swap(vault_key_, new_key);
    std::swap(keyring_, header);
    return committed;
  }
  write.reset();
  // Purge: VACUUM rewrites every page (secure_delete has zeroed the freed
  // cells already) and the checkpoint empties the -wal, so no copy of the
  // old wrap or of an old ciphertext is left in the vault's files.
  Status purged = db_->Exec("VACUUM");
  if (purged.ok()) purged = Checkpoint();
  if (!purged.ok()) {
    return purged.WithContext("the vault was re-keyed, but purging the old pages failed")
        .WithHint("the new key is in effect; run `akvault passwd --rekey` again once the disk is fixed");
  }
  return static_cast<std::int64_t>(keys.size());
}

}  // namespace akv

// Vault: every change to a key (add, reveal, remove, rotate, retire; import
// is in vault_import.cc).
#include <nlohmann/json.hpp>

#include "vault/clock.h"
#include "vault/crypto/random.h"
#include "vault/encoding/canonical.h"
#include "vault/encoding/json_dump.h"
#include "vault/vault_write.h"

namespace akv {

using vault_internal::BindKey;
using vault_internal::OwnerAndApp;

namespace {

StoredKey NewStoredKey(const KeyMetadata& meta, Rng& rng) {
  StoredKey key;
  vault_internal::SetNewStoredKey(key, meta, rng);
  return key;
}

}  // namespace

namespace vault_internal {

void SetNewStoredKey(StoredKey& key, const KeyMetadata& meta, Rng& rng) {
  key.meta = meta;
  key.meta.status = KeyStatus::kActive;
  key.meta.due_date = meta.deadline();
  key.meta.status_since.reset();
  key.meta.successor.reset();
  key.uuid.resize(16);
  rng.Fill(key.uuid);
  key.version = 1;
}

std::string OwnerAndApp(const KeyMetadata& m) {
  return "owner " + m.owner + (m.app ? ", app " + *m.app : ", no app (personal key)");
}

}  // namespace vault_internal

Status Vault::AddKey(const NewKey& key) {
  AKV_RETURN_IF_ERROR(RequireUnlocked());
  AKV_ASSIGN_OR_RETURN(auto write, Write::Begin(*this));
  AKV_ASSIGN_OR_RETURN(auto existing, FindKey(key.meta.akid));
  if (existing) {
    return Status::Conflict("AccessKey " + key.meta.akid + " is already in the vault (" + OwnerAndApp(existing->meta) +
                                ")",
                            "one AccessKey belongs to one owner and app; create a new key in the console instead");
  }
  StoredKey stored = NewStoredKey(key.meta, rng_);
  SealRecord(subkeys_->records, keyring_.vault_id, stored, key.secret.span(), key.note, rng_);
  AKV_ASSIGN_OR_RETURN(Statement insert, db_->Prepare(vault_internal::kInsertKeySql));
  BindKey(insert, stored);
  AKV_RETURN_IF_ERROR(insert.RunChanging(1, "inserting key " + stored.meta.akid));
  write->AddElement(RecordStateElement(subkeys_->state, keyring_.vault_id, stored));
  AKV_RETURN_IF_ERROR(WriteFingerprints({{stored.meta.akid, key.secret.span()}}));
  nlohmann::json detail = {{"owner", stored.meta.owner},
                           {"app", stored.meta.app ? nlohmann::json(*stored.meta.app) : nlohmann::json(nullptr)},
                           {"created", stored.meta.created.ToString()},
                           {"rotate_days", stored.meta.rotate_days}};
  AKV_RETURN_IF_ERROR(write->Audit("add", stored.meta.akid, DumpJson(detail)));
  return write->Commit();
}

Result<RecordSecret> Vault::OpenKeyRecord(const StoredKey& key) {
  AKV_RETURN_IF_ERROR(RequireUnlocked());
  return OpenRecord(subkeys_->records, keyring_.vault_id, key);
}

Result<RecordSecret> Vault::RevealKey(const std::string& akid, const std::string& purpose) {
  AKV_RETURN_IF_ERROR(RequireUnlocked());
  AKV_ASSIGN_OR_RETURN(auto write, Write::Begin(*this));
  AKV_ASSIGN_OR_RETURN(auto key, FindKey(akid));
  if (!key) return Status::NotFound("no AccessKey " + akid + " in the vault", "see `akvault list --all`");
  AKV_ASSIGN_OR_RETURN(RecordSecret opened, OpenRecord(subkeys_->records, keyring_.vault_id, *key));
  nlohmann::json detail = {{"purpose", purpose}};
  AKV_RETURN_IF_ERROR(write->Audit("reveal", akid, DumpJson(detail)));
  AKV_RETURN_IF_ERROR(write->Commit());
  return opened;
}

Status Vault::RemoveKey(const std::string& akid) {
  AKV_RETURN_IF_ERROR(RequireUnlocked());
  AKV_ASSIGN_OR_RETURN(auto write, Write::Begin(*this));
  AKV_ASSIGN_OR_RETURN(auto key, FindKey(akid));
  if (!key) return Status::NotFound("no AccessKey " + akid + " in the vault", "see `akvault list --all`");
  // Verify before subtracting: a tampered row's element was never added.
  AKV_RETURN_IF_ERROR(OpenKeyRecord(*key).status());
  AKV_ASSIGN_OR_RETURN(auto policy, LoadKeyPolicy(*key));
  std::vector<Mac> dist_macs;
  AKV_RETURN_IF_ERROR(ForEachDistribution(akid, [&](const Distribution& d) {
    dist_macs.push_back(DistributionMac(d));
    return Status::Ok();
  }));
  AKV_ASSIGN_OR_RETURN(Statement del, db_->Prepare("DELETE FROM keys WHERE akid = ?1"));
  del.Bind(1, akid);
  AKV_RETURN_IF_ERROR(del.RunChanging(1, "deleting key " + akid));
  AKV_ASSIGN_OR_RETURN(Statement del_dist, db_->Prepare("DELETE FROM distributions WHERE akid = ?1"));
  del_dist.Bind(1, akid);
  AKV_RETURN_IF_ERROR(del_dist.RunChanging(static_cast<std::int64_t>(dist_macs.size()),
                                           "deleting the distribution history of " + akid));
  if (policy) {
    AKV_ASSIGN_OR_RETURN(Statement del_policy, db_->Prepare("DELETE FROM key_policy WHERE akid = ?1"));
    del_policy.Bind(1, akid);
    AKV_RETURN_IF_ERROR(del_policy.RunChanging(1, "deleting the network policy of " + akid));
    write->RemoveElement(policy->first);
  }
  AKV_RETURN_IF_ERROR(DeleteFingerprint(akid));
  write->RemoveElement(RecordStateElement(subkeys_->state, keyring_.vault_id, *key));
  for (const Mac& mac : dist_macs) write->RemoveElement(mac);
  nlohmann::json detail = {{"owner", key->meta.owner},
                           {"app", key->meta.app ? nlohmann::json(*key->meta.app) : nlohmann::json(nullptr)},
                           {"status", KeyStatusName(key->meta.status)},
                           {"distributions", dist_macs.size()}};
  AKV_RETURN_IF_ERROR(write->Audit("remove", akid, DumpJson(detail)));
  AKV_RETURN_IF_ERROR(write->Commit());
  return Checkpoint();
}

Status Vault::RotateKey(const std::string& old_akid, const NewKey& replacement, int grace_days) {
  AKV_RETURN_IF_ERROR(RequireUnlocked());
  const Date today = clock_.Today();
  AKV_ASSIGN_OR_RETURN(auto write, Write::Begin(*this));
  AKV_ASSIGN_OR_RETURN(auto old, FindKey(old_akid));
  if (!old) return Status::NotFound("no AccessKey " + old_akid + " in the vault", "see `akvault list --all`");
  if (old->meta.status != KeyStatus::kActive) {
    return Status::Conflict("AccessKey " + old_akid + " is " + std::string(KeyStatusName(old->meta.status)) +
                                (old->meta.successor ? ", replaced by " + *old->meta.successor : std::string()),
                            "only an active key can be rotated; rotate its successor instead");
  }
  AKV_ASSIGN_OR_RETURN(auto clash, FindKey(replacement.meta.akid));
  if (clash) {
    return Status::Conflict("AccessKey " + replacement.meta.akid + " is already in the vault (" +
                                OwnerAndApp(clash->meta) + ")",
                            "give the ID of the new key you just created in the console");
  }
  KeyMetadata new_meta = replacement.meta;
  new_meta.owner = old->meta.owner;
  new_meta.app = old->meta.app;
  new_meta.main_account = old->meta.main_account;
  new_meta.predecessor = old_akid;
  StoredKey fresh = NewStoredKey(new_meta, rng_);
  SealRecord(subkeys_->records, keyring_.vault_id, fresh, replacement.secret.span(), replacement.note, rng_);

  KeyMetadata old_meta = old->meta;
  old_meta.status = KeyStatus::kSuperseded;
  old_meta.successor = fresh.meta.akid;
  old_meta.status_since = today;
  old_meta.due_date = today.AddDays(grace_days);
  AKV_ASSIGN_OR_RETURN(StoredKey superseded, ResealRecord(subkeys_->records, keyring_.vault_id, *old, old_meta, rng_));

  AKV_ASSIGN_OR_RETURN(Statement insert, db_->Prepare(vault_internal::kInsertKeySql));
  BindKey(insert, fresh);
  AKV_RETURN_IF_ERROR(insert.RunChanging(1, "inserting key " + fresh.meta.akid));
  AKV_ASSIGN_OR_RETURN(Statement update, db_->Prepare(vault_internal::kUpdateKeySql));
  BindKey(update, superseded);
  AKV_RETURN_IF_ERROR(update.RunChanging(1, "marking key " + old_akid + " superseded"));
  write->RemoveElement(RecordStateElement(subkeys_->state, keyring_.vault_id, *old));
  write->AddElement(RecordStateElement(subkeys_->state, keyring_.vault_id, superseded));
  write->AddElement(RecordStateElement(subkeys_->state, keyring_.vault_id, fresh));
  AKV_RETURN_IF_ERROR(WriteFingerprints({{fresh.meta.akid, replacement.secret.span()}}));
  nlohmann::json detail = {{"new", fresh.meta.akid},
                           {"owner", fresh.meta.owner},
                           {"app", fresh.meta.app ? nlohmann::json(*fresh.meta.app) : nlohmann::json(nullptr)},
                           {"grace_until", old_meta.due_date->ToString()},
                           {"new_deadline", fresh.meta.deadline().ToString()}};
  AKV_RETURN_IF_ERROR(write->Audit("rotate", old_akid, DumpJson(detail)));
  AKV_RETURN_IF_ERROR(write->Commit());
  return Checkpoint();
}

Status Vault::RetireKey(const std::string& akid) {
  AKV_RETURN_IF_ERROR(RequireUnlocked());
  const Date today = clock_.Today();
  AKV_ASSIGN_OR_RETURN(auto write, Write::Begin(*this));
  AKV_ASSIGN_OR_RETURN(auto key, FindKey(akid));
  if (!key) return Status::NotFound("no AccessKey " + akid + " in the vault", "see `akvault list --all`");
  if (key->meta.status == KeyStatus::kRetired) {
    return Status::Conflict("AccessKey " + akid + " is already retired (since " +
                            (key->meta.status_since ? key->meta.status_since->ToString() : std::string("?")) + ")");
  }
  KeyMetadata meta = key->meta;
  const std::string previous_status(KeyStatusName(meta.status));
  meta.status = KeyStatus::kRetired;
  meta.status_since = today;
  meta.due_date.reset();
  AKV_ASSIGN_OR_RETURN(StoredKey retired, ResealRecord(subkeys_->records, keyring_.vault_id, *key, meta, rng_));
  AKV_ASSIGN_OR_RETURN(Statement update, db_->Prepare(vault_internal::kUpdateKeySql));
  BindKey(update, retired);
  AKV_RETURN_IF_ERROR(update.RunChanging(1, "marking key " + akid + " retired"));
  write->RemoveElement(RecordStateElement(subkeys_->state, keyring_.vault_id, *key));
  write->AddElement(RecordStateElement(subkeys_->state, keyring_.vault_id, retired));
  nlohmann::json detail = {{"previous_status", previous_status}};
  AKV_RETURN_IF_ERROR(write->Audit("retire", akid, DumpJson(detail)));
  AKV_RETURN_IF_ERROR(write->Commit());
  return Checkpoint();
}

}  // namespace akv

// Key operations of Vault: reads of metadata and every change to the keys,
// distributions and config tables.
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "vault/clock.h"
#include "vault/crypto/random.h"
#include "vault/encoding/canonical.h"
#include "vault/vault_write.h"

namespace akv {
namespace vault_internal {
namespace {

Result<std::optional<Date>> OptionalDate(const Statement& row, int column, const std::string& akid) {
  if (row.IsNull(column)) return std::optional<Date>();
  auto date = Date::Parse(row.Text(column));
  if (!date) return Status::Tampered("record of " + akid + " has a malformed date", "run `akvault check`");
  return std::optional<Date>(*date);
}

std::optional<std::string> DateText(const std::optional<Date>& d) {
  return d ? std::optional<std::string>(d->ToString()) : std::nullopt;
}

}  // namespace

Result<StoredKey> RowToKey(const Statement& row) {
  StoredKey key;
  KeyMetadata& m = key.meta;
  m.akid = row.Text(0);
  key.uuid = row.Blob(1);
  key.version = row.Int(2);
  m.owner = row.Text(3);
  m.app = row.OptionalText(4);
  auto status = ParseKeyStatus(row.Text(5));
  auto created = Date::Parse(row.Text(6));
  if (!status || !created) {
    return Status::Tampered("record of " + m.akid + " has a malformed status or date", "run `akvault check`");
  }
  m.status = *status;
  m.created = *created;
  m.rotate_days = static_cast<int>(row.Int(7));
  AKV_ASSIGN_OR_RETURN(m.due_date, OptionalDate(row, 8, m.akid));
  AKV_ASSIGN_OR_RETURN(m.status_since, OptionalDate(row, 9, m.akid));
  m.predecessor = row.OptionalText(10);
  m.successor = row.OptionalText(11);
  m.main_account = row.Int(12) != 0;
  key.nonce = row.Blob(13);
  key.sealed = row.Blob(14);
  return key;
}

void BindKey(Statement& stmt, const StoredKey& key) {
  const KeyMetadata& m = key.meta;
  stmt.Bind(1, m.akid)
      .BindBlob(2, key.uuid)
      .Bind(3, key.version)
      .Bind(4, m.owner)
      .BindOptional(5, m.app)
      .Bind(6, KeyStatusName(m.status))
      .Bind(7, m.created.ToString())
      .Bind(8, std::int64_t{m.rotate_days})
      .BindOptional(9, DateText(m.due_date))
      .BindOptional(10, DateText(m.status_since))
      .BindOptional(11, m.predecessor)
      .BindOptional(12, m.successor)
      .Bind(13, std::int64_t{m.main_account ? 1 : 0})
      .BindBlob(14, key.nonce)
      .BindBlob(15, key.sealed);
}

}  // namespace vault_internal

using vault_internal::BindKey;
using vault_internal::kKeyColumns;
using vault_internal::RowToKey;

namespace {

std::string OwnerAndApp(const KeyMetadata& m) {
  return "owner " + m.owner + (m.app ? ", app " + *m.app : ", no app (personal key)");
}

std::string FilterSql(const KeyFilter& filter, int first_param) {
  std::string where;
  int p = first_param;
  if (filter.owner) where += " AND owner = ?" + std::to_string(p++);
  if (filter.app) where += " AND app = ?" + std::to_string(p++);
  if (!filter.include_retired) where += " AND status != 'retired'";
  return where;
}

void BindFilter(Statement& stmt, const KeyFilter& filter, int first_param) {
  int p = first_param;
  if (filter.owner) stmt.Bind(p++, *filter.owner);
  if (filter.app) stmt.Bind(p++, *filter.app);
}

Status StreamKeys(Statement& stmt, const std::function<Status(const StoredKey&)>& fn) {
  for (;;) {
    AKV_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return Status::Ok();
    AKV_ASSIGN_OR_RETURN(StoredKey key, RowToKey(stmt));
    AKV_RETURN_IF_ERROR(fn(key));
  }
}

// Fresh record identity for a new key: active, with its deadline as due date.
StoredKey NewStoredKey(const KeyMetadata& meta, Rng& rng) {
  StoredKey key;
  key.meta = meta;
  key.meta.status = KeyStatus::kActive;
  key.meta.due_date = meta.deadline();
  key.meta.status_since.reset();
  key.meta.successor.reset();
  key.uuid = rng.Draw(16);
  key.version = 1;
  return key;
}

}  // namespace

Result<std::optional<StoredKey>> Vault::FindKey(const std::string& akid) {
  AKV_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(std::string("SELECT ") + kKeyColumns + " FROM keys WHERE akid = ?1"));
  stmt.Bind(1, akid);
  AKV_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<StoredKey>();
  AKV_ASSIGN_OR_RETURN(StoredKey key, RowToKey(stmt));
  return std::optional<StoredKey>(std::move(key));
}

Status Vault::ForEachKey(const KeyFilter& filter, const std::function<Status(const StoredKey&)>& fn) {
  AKV_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(std::string("SELECT ") + kKeyColumns + " FROM keys WHERE 1=1" +
                                                    FilterSql(filter, 1) + " ORDER BY owner, app, akid"));
  BindFilter(stmt, filter, 1);
  return StreamKeys(stmt, fn);
}

Status Vault::ForEachDue(Date limit, const KeyFilter& filter, const std::function<Status(const StoredKey&)>& fn) {
  // Walks the partial index on due_date in order: no sort, memory flat in
  // the number of keys.
  AKV_ASSIGN_OR_RETURN(Statement stmt,
                       db_->Prepare(std::string("SELECT ") + kKeyColumns +
                                    " FROM keys INDEXED BY keys_by_due_date WHERE due_date IS NOT NULL AND due_date <= ?1" +
                                    FilterSql(filter, 2) + " ORDER BY due_date, akid"));
  stmt.Bind(1, limit.ToString());
  BindFilter(stmt, filter, 2);
  return StreamKeys(stmt, fn);
}

Status Vault::ForEachAuditEntry(const std::function<Status(const AuditEntry&)>& fn) {
  AKV_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare("SELECT seq, at, event, akid, detail, mac FROM audit ORDER BY seq"));
  for (;;) {
    AKV_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return Status::Ok();
    AuditEntry e;
    e.seq = stmt.Int(0);
    e.at = stmt.Int(1);
    e.event = stmt.Text(2);
    e.akid = stmt.OptionalText(3);
    e.detail = stmt.Text(4);
    Bytes mac = stmt.Blob(5);
    if (mac.size() == kMacBytes) std::copy(mac.begin(), mac.end(), e.mac.begin());
    AKV_RETURN_IF_ERROR(fn(e));
  }
}

namespace {
Result<Distribution> RowToDistribution(const Statement& stmt) {
  Distribution d;
  d.bundle_id = stmt.Text(0);
  d.akid = stmt.Text(1);
  d.created_at = stmt.Int(2);
  d.expires_at = stmt.Int(3);
  d.mode = stmt.Text(4);
  auto recipients = nlohmann::json::parse(stmt.Text(5), nullptr, false);
  if (!recipients.is_array()) return Status::Tampered("distribution row of " + d.akid + " is malformed");
  for (const auto& r : recipients) {
    if (!r.is_string()) return Status::Tampered("distribution row of " + d.akid + " is malformed");
    d.recipients.push_back(r.get<std::string>());
  }
  d.destination = stmt.Text(6);
  return d;
}
constexpr const char* kDistributionColumns = "bundle_id, akid, created_at, expires_at, mode, recipients, destination, mac";
}  // namespace

Status Vault::ForEachDistribution(const std::string& akid, const std::function<Status(const Distribution&)>& fn) {
  AKV_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(std::string("SELECT ") + kDistributionColumns +
                                                    " FROM distributions WHERE akid = ?1 ORDER BY created_at, id"));
  stmt.Bind(1, akid);
  for (;;) {
    AKV_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return Status::Ok();
    AKV_ASSIGN_OR_RETURN(Distribution d, RowToDistribution(stmt));
    if (unlocked() && !ConstantTimeEqual(DistributionMac(d), stmt.Blob(7))) {
      return Status::Tampered("distribution history of " + akid + " failed authentication", "run `akvault check`");
    }
    AKV_RETURN_IF_ERROR(fn(d));
  }
}

Mac Vault::DistributionMac(const Distribution& d) const {
  CanonicalWriter w("akvault/state/distribution");
  w.Field(keyring_.vault_id).Text(d.bundle_id).Text(d.akid).Number(d.created_at).Number(d.expires_at).Text(d.mode);
  w.Number(static_cast<std::int64_t>(d.recipients.size()));
  for (const auto& r : d.recipients) w.Text(r);
  w.Text(d.destination);
  return KeyedHash(subkeys_->state, {w.bytes()});
}

Mac Vault::ConfigMac(const std::string& name, const std::string& value) const {
  CanonicalWriter w("akvault/state/config");
  w.Field(keyring_.vault_id).Text(name).Text(value);
  return KeyedHash(subkeys_->state, {w.bytes()});
}

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
  AKV_RETURN_IF_ERROR(insert.Run());
  write->AddElement(RecordStateElement(subkeys_->state, keyring_.vault_id, stored));
  nlohmann::json detail = {{"owner", stored.meta.owner},
                           {"app", stored.meta.app ? nlohmann::json(*stored.meta.app) : nlohmann::json(nullptr)},
                           {"created", stored.meta.created.ToString()},
                           {"rotate_days", stored.meta.rotate_days}};
  AKV_RETURN_IF_ERROR(write->Audit("add", stored.meta.akid, detail.dump()));
  return write->Commit();
}

Status Vault::ImportKeys(const std::vector<ImportKey>& keys, const std::string& source, const ProgressFn& progress) {
  AKV_RETURN_IF_ERROR(RequireUnlocked());
  std::unordered_set<std::string> seen;
  for (const ImportKey& key : keys) {
    if (!seen.insert(key.meta.akid).second) {
      return Status::Conflict("AccessKey " + key.meta.akid + " appears twice in " + source,
                              "remove the duplicate row; nothing was imported");
    }
  }
  AKV_ASSIGN_OR_RETURN(auto write, Write::Begin(*this));
  AKV_ASSIGN_OR_RETURN(Statement insert, db_->Prepare(vault_internal::kInsertKeySql));
  std::size_t done = 0;
  for (const ImportKey& key : keys) {
    StoredKey stored = NewStoredKey(key.meta, rng_);
    SealRecord(subkeys_->records, keyring_.vault_id, stored, key.secret, "", rng_);
    BindKey(insert, stored);
    Status inserted = insert.Run();
    if (!inserted.ok()) {
      insert.Reset();
      if (inserted.code() == Code::kConflict) {
        AKV_ASSIGN_OR_RETURN(auto existing, FindKey(key.meta.akid));
        if (existing) {
          return Status::Conflict("AccessKey " + key.meta.akid + " from " + source + " is already in the vault (" +
                                      OwnerAndApp(existing->meta) + ")",
                                  "one AccessKey belongs to one owner and app; nothing was imported");
        }
      }
      return inserted;
    }
    write->AddElement(RecordStateElement(subkeys_->state, keyring_.vault_id, stored));
    if (progress && (++done % 1000 == 0 || done == keys.size())) progress(done, keys.size());
  }
  static const KeyMetadata kNoKey;
  const KeyMetadata& first = keys.empty() ? kNoKey : keys.front().meta;
  nlohmann::json detail = {{"source", source},
                           {"count", keys.size()},
                           {"owner", first.owner},
                           {"app", first.app ? nlohmann::json(*first.app) : nlohmann::json(nullptr)}};
  nlohmann::json ids = nlohmann::json::array();
  for (const ImportKey& key : keys) ids.push_back(key.meta.akid);
  detail["akids"] = std::move(ids);
  AKV_RETURN_IF_ERROR(write->Audit("import", std::nullopt, detail.dump()));
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
  AKV_RETURN_IF_ERROR(write->Audit("reveal", akid, detail.dump()));
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
  std::vector<Mac> dist_macs;
  AKV_RETURN_IF_ERROR(ForEachDistribution(akid, [&](const Distribution& d) {
    dist_macs.push_back(DistributionMac(d));
    return Status::Ok();
  }));
  AKV_ASSIGN_OR_RETURN(Statement del, db_->Prepare("DELETE FROM keys WHERE akid = ?1"));
  del.Bind(1, akid);
  AKV_RETURN_IF_ERROR(del.Run());
  AKV_ASSIGN_OR_RETURN(Statement del_dist, db_->Prepare("DELETE FROM distributions WHERE akid = ?1"));
  del_dist.Bind(1, akid);
  AKV_RETURN_IF_ERROR(del_dist.Run());
  write->RemoveElement(RecordStateElement(subkeys_->state, keyring_.vault_id, *key));
  for (const Mac& mac : dist_macs) write->RemoveElement(mac);
  nlohmann::json detail = {{"owner", key->meta.owner},
                           {"app", key->meta.app ? nlohmann::json(*key->meta.app) : nlohmann::json(nullptr)},
                           {"status", KeyStatusName(key->meta.status)},
                           {"distributions", dist_macs.size()}};
  AKV_RETURN_IF_ERROR(write->Audit("remove", akid, detail.dump()));
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
  AKV_RETURN_IF_ERROR(insert.Run());
  AKV_ASSIGN_OR_RETURN(Statement update, db_->Prepare(vault_internal::kUpdateKeySql));
  BindKey(update, superseded);
  AKV_RETURN_IF_ERROR(update.Run());
  write->RemoveElement(RecordStateElement(subkeys_->state, keyring_.vault_id, *old));
  write->AddElement(RecordStateElement(subkeys_->state, keyring_.vault_id, superseded));
  write->AddElement(RecordStateElement(subkeys_->state, keyring_.vault_id, fresh));
  nlohmann::json detail = {{"new", fresh.meta.akid},
                           {"owner", fresh.meta.owner},
                           {"app", fresh.meta.app ? nlohmann::json(*fresh.meta.app) : nlohmann::json(nullptr)},
                           {"grace_until", old_meta.due_date->ToString()},
                           {"new_deadline", fresh.meta.deadline().ToString()}};
  AKV_RETURN_IF_ERROR(write->Audit("rotate", old_akid, detail.dump()));
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
  AKV_RETURN_IF_ERROR(update.Run());
  write->RemoveElement(RecordStateElement(subkeys_->state, keyring_.vault_id, *key));
  write->AddElement(RecordStateElement(subkeys_->state, keyring_.vault_id, retired));
  nlohmann::json detail = {{"previous_status", previous_status}};
  AKV_RETURN_IF_ERROR(write->Audit("retire", akid, detail.dump()));
  AKV_RETURN_IF_ERROR(write->Commit());
  return Checkpoint();
}

Status Vault::RecordExport(const std::vector<Distribution>& rows) {
  AKV_RETURN_IF_ERROR(RequireUnlocked());
  if (rows.empty()) return Status::Ok();
  AKV_ASSIGN_OR_RETURN(auto write, Write::Begin(*this));
  AKV_ASSIGN_OR_RETURN(Statement insert,
                       db_->Prepare("INSERT INTO distributions (bundle_id, akid, created_at, expires_at, mode, "
                                    "recipients, destination, mac) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  nlohmann::json ids = nlohmann::json::array();
  for (const Distribution& d : rows) {
    const Mac mac = DistributionMac(d);
    insert.Bind(1, d.bundle_id).Bind(2, d.akid).Bind(3, d.created_at).Bind(4, d.expires_at).Bind(5, d.mode);
    insert.Bind(6, nlohmann::json(d.recipients).dump()).Bind(7, d.destination).BindBlob(8, mac);
    AKV_RETURN_IF_ERROR(insert.Run());
    write->AddElement(mac);
    ids.push_back(d.akid);
  }
  const Distribution& first = rows.front();
  nlohmann::json detail = {{"bundle_id", first.bundle_id}, {"akids", ids},
                           {"mode", first.mode},           {"recipients", first.recipients},
                           {"expires_at", first.expires_at}, {"destination", first.destination}};
  AKV_RETURN_IF_ERROR(write->Audit("export", rows.size() == 1 ? std::optional<std::string>(first.akid) : std::nullopt,
                                   detail.dump()));
  return write->Commit();
}

Result<std::optional<std::string>> Vault::ConfigValue(const std::string& name) {
  AKV_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare("SELECT value FROM config WHERE name = ?1"));
  stmt.Bind(1, name);
  AKV_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(stmt.Text(0));
}

Result<std::optional<std::string>> Vault::VerifiedConfig(const std::string& name) {
  AKV_RETURN_IF_ERROR(RequireUnlocked());
  AKV_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare("SELECT value, mac FROM config WHERE name = ?1"));
  stmt.Bind(1, name);
  AKV_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<std::string>();
  std::string value = stmt.Text(0);
  if (!ConstantTimeEqual(ConfigMac(name, value), stmt.Blob(1))) {
    return Status::Tampered("vault setting " + name + " failed authentication", "run `akvault check`");
  }
  return std::optional<std::string>(std::move(value));
}

Status Vault::SetConfig(const std::string& name, const std::string& value) {
  AKV_RETURN_IF_ERROR(RequireUnlocked());
  AKV_ASSIGN_OR_RETURN(auto write, Write::Begin(*this));
  AKV_ASSIGN_OR_RETURN(auto previous, VerifiedConfig(name));
  if (previous) write->RemoveElement(ConfigMac(name, *previous));
  const Mac mac = ConfigMac(name, value);
  AKV_ASSIGN_OR_RETURN(Statement upsert,
                       db_->Prepare("INSERT INTO config (name, value, mac) VALUES (?1, ?2, ?3) ON CONFLICT(name) DO "
                                    "UPDATE SET value = excluded.value, mac = excluded.mac"));
  upsert.Bind(1, name).Bind(2, value).BindBlob(3, mac);
  AKV_RETURN_IF_ERROR(upsert.Run());
  write->AddElement(mac);
  nlohmann::json detail = {{"name", name}, {"value", value},
                           {"previous", previous ? nlohmann::json(*previous) : nlohmann::json(nullptr)}};
  AKV_RETURN_IF_ERROR(write->Audit("config", std::nullopt, detail.dump()));
  return write->Commit();
}

}  // namespace akv

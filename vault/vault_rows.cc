// Vault: the rows as stored, and every metadata read (no passphrase needed).
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "vault/clock.h"
#include "vault/crypto/random.h"
#include "vault/encoding/canonical.h"
#include "vault/key_queries.h"
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

// Where each metadata column sits in a SELECT, so that full rows
// (kKeyColumns) and listings (kMetadataColumns) share one parser.
struct MetadataColumns {
  int akid, owner, app, status, created, rotate_days, due_date, status_since, predecessor, successor, main_account;
};
constexpr MetadataColumns kInKeyColumns{0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
constexpr MetadataColumns kInMetadataColumns{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

Status ReadMetadata(const Statement& row, const MetadataColumns& c, KeyMetadata& m) {
  m.akid = row.Text(c.akid);
  m.owner = row.Text(c.owner);
  m.app = row.OptionalText(c.app);
  auto status = ParseKeyStatus(row.Text(c.status));
  auto created = Date::Parse(row.Text(c.created));
  if (!status || !created) {
    return Status::Tampered("record of " + m.akid + " has a malformed status or date", "run `akvault check`");
  }
  m.status = *status;
  m.created = *created;
  m.rotate_days = static_cast<int>(row.Int(c.rotate_days));
  AKV_ASSIGN_OR_RETURN(m.due_date, OptionalDate(row, c.due_date, m.akid));
  AKV_ASSIGN_OR_RETURN(m.status_since, OptionalDate(row, c.status_since, m.akid));
  m.predecessor = row.OptionalText(c.predecessor);
  m.successor = row.OptionalText(c.successor);
  m.main_account = row.Int(c.main_account) != 0;
  return Status::Ok();
}

}  // namespace

Result<StoredKey> RowToKey(const Statement& row) {
  StoredKey key;
  AKV_RETURN_IF_ERROR(ReadMetadata(row, kInKeyColumns, key.meta));
  key.uuid = row.Blob(1);
  key.version = row.Int(2);
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

}  // namespace vault_internal

using vault_internal::kKeyColumns;
using vault_internal::RowToKey;

namespace vault_internal {
namespace {

// The filter as SQL, parameters numbered from `first_param`. With
// `indexable` false, owner and app are written +owner and +app: the unary
// plus keeps SQLite from answering them with keys_by_owner_app_akid, which
// would make it sort the rows by due date in a temporary B-tree; the due
// walk must come off keys_by_due_date_akid in order, whatever the filter.
std::string FilterSql(const KeyFilter& filter, int first_param, bool indexable) {
  const char* plus = indexable ? "" : "+";
  std::string where;
  int p = first_param;
  if (filter.owner) where += std::string(" AND ") + plus + "owner = ?" + std::to_string(p++);
  if (filter.app) where += std::string(" AND ") + plus + "app = ?" + std::to_string(p++);
  if (!filter.include_retired) where += " AND status != 'retired'";
  return where;
}

}  // namespace

// No INDEXED BY: a vault that could not be migrated (read-only media) lacks
// the schema 4 indexes, and SQLite would refuse the query instead of
// falling back to a sort. The plans are pinned by a unit test instead.
std::string KeysInListOrderSql(std::string_view columns, const KeyFilter& filter) {
  return "SELECT " + std::string(columns) + " FROM keys WHERE 1=1" + FilterSql(filter, 1, true) +
         " ORDER BY owner, app, akid";
}

std::string KeysInDueOrderSql(std::string_view columns, const KeyFilter& filter) {
  // "due_date IS NOT NULL" lets SQLite use the partial index.
  return "SELECT " + std::string(columns) + " FROM keys WHERE due_date IS NOT NULL AND due_date <= ?1" +
         FilterSql(filter, 2, false) + " ORDER BY due_date, akid";
}

}  // namespace vault_internal

namespace {

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

Status StreamMetadata(Statement& stmt, const std::function<Status(const KeyMetadata&)>& fn) {
  // One KeyMetadata for the whole walk: its strings are reassigned per row.
  KeyMetadata meta;
  for (;;) {
    AKV_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return Status::Ok();
    AKV_RETURN_IF_ERROR(vault_internal::ReadMetadata(stmt, vault_internal::kInMetadataColumns, meta));
    AKV_RETURN_IF_ERROR(fn(meta));
  }
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
  AKV_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(vault_internal::KeysInListOrderSql(kKeyColumns, filter)));
  BindFilter(stmt, filter, 1);
  return StreamKeys(stmt, fn);
}

Status Vault::ForEachDue(Date limit, const KeyFilter& filter, const std::function<Status(const StoredKey&)>& fn) {
  AKV_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(vault_internal::KeysInDueOrderSql(kKeyColumns, filter)));
  stmt.Bind(1, limit.ToString());
  BindFilter(stmt, filter, 2);
  return StreamKeys(stmt, fn);
}

Status Vault::ForEachKeyMetadata(const KeyFilter& filter, const std::function<Status(const KeyMetadata&)>& fn) {
  AKV_ASSIGN_OR_RETURN(Statement stmt,
                       db_->Prepare(vault_internal::KeysInListOrderSql(vault_internal::kMetadataColumns, filter)));
  BindFilter(stmt, filter, 1);
  return StreamMetadata(stmt, fn);
}

Status Vault::ForEachDueMetadata(Date limit, const KeyFilter& filter,
                                 const std::function<Status(const KeyMetadata&)>& fn) {
  AKV_ASSIGN_OR_RETURN(Statement stmt,
                       db_->Prepare(vault_internal::KeysInDueOrderSql(vault_internal::kMetadataColumns, filter)));
  stmt.Bind(1, limit.ToString());
  BindFilter(stmt, filter, 2);
  return StreamMetadata(stmt, fn);
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
Status Vault::ForEachDistribution(const std::string& akid, const std::function<Status(const Distribution&)>& fn) {
  AKV_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(std::string("SELECT ") + vault_internal::kDistributionColumns +
                                                    " FROM distributions WHERE akid = ?1 ORDER BY created_at, id"));
  stmt.Bind(1, akid);
  for (;;) {
    AKV_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return Status::Ok();
    AKV_ASSIGN_OR_RETURN(Distribution d, vault_internal::RowToDistribution(stmt));
    if (unlocked() && !ConstantTimeEqual(DistributionMac(d), stmt.Blob(7))) {
      return Status::Tampered("distribution history of " + akid + " failed authentication", "run `akvault check`");
    }
    AKV_RETURN_IF_ERROR(fn(d));
  }
}

}  // namespace akv

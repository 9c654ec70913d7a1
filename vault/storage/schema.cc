#include "vault/storage/schema.h"

#include "vault/storage/database.h"

namespace akv {

int CurrentSchemaVersion() { return SchemaMigrations().back().version; }

namespace {

Status ApplyRange(Database& db, int from, int to) {
  for (const Migration& m : SchemaMigrations()) {
    if (m.version <= from || m.version > to) continue;
    AKV_RETURN_IF_ERROR(db.Exec(m.sql).WithContext(std::string("applying schema migration ") + m.name));
  }
  return db.Exec("PRAGMA user_version=" + std::to_string(to));
}

}  // namespace

Status ApplyMigrationsUpTo(Database& db, int target) {
  AKV_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  AKV_ASSIGN_OR_RETURN(std::int64_t version, db.QueryInt("PRAGMA user_version"));
  if (version != 0) return Status::Conflict("database " + db.path() + " already has a schema");
  AKV_RETURN_IF_ERROR(ApplyRange(db, 0, target));
  return txn->Commit();
}

Status MigrateToCurrent(Database& db) {
  const int current = CurrentSchemaVersion();
  AKV_ASSIGN_OR_RETURN(std::int64_t version, db.QueryInt("PRAGMA user_version"));
  if (version == current) return Status::Ok();
  if (version > current) {
    return Status::Format("vault " + db.path() + " has schema version " + std::to_string(version) +
                              ", newer than this akvault understands (" + std::to_string(current) + ")",
                          "upgrade akvault to open it");
  }
  if (version <= 0) return Status::Format("vault " + db.path() + " is not an akvault vault (no schema version)");
  AKV_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  // Re-read under the write lock: another process may have migrated already.
  AKV_ASSIGN_OR_RETURN(version, db.QueryInt("PRAGMA user_version"));
  if (version == current) return Status::Ok();
  AKV_RETURN_IF_ERROR(ApplyRange(db, static_cast<int>(version), current));
  return txn->Commit();
}

}  // namespace akv

#include "vault/storage/pg/schema.h"

#include <string>

#include "vault/storage/pg/connection.h"

namespace akv {

// Generated from schema/pg/*.sql by schema/embed.cmake.
const std::vector<PgMigration>& PgSchemaMigrations();

namespace pg {
namespace {

// pg_advisory_xact_lock key: "akvault" in ASCII, so it is recognisable in pg_locks.
constexpr std::int64_t kMigrationLock = 0x616b7661756c74;

}  // namespace

const std::vector<PgMigration>& Migrations() { return PgSchemaMigrations(); }

int CurrentSchemaVersion() { return Migrations().empty() ? 0 : Migrations().back().version; }

Result<int> SchemaVersion(Connection& conn) {
  AKV_ASSIGN_OR_RETURN(PgResult r, conn.Exec("SELECT to_regnamespace('akv') IS NOT NULL, "
                                             "to_regclass('akv.migration') IS NOT NULL"));
  if (r.Int(0, 0) == 0) return 0;
  if (r.Int(0, 1) == 0) {
    return Status::Format("the database " + conn.location() + " has a schema akv that akvault did not create",
                          "use another database for the vault, or rename that schema");
  }
  AKV_ASSIGN_OR_RETURN(PgResult v, conn.Exec("SELECT coalesce(max(version), 0)::int8 FROM akv.migration"));
  return static_cast<int>(v.Int(0, 0));
}

Status Migrate(Connection& conn) {
  AKV_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(conn));
  AKV_RETURN_IF_ERROR(conn.Exec("SELECT pg_advisory_xact_lock($1)", Params().Int(kMigrationLock)).status());
  AKV_ASSIGN_OR_RETURN(int version, SchemaVersion(conn));
  if (version > CurrentSchemaVersion()) {
    return Status::Format("the vault " + conn.location() + " has schema version " + std::to_string(version) +
                              ", newer than this akvault knows (" + std::to_string(CurrentSchemaVersion()) + ")",
                          "upgrade akvault");
  }
  if (version == 0) {
    AKV_RETURN_IF_ERROR(
        conn.Run("CREATE SCHEMA IF NOT EXISTS akv;"
                 "CREATE TABLE akv.migration (version int PRIMARY KEY, name text NOT NULL,"
                 " applied_at timestamptz NOT NULL DEFAULT now(), applied_by text NOT NULL DEFAULT session_user)"));
  }
  for (const PgMigration& m : Migrations()) {
    if (m.version <= version) continue;
    AKV_RETURN_IF_ERROR(conn.Run(m.sql).WithContext(std::string("schema migration ") + m.name));
    AKV_RETURN_IF_ERROR(conn.Exec("INSERT INTO akv.migration (version, name) VALUES ($1::int4, $2)",
                                  Params().Int(m.version).Text(m.name))
                            .status());
  }
  return txn->Commit();
}

}  // namespace pg
}  // namespace akv

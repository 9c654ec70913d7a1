// The PostgreSQL vault's schema: numbered migrations (schema/pg/NNN_*.sql,
// compiled in), applied in order and tracked in akv.migration, like the
// SQLite schema's PRAGMA user_version.
#pragma once

#include <vector>

#include "vault/status.h"

namespace akv {

struct PgMigration {
  int version;
  const char* name;
  const char* sql;
};

namespace pg {

class Connection;

// All migrations in ascending version order (generated from schema/pg/).
const std::vector<PgMigration>& Migrations();
int CurrentSchemaVersion();

// The version the database holds: 0 when it has no akv schema at all.
// kFormat when an akv schema exists without akvault's migration table (not
// ours: left alone).
Result<int> SchemaVersion(Connection& conn);

// Creates the akv schema when missing and applies every missing migration,
// all in one transaction under a transaction-level advisory lock, so two
// admins running `init` or a first command at once never apply one twice.
// kFormat for a database newer than this binary ("upgrade akvault").
Status Migrate(Connection& conn);

}  // namespace pg
}  // namespace akv

// The vault's SQL schema as numbered migrations (schema/NNN_name.sql,
// compiled into the binary), applied in order and tracked by
// PRAGMA user_version.
#pragma once

#include <string>
#include <vector>

#include "vault/status.h"

namespace akv {

class Database;

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// All migrations in ascending version order (generated from schema/).
const std::vector<Migration>& SchemaMigrations();
// The schema version this binary writes.
int CurrentSchemaVersion();

// Brings a vault at an older version up to CurrentSchemaVersion() in one
// transaction (all or nothing). kFormat for a version newer than this binary
// knows ("upgrade akvault") or a negative one.
Status MigrateToCurrent(Database& db);
// Applies migrations 1..target to an empty database (for init, and for tests
// that build an old vault).
Status ApplyMigrationsUpTo(Database& db, int target);

}  // namespace akv

// The schema of a vault file compared with the one akvault's migrations
// create. A vault file is untrusted storage: whoever could write it could
// have planted a trigger (one that swallows the UPDATE of a new passphrase
// wrap), a view, an index on an expression, or changed a table's definition.
//
// The expected objects are not a hand-written list: they are what the
// embedded migrations (schema/NNN_*.sql, every one compiled in, whoever
// added it) produce in a private in-memory database at the same schema
// version. Objects are compared by type, name, table and exact SQL text, so
// a table re-created without STRICT or a CHECK is as foreign as a trigger.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vault/status.h"

namespace akv {

class Database;

// One line per difference, naming the object: "trigger k on meta (akvault
// never creates it)", "table keys (its definition differs from akvault's)",
// "index keys_by_due_date_akid on keys (missing)". Empty: the schema is
// exactly akvault's at `version`.
Result<std::vector<std::string>> SchemaDifferences(Database& db, std::int64_t version);

}  // namespace akv

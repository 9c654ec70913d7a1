#include "vault/storage/schema_check.h"

#include <map>
#include <mutex>
#include <tuple>

#include "vault/storage/database.h"
#include "vault/storage/schema.h"

namespace akv {
namespace {

struct Object {
  std::string type, table, sql;
  bool has_sql = false;
  bool operator==(const Object& o) const {
    return std::tie(type, table, sql, has_sql) == std::tie(o.type, o.table, o.sql, o.has_sql);
  }
};
using Objects = std::map<std::string, Object>;  // by name

Result<Objects> ReadSchema(Database& db) {
  // sqlite_schema lists every table, index, view and trigger of the main
  // database (temp objects live elsewhere and vanish with the connection).
  AKV_ASSIGN_OR_RETURN(Statement stmt, db.Prepare("SELECT type, name, tbl_name, sql FROM main.sqlite_schema"));
  Objects out;
  for (;;) {
    AKV_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    Object o{stmt.Text(0), stmt.Text(2), stmt.Text(3), !stmt.IsNull(3)};
    out[stmt.Text(1)] = std::move(o);
  }
  return out;
}

// The objects of migrations 1..version, built once per process and version.
Result<Objects> ExpectedSchema(std::int64_t version) {
  static std::mutex mu;
  static std::map<std::int64_t, Objects> cache;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = cache.find(version); it != cache.end()) return it->second;
  if (version < 1 || version > CurrentSchemaVersion()) {
    return Status::Format("vault schema version " + std::to_string(version) + " is not one this akvault knows");
  }
  AKV_ASSIGN_OR_RETURN(auto db, Database::OpenMemory());
  AKV_RETURN_IF_ERROR(ApplyMigrationsUpTo(*db, static_cast<int>(version)));
  AKV_ASSIGN_OR_RETURN(Objects objects, ReadSchema(*db));
  cache[version] = objects;
  return objects;
}

std::string Describe(const std::string& name, const Object& o) {
  std::string text = o.type + " " + name;
  if (o.type == "index" || o.type == "trigger") text += " on " + o.table;
  return text;
}

}  // namespace

Result<std::vector<std::string>> SchemaDifferences(Database& db, std::int64_t version) {
  AKV_ASSIGN_OR_RETURN(Objects expected, ExpectedSchema(version));
  AKV_ASSIGN_OR_RETURN(Objects stored, ReadSchema(db));
  std::vector<std::string> out;
  for (const auto& [name, object] : stored) {
    auto it = expected.find(name);
    if (it == expected.end()) {
      out.push_back(Describe(name, object) + " (akvault never creates it)");
    } else if (!(it->second == object)) {
      out.push_back(Describe(name, object) + " (its definition differs from akvault's)");
    }
  }
  for (const auto& [name, object] : expected) {
    if (stored.find(name) == stored.end()) out.push_back(Describe(name, object) + " (missing)");
  }
  return out;
}

}  // namespace akv

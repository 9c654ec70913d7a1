// Thin RAII layer over SQLite: a connection, prepared statements and
// transactions. <sqlite3.h> is included only in vault/storage/*.cc.
//
// Every failure becomes a Status: SQLITE_NOTADB and SQLITE_CORRUPT are
// kFormat ("vault is damaged"), SQLITE_FULL/IOERR kIo, SQLITE_READONLY kIo,
// SQLITE_BUSY after the busy timeout kConflict.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "vault/bytes.h"
#include "vault/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace akv {

class Database;

class Statement {
 public:
  Statement(Statement&&) noexcept;
  Statement& operator=(Statement&&) noexcept;
  ~Statement();

  // Binds are 1-based, as in SQLite.
  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, std::string_view text);
  Statement& BindBlob(int index, ByteView blob);
  Statement& BindNull(int index);
  Statement& BindOptional(int index, const std::optional<std::string>& text);
  // The same without SQLite's copy, for bulk inserts: the bytes must stay
  // valid and unchanged until the statement has run (Run resets it).
  Statement& BindUnowned(int index, std::string_view text);
  Statement& BindBlobUnowned(int index, ByteView blob);

  // Result<bool>: true when a row is available, false when done.
  Result<bool> Step();
  // Runs to completion, expecting no rows.
  Status Run();
  // Run() for an INSERT/UPDATE/DELETE that must change exactly `rows` rows
  // (sqlite3_changes): anything else means the file is not behaving like the
  // schema akvault created (a planted trigger, a foreign object), so it is
  // kTampered naming `what`, and the caller's transaction rolls back.
  Status RunChanging(std::int64_t rows, const std::string& what);
  void Reset();

  std::int64_t Int(int column) const;
  std::string Text(int column) const;
  std::optional<std::string> OptionalText(int column) const;
  Bytes Blob(int column) const;
  bool IsNull(int column) const;
  // SQLite's dynamic type of a column: "integer", "text", "blob", "null", "real".
  std::string TypeOf(int column) const;

 private:
  friend class Database;
  Statement(Database* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Database* db_;
  sqlite3_stmt* stmt_;
};

class Database {
 public:
  enum class Mode { kReadWrite, kReadOnly, kReadOnlyImmutable };

  // Opens an existing file; never creates one (the caller pre-creates it with
  // the right mode). Applies the connection settings of docs/design.md,
  // among them SQLite's defences for a file written by someone else
  // (sqlite.org/security.html): SQLITE_DBCONFIG_DEFENSIVE, triggers and
  // views disabled, trusted_schema off. A trigger or view in the file can
  // then never run; Vault::Open also refuses the file (schema_check.h).
  static Result<std::unique_ptr<Database>> Open(const std::string& path, Mode mode);
  // A private in-memory database with the same settings (the reference
  // schema that a vault's is compared with).
  static Result<std::unique_ptr<Database>> OpenMemory();
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Result<Statement> Prepare(std::string_view sql);
  // Runs one or more statements with no parameters and no result rows.
  Status Exec(std::string_view sql);
  // A single integer from a query such as "PRAGMA user_version".
  Result<std::int64_t> QueryInt(std::string_view sql);

  // Translates the connection's last error into a Status with `what` as context.
  Status Error(const std::string& what) const;
  const std::string& path() const { return path_; }
  std::int64_t Changes() const;

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status ApplyDefences();
  sqlite3* db_;
  std::string path_;
};

// BEGIN IMMEDIATE on construction (takes the write lock up front, so two
// writers serialise instead of failing at commit); ROLLBACK in the destructor
// unless Commit() succeeded.
class Transaction {
 public:
  static Result<std::unique_ptr<Transaction>> Begin(Database& db);
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Database& db) : db_(db) {}
  Database& db_;
  bool done_ = false;
};

}  // namespace akv

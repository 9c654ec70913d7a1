#include "vault/storage/database.h"

#include <sqlite3.h>

#include <cstdio>
#include <utility>

namespace akv {
namespace {

// SQLite's busy handler retries for this long before a writer gives up, so
// eight concurrent `add`s queue instead of failing with "database is locked".
constexpr int kBusyTimeoutMs = 10000;

Status StatusFromSqlite(int rc, const std::string& what, const std::string& detail, const std::string& path) {
  const std::string msg = what + ": " + detail;
  switch (rc & 0xFF) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return Status::Format("vault " + path + " is damaged or not a vault (" + detail + ")",
                            "restore it from a backup; akvault never repairs a vault in place");
    case SQLITE_FULL:
      return Status::Io(msg, "free disk space; nothing was changed");
    case SQLITE_IOERR:
      return Status::Io(msg, "check the disk; nothing was changed");
    case SQLITE_READONLY:
      return Status::Io(msg, "the vault or its folder is read-only; commands that change it need write access");
    case SQLITE_CANTOPEN:
      return Status::Io(msg, "check that the vault's folder exists and is writable");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Conflict(msg, "another akvault is holding the vault; try again");
    case SQLITE_CONSTRAINT:
      return Status::Conflict(msg);
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return Status::Permission(msg);
    default:
      return Status::Internal(msg);
  }
}

}  // namespace

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindBlob(int index, ByteView blob) {
  // A zero-length blob must still be a blob, not NULL.
  static const std::uint8_t kEmpty = 0;
  sqlite3_bind_blob(stmt_, index, blob.empty() ? &kEmpty : blob.data(), static_cast<int>(blob.size()),
                    SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindUnowned(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  return *this;
}
Statement& Statement::BindBlobUnowned(int index, ByteView blob) {
  static const std::uint8_t kEmpty = 0;
  sqlite3_bind_blob(stmt_, index, blob.empty() ? &kEmpty : blob.data(), static_cast<int>(blob.size()), SQLITE_STATIC);
  return *this;
}
Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}
Statement& Statement::BindOptional(int index, const std::optional<std::string>& text) {
  return text ? Bind(index, std::string_view(*text)) : BindNull(index);
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->Error("query failed");
}

Status Statement::Run() {
  for (;;) {
    AKV_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) break;
  }
  Reset();
  return Status::Ok();
}

Status Statement::RunChanging(std::int64_t rows, const std::string& what) {
  AKV_RETURN_IF_ERROR(Run());
  const std::int64_t changed = db_->Changes();
  if (changed == rows) return Status::Ok();
  return Status::Tampered("vault " + db_->path() + ": " + what + " changed " + std::to_string(changed) +
                              " row(s) instead of " + std::to_string(rows) +
                              " (the file holds schema objects akvault never creates)",
                          "nothing was changed; run `akvault check`, and restore the vault from a backup");
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::Text(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  int n = sqlite3_column_bytes(stmt_, column);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

std::optional<std::string> Statement::OptionalText(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Text(column);
}

Bytes Statement::Blob(int column) const {
  const void* p = sqlite3_column_blob(stmt_, column);
  int n = sqlite3_column_bytes(stmt_, column);
  if (p == nullptr || n <= 0) return {};
  const auto* bytes = static_cast<const std::uint8_t*>(p);
  return Bytes(bytes, bytes + n);
}

bool Statement::IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::string Statement::TypeOf(int column) const {
  switch (sqlite3_column_type(stmt_, column)) {
    case SQLITE_INTEGER:
      return "integer";
    case SQLITE_FLOAT:
      return "real";
    case SQLITE_TEXT:
      return "text";
    case SQLITE_BLOB:
      return "blob";
    default:
      return "null";
  }
}

namespace {

// Library-wide settings, applied once before SQLite's first use (later
// sqlite3_config calls are refused, harmlessly). Each Database is used by
// one thread at a time, so the per-connection mutexes of SQLite's default
// "serialized" mode are pure cost; MULTITHREAD keeps its global ones. No
// memory-use statistics: they take a global mutex on every allocation.
void ConfigureSqliteOnce() {
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
}

}  // namespace

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, Mode mode) {
  ConfigureSqliteOnce();
  int flags = SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_URI;
  std::string target = path;
  switch (mode) {
    case Mode::kReadWrite:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case Mode::kReadOnly:
      flags |= SQLITE_OPEN_READONLY;
      break;
    case Mode::kReadOnlyImmutable: {
      // For a vault on read-only media, where SQLite cannot create the -shm
      // file that WAL mode needs: immutable=1 reads the file as it is.
      flags |= SQLITE_OPEN_READONLY;
      std::string escaped;
      for (char c : path) {
        if (c == '%' || c == '?' || c == '#') {
          char buf[4];
          std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
          escaped += buf;
        } else {
          escaped += c;
        }
      }
      target = "file:" + escaped + "?immutable=1";
      break;
    }
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(target.c_str(), &raw, flags, nullptr);
  // Own the handle before checking rc: a failed open still allocates one.
  std::unique_ptr<Database> db(new Database(raw, path));
  if (rc != SQLITE_OK) {
    std::string detail = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    return StatusFromSqlite(sqlite3_extended_errcode(raw), "cannot open vault " + path, detail, path);
  }
  sqlite3_extended_result_codes(raw, 1);
  AKV_RETURN_IF_ERROR(db->ApplyDefences());
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  // Per-connection settings; journal_mode=WAL is persistent and set at init.
  // secure_delete overwrites freed content (an old wrapped key, a removed
  // key's ciphertext); synchronous=FULL because NORMAL in WAL mode may lose
  // the last commit on power failure; temp_store=MEMORY keeps sort spills of
  // key metadata off the disk.
  AKV_RETURN_IF_ERROR(db->Exec(
      "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON; PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY;"
      "PRAGMA trusted_schema=OFF;"));
  return db;
}

Result<std::unique_ptr<Database>> Database::OpenMemory() {
  ConfigureSqliteOnce();
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  std::unique_ptr<Database> db(new Database(raw, ":memory:"));
  if (rc != SQLITE_OK) return Status::Internal("cannot open an in-memory database", sqlite3_errstr(rc));
  AKV_RETURN_IF_ERROR(db->ApplyDefences());
  return db;
}

// SQLite's settings for a database file an attacker may have written
// (sqlite.org/security.html, "untrusted database files"): no writes to the
// schema or shadow tables through SQL, no trigger or view ever runs (a
// planted `BEFORE UPDATE ... RAISE(IGNORE)` would silently swallow a write),
// and no function with side effects is called from the schema.
Status Database::ApplyDefences() {
  struct Setting {
    int op;
    int value;
    const char* name;
  };
  for (const Setting& s : {Setting{SQLITE_DBCONFIG_DEFENSIVE, 1, "DEFENSIVE"},
                           Setting{SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, "ENABLE_TRIGGER"},
                           Setting{SQLITE_DBCONFIG_ENABLE_VIEW, 0, "ENABLE_VIEW"},
                           Setting{SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, "TRUSTED_SCHEMA"}}) {
    int now = -1;
    if (sqlite3_db_config(db_, s.op, s.value, &now) != SQLITE_OK || now != s.value) {
      return Status::Internal(std::string("SQLite refused the setting SQLITE_DBCONFIG_") + s.name);
    }
  }
  return Status::Ok();
}

Database::~Database() { sqlite3_close_v2(db_); }

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return Error("cannot prepare a query on vault " + path_);
  }
  return Statement(this, stmt);
}

Status Database::Exec(std::string_view sql) {
  std::string copy(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string detail = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return StatusFromSqlite(sqlite3_extended_errcode(db_), "vault " + path_, detail, path_);
  }
  return Status::Ok();
}

Result<std::int64_t> Database::QueryInt(std::string_view sql) {
  AKV_ASSIGN_OR_RETURN(Statement stmt, Prepare(sql));
  AKV_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status::Internal("query returned no row");
  return stmt.Int(0);
}

Status Database::Error(const std::string& what) const {
  return StatusFromSqlite(sqlite3_extended_errcode(db_), what, sqlite3_errmsg(db_), path_);
}

std::int64_t Database::Changes() const { return sqlite3_changes(db_); }

Result<std::unique_ptr<Transaction>> Transaction::Begin(Database& db) {
  AKV_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  return std::unique_ptr<Transaction>(new Transaction(db));
}

Transaction::~Transaction() {
  if (!done_) (void)db_.Exec("ROLLBACK");
}

Status Transaction::Commit() {
  AKV_RETURN_IF_ERROR(db_.Exec("COMMIT"));
  done_ = true;
  return Status::Ok();
}

}  // namespace akv

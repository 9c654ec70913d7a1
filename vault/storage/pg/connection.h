// Thin RAII layer over libpq, like database.h over SQLite: a connection,
// query results, a transaction that rolls back unless committed, binary COPY
// for bulk rows, and SQLSTATE-aware retries. <libpq-fe.h> is included only
// in vault/storage/pg/*.cc, and only the akvault_pg library links libpq.
//
// Bytes in and out: integers and bytea travel in binary, so ciphertexts are
// sent from the caller's buffer without a hex copy (a Params entry only
// points at the caller's bytes) and read back without decoding. Only
// ciphertext and metadata ever reach the server; still, nothing here copies
// a parameter into a std::string.
//
// Failures become a Status: a connection that cannot be made is kIo,
// refused authentication or privileges kPermission, a unique violation,
// serialization failure or deadlock kConflict, a missing schema or table
// kFormat. Server messages are flattened to one line without control bytes.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vault/bytes.h"
#include "vault/status.h"
#include "vault/storage/pg/uri.h"

struct pg_conn;
struct pg_result;

namespace akv::pg {

// The parameters of one query ($1, $2, ...). Text and Bytea keep a pointer to
// the caller's bytes, which must stay valid until Exec returns.
class Params {
 public:
  Params& Text(std::string_view value);
  Params& OptionalText(const std::optional<std::string>& value);
  Params& Int(std::int64_t value);
  Params& Bytea(ByteView value);
  Params& Null();
  int size() const { return static_cast<int>(values_.size()); }

 private:
  friend class Connection;
  void Add(const char* value, int length, int format, unsigned type);
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  std::vector<unsigned> types_;
  std::deque<std::array<char, 8>> ints_;  // stable addresses for binary int8 values
};

// A query's rows, all columns in binary. Views returned stay valid while the
// PgResult lives.
class PgResult {
 public:
  PgResult(PgResult&&) noexcept;
  PgResult& operator=(PgResult&&) noexcept;
  ~PgResult();
  int rows() const;
  int columns() const;
  bool IsNull(int row, int column) const;
  // text, varchar, name: the bytes as stored.
  std::string_view Text(int row, int column) const;
  std::optional<std::string> OptionalText(int row, int column) const;
  // int2, int4, int8, bool (0 or 1). Any other type is a bug and aborts.
  std::int64_t Int(int row, int column) const;
  // bytea.
  ByteView Bytea(int row, int column) const;
  // The number of rows an INSERT/UPDATE/DELETE touched.
  std::int64_t Affected() const;

 private:
  friend class Connection;
  explicit PgResult(pg_result* result) : result_(result) {}
  pg_result* result_;
};

// Rows for a COPY ... FROM STDIN (FORMAT binary), buffered and sent in
// large chunks.
class CopyWriter {
 public:
  void Row(int fields);
  void Text(std::string_view value);
  void OptionalText(const std::optional<std::string>& value);
  void Int(std::int64_t value);
  void Bytea(ByteView value);
  void Null();

 private:
  friend class Connection;
  Bytes buffer_;
};

class Connection {
 public:
  // Connects with the URI (the password from ~/.pgpass or PGPASSFILE, as
  // libpq reads them). kUsage when PGPASSWORD is set: akvault never takes a
  // secret from its own environment. Sets client_encoding UTF8 and a
  // 10-second connect_timeout unless the URI sets one; server notices are
  // dropped (never printed raw).
  static Result<std::unique_ptr<Connection>> Connect(const PgUri& uri);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // One statement with parameters; rows in binary.
  Result<PgResult> Exec(std::string_view sql, const Params& params = Params());
  // One or more statements without parameters or rows (migrations, BEGIN).
  Status Run(std::string_view sql);
  // COPY `copy_sql` (... FROM STDIN (FORMAT binary)); `produce` writes the
  // rows and is called once. Returns the number of rows copied.
  Result<std::int64_t> CopyIn(std::string_view copy_sql, const std::function<Status(CopyWriter&)>& produce);

  // SQLSTATE of the last failed statement ("" after a success or a
  // failure without one, such as a lost connection).
  const std::string& last_sqlstate() const { return last_sqlstate_; }
  // PQserverVersion, e.g. 150018.
  int server_version() const;
  // The URI, for messages (it holds no password).
  const std::string& location() const { return location_; }

 private:
  friend class Transaction;
  Connection(pg_conn* conn, std::string location) : conn_(conn), location_(std::move(location)) {}
  Status Failure(pg_result* result, const std::string& what);
  pg_conn* conn_;
  std::string location_;
  std::string last_sqlstate_;
};

// BEGIN on construction; ROLLBACK in the destructor unless Commit() succeeded.
class Transaction {
 public:
  // `begin_sql`: "BEGIN" (read committed) or e.g. "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY".
  static Result<std::unique_ptr<Transaction>> Begin(Connection& conn, std::string_view begin_sql = "BEGIN");
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Connection& conn) : conn_(conn) {}
  Connection& conn_;
  bool done_ = false;
};

// 40001 serialization_failure and 40P01 deadlock_detected: the server undid
// the transaction and it may simply be run again.
bool IsRetryableSqlstate(std::string_view sqlstate);

// Runs `attempt` (a whole transaction: it must re-read what it depends on)
// until it succeeds or fails for a reason other than a retryable SQLSTATE;
// between tries it waits with exponential backoff and full jitter. Only
// after `max_attempts` retryable failures is one surfaced, as kConflict.
struct RetryPolicy {
  int max_attempts = 20;
  std::chrono::milliseconds first_delay{2};
  std::chrono::milliseconds max_delay{250};
  // Injected for tests; default: std::this_thread::sleep_for and
  // randombytes-based jitter.
  std::function<void(std::chrono::milliseconds)> sleep;
  std::function<std::uint32_t(std::uint32_t)> uniform;
};
Status WithRetry(Connection& conn, const RetryPolicy& policy, const std::function<Status()>& attempt);

}  // namespace akv::pg

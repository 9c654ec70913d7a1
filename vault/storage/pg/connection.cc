#include "vault/storage/pg/connection.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <cstring>
#include <thread>
#include <utility>

#include "vault/crypto/random.h"

namespace akv::pg {
namespace {

// Type OIDs (catalog/pg_type_d.h, stable since PostgreSQL 7).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kTextOid = 25;

// One line, no control bytes: server and libpq messages may hold newlines
// (DETAIL/HINT) and, in principle, anything a hostile server sends.
std::string OneLine(const char* text) {
  std::string out;
  bool space = false;
  for (const char* p = text ? text : ""; *p; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (c < 0x20 || c == 0x7F) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

void DropNotice(void*, const PGresult*) {}

Status FromSqlstate(const std::string& sqlstate, const std::string& msg, const std::string& location) {
  const std::string cls = sqlstate.substr(0, 2);
  if (sqlstate == "40001" || sqlstate == "40P01") {
    return Status::Conflict(msg, "another admin was writing the vault at the same time; try again");
  }
  if (sqlstate == "23505") return Status::Conflict(msg);
  if (cls == "28" || sqlstate == "42501") {
    return Status::Permission(msg, "check the database role's grants and ~/.pgpass for " + location);
  }
  if (sqlstate == "3F000" || sqlstate == "42P01" || sqlstate == "3D000") {
    return Status::Format(msg, "is " + location + " an akvault vault? create one with akvault init --vault URI");
  }
  if (cls == "08" || cls == "57" || cls == "53") return Status::Io(msg, "check that the PostgreSQL server is up");
  if (cls == "23" || cls == "22") return Status::Format(msg);
  return Status::Internal(msg);
}

}  // namespace

// ---- Params -------------------------------------------------------------

void Params::Add(const char* value, int length, int format, unsigned type) {
  values_.push_back(value);
  lengths_.push_back(length);
  formats_.push_back(format);
  types_.push_back(type);
}

Params& Params::Text(std::string_view value) {
  // Text parameters in binary format are sent as their raw bytes, so no
  // terminating NUL is needed and an embedded one cannot truncate.
  static const char kEmpty = 0;
  Add(value.empty() ? &kEmpty : value.data(), static_cast<int>(value.size()), 1, kTextOid);
  return *this;
}
Params& Params::OptionalText(const std::optional<std::string>& value) { return value ? Text(*value) : Null(); }
Params& Params::Int(std::int64_t value) {
  std::array<char, 8>& slot = ints_.emplace_back();
  const auto u = static_cast<std::uint64_t>(value);
  for (int i = 0; i < 8; ++i) slot[i] = static_cast<char>(u >> (56 - 8 * i));
  Add(slot.data(), 8, 1, kInt8Oid);
  return *this;
}
Params& Params::Bytea(ByteView value) {
  static const char kEmpty = 0;
  Add(value.empty() ? &kEmpty : reinterpret_cast<const char*>(value.data()), static_cast<int>(value.size()), 1,
      kByteaOid);
  return *this;
}
Params& Params::Null() {
  Add(nullptr, 0, 1, 0);
  return *this;
}

// ---- PgResult -----------------------------------------------------------

PgResult::PgResult(PgResult&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
PgResult& PgResult::operator=(PgResult&& other) noexcept {
  if (this != &other) {
    PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}
PgResult::~PgResult() { PQclear(result_); }
int PgResult::rows() const { return PQntuples(result_); }
int PgResult::columns() const { return PQnfields(result_); }
bool PgResult::IsNull(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }

std::string_view PgResult::Text(int row, int column) const {
  return {PQgetvalue(result_, row, column), static_cast<std::size_t>(PQgetlength(result_, row, column))};
}
std::optional<std::string> PgResult::OptionalText(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return std::string(Text(row, column));
}

std::int64_t PgResult::Int(int row, int column) const {
  const auto* p = reinterpret_cast<const std::uint8_t*>(PQgetvalue(result_, row, column));
  const int n = PQgetlength(result_, row, column);
  const Oid type = PQftype(result_, column);
  if (type == kInt8Oid && n == 8) return static_cast<std::int64_t>(ReadU64BE(p));
  if (type == kInt4Oid && n == 4) return static_cast<std::int32_t>(ReadU32BE(p));
  if (type == kInt2Oid && n == 2) return static_cast<std::int16_t>((p[0] << 8) | p[1]);
  if (type == kBoolOid && n == 1) return p[0] != 0;
  if (n == 0 && IsNull(row, column)) return 0;
  std::abort();  // a query asked for an integer from a column of another type: a bug
}

ByteView PgResult::Bytea(int row, int column) const {
  return {reinterpret_cast<const std::uint8_t*>(PQgetvalue(result_, row, column)),
          static_cast<std::size_t>(PQgetlength(result_, row, column))};
}

std::int64_t PgResult::Affected() const {
  const char* n = PQcmdTuples(result_);
  return (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
}

// ---- CopyWriter ---------------------------------------------------------

void CopyWriter::Row(int fields) {
  buffer_.push_back(static_cast<std::uint8_t>(fields >> 8));
  buffer_.push_back(static_cast<std::uint8_t>(fields));
}
void CopyWriter::Text(std::string_view value) { Bytea(AsBytes(value)); }
void CopyWriter::OptionalText(const std::optional<std::string>& value) {
  if (value) {
    Text(*value);
  } else {
    Null();
  }
}
void CopyWriter::Int(std::int64_t value) {
  AppendU32BE(buffer_, 8);
  AppendU64BE(buffer_, static_cast<std::uint64_t>(value));
}
void CopyWriter::Bytea(ByteView value) {
  AppendU32BE(buffer_, static_cast<std::uint32_t>(value.size()));
  Append(buffer_, value);
}
void CopyWriter::Null() { AppendU32BE(buffer_, 0xFFFFFFFFu); }

// ---- Connection ---------------------------------------------------------

Result<std::unique_ptr<Connection>> Connection::Connect(const PgUri& uri) {
  if (std::getenv("PGPASSWORD") != nullptr) {
    return Status::Usage("PGPASSWORD is set: akvault does not take the database password from its environment",
                         "unset PGPASSWORD and put the password in ~/.pgpass (chmod 600) or the file PGPASSFILE names");
  }
  // Keywords before "dbname" are defaults the URI may override (libpq's
  // expand_dbname rule); the URI itself is expanded in place of dbname.
  const char* keys[] = {"connect_timeout", "client_encoding", "fallback_application_name", "dbname", nullptr};
  const char* values[] = {"10", "UTF8", "akvault", uri.text.c_str(), nullptr};
  PGconn* raw = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  std::unique_ptr<Connection> conn(new Connection(raw, uri.text));
  if (raw == nullptr) return Status::Internal("libpq could not allocate a connection");
  if (PQstatus(raw) != CONNECTION_OK) {
    const std::string detail = OneLine(PQerrorMessage(raw));
    const std::string msg = "cannot connect to the PostgreSQL vault " + uri.text + ": " + detail;
    if (detail.find("password") != std::string::npos || detail.find("authentication") != std::string::npos) {
      return Status::Permission(msg, "check the role's password in ~/.pgpass (chmod 600) or PGPASSFILE");
    }
    return Status::Io(msg, "check the host, port and that the server is running");
  }
  PQsetNoticeReceiver(raw, DropNotice, nullptr);
  return conn;
}

Connection::~Connection() { PQfinish(conn_); }

int Connection::server_version() const { return PQserverVersion(conn_); }

Status Connection::Failure(PGresult* result, const std::string& what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  last_sqlstate_ = state ? state : "";
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const std::string detail = OneLine(primary ? primary : PQerrorMessage(conn_));
  PQclear(result);
  const std::string msg = what + " on " + location_ + ": " + detail;
  if (PQstatus(conn_) == CONNECTION_BAD) {
    return Status::Io(msg, "the connection to the PostgreSQL server was lost; nothing was changed, try again");
  }
  return FromSqlstate(last_sqlstate_, msg, location_);
}

Result<PgResult> Connection::Exec(std::string_view sql, const Params& params) {
  last_sqlstate_.clear();
  const std::string query(sql);
  PGresult* result = PQexecParams(conn_, query.c_str(), params.size(), params.types_.data(), params.values_.data(),
                                  params.lengths_.data(), params.formats_.data(),
                                  /*resultFormat=*/1);
  const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return Failure(result, "query failed");
  return PgResult(result);
}

Status Connection::Run(std::string_view sql) {
  last_sqlstate_.clear();
  const std::string query(sql);
  PGresult* result = PQexec(conn_, query.c_str());
  const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return Failure(result, "statement failed");
  PQclear(result);
  return Status::Ok();
}

Result<std::int64_t> Connection::CopyIn(std::string_view copy_sql, const std::function<Status(CopyWriter&)>& produce) {
  last_sqlstate_.clear();
  const std::string query(copy_sql);
  PGresult* start = PQexec(conn_, query.c_str());
  if (start == nullptr || PQresultStatus(start) != PGRES_COPY_IN) return Failure(start, "COPY failed");
  PQclear(start);
  CopyWriter writer;
  static constexpr std::uint8_t kHeader[] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xFF, '\r', '\n',
                                             0,   0,   0,   0,   0,   0,   0,    0,    0};
  writer.buffer_.assign(std::begin(kHeader), std::end(kHeader));
  Status produced = produce(writer);
  if (produced.ok()) {
    writer.buffer_.push_back(0xFF);  // trailer: a field count of -1
    writer.buffer_.push_back(0xFF);
    if (PQputCopyData(conn_, reinterpret_cast<const char*>(writer.buffer_.data()),
                      static_cast<int>(writer.buffer_.size())) != 1 ||
        PQputCopyEnd(conn_, nullptr) != 1) {
      return Failure(nullptr, "COPY failed");
    }
  } else {
    (void)PQputCopyEnd(conn_, "akvault stopped the COPY");
  }
  PGresult* end = PQgetResult(conn_);
  const bool ok = end != nullptr && PQresultStatus(end) == PGRES_COMMAND_OK;
  Status failure = ok ? Status::Ok() : Failure(end, "COPY failed");
  const std::int64_t rows = ok ? PgResult(end).Affected() : 0;
  while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
  if (!produced.ok()) return produced;
  if (!failure.ok()) return failure;
  return rows;
}

// ---- Transaction --------------------------------------------------------

Result<std::unique_ptr<Transaction>> Transaction::Begin(Connection& conn, std::string_view begin_sql) {
  AKV_RETURN_IF_ERROR(conn.Run(begin_sql));
  return std::unique_ptr<Transaction>(new Transaction(conn));
}

Transaction::~Transaction() {
  if (done_) return;
  // Keep the SQLSTATE of the failure that abandoned the transaction: WithRetry
  // decides on it after this destructor has run.
  std::string failed = conn_.last_sqlstate_;
  (void)conn_.Run("ROLLBACK");
  conn_.last_sqlstate_ = std::move(failed);
}

Status Transaction::Commit() {
  Status status = conn_.Run("COMMIT");
  done_ = true;  // after a failed COMMIT the server has already rolled back
  return status;
}

// ---- Retry --------------------------------------------------------------

bool IsRetryableSqlstate(std::string_view sqlstate) { return sqlstate == "40001" || sqlstate == "40P01"; }

Status WithRetry(Connection& conn, const RetryPolicy& policy, const std::function<Status()>& attempt) {
  SystemRng system_rng;
  std::chrono::milliseconds ceiling = policy.first_delay;
  for (int i = 1;; ++i) {
    Status status = attempt();
    if (status.ok() || !IsRetryableSqlstate(conn.last_sqlstate()) || i >= policy.max_attempts) {
      if (!status.ok() && IsRetryableSqlstate(conn.last_sqlstate())) {
        return Status::Conflict("the PostgreSQL vault " + conn.location() + " stayed busy: " + std::to_string(i) +
                                    " tries ended in a serialization failure or deadlock",
                                "try again; if it persists, look for a long-running transaction on the server");
      }
      return status;
    }
    // Full jitter (a uniform wait in [0, ceiling]), so writers that collided
    // once do not collide again in lock step.
    const auto bound = static_cast<std::uint32_t>(ceiling.count()) + 1;
    const std::uint32_t wait = policy.uniform ? policy.uniform(bound) : system_rng.Uniform(bound);
    if (policy.sleep) {
      policy.sleep(std::chrono::milliseconds(wait));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(wait));
    }
    ceiling = std::min(ceiling * 2, policy.max_delay);
  }
}

}  // namespace akv::pg

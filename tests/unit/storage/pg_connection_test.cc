// The libpq wrapper against a real PostgreSQL 15 (tests/support/pg_server.h):
// binary parameters and results, transactions that roll back, SQLSTATEs,
// COPY, retries of real serialization failures and deadlocks, and where the
// database password may and may not come from.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <barrier>
#include <thread>

#include "tests/support/pg_server.h"
#include "tests/support/test_support.h"
#include "vault/storage/pg/connection.h"

namespace akv {
namespace {

using pg::Params;

class PgConnectionTest : public testing::PgTest {};

TEST_F(PgConnectionTest, TalksToPostgres15) {
  EXPECT_GE(admin_->server_version(), 150000);
  auto r = admin_->Exec("SELECT current_user, current_setting('client_encoding')");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Text(0, 0), server_->superuser);
  EXPECT_EQ(r->Text(0, 1), "UTF8");
}

TEST_F(PgConnectionTest, BinaryParametersAndResultsRoundTrip) {
  Sql("CREATE TABLE t (id bigint PRIMARY KEY, name text, small int4, flag bool, blob bytea)");
  Bytes every_byte(256);
  for (int i = 0; i < 256; ++i) every_byte[i] = static_cast<std::uint8_t>(i);
  const std::string name = "o'neil \"quoted\" ; DROP TABLE t; --";
  auto ins = admin_->Exec("INSERT INTO t VALUES ($1, $2, 7, true, $3)",
                          Params().Int(-5000000000).Text(name).Bytea(every_byte));
  ASSERT_TRUE(ins.ok()) << ins.status().ToString();
  EXPECT_EQ(ins->Affected(), 1);
  ASSERT_TRUE(
      admin_->Exec("INSERT INTO t VALUES ($1, $2, NULL, false, $3)", Params().Int(1).Null().Bytea(ByteView())).ok());
  auto r = admin_->Exec("SELECT id, name, small, flag, blob FROM t ORDER BY id");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->rows(), 2);
  EXPECT_EQ(r->Int(0, 0), -5000000000);
  EXPECT_EQ(r->Text(0, 1), name);
  EXPECT_EQ(r->Int(0, 2), 7);
  EXPECT_EQ(r->Int(0, 3), 1);
  EXPECT_EQ(Bytes(r->Bytea(0, 4).begin(), r->Bytea(0, 4).end()), every_byte);
  EXPECT_TRUE(r->IsNull(1, 1));
  EXPECT_EQ(r->OptionalText(1, 1), std::nullopt);
  EXPECT_TRUE(r->IsNull(1, 2));
  EXPECT_FALSE(r->IsNull(1, 4));  // an empty bytea is not NULL
  EXPECT_EQ(r->Bytea(1, 4).size(), 0u);
  // The table survived the "injection": parameters are never SQL.
  EXPECT_EQ(admin_->Exec("SELECT count(*) FROM t")->Int(0, 0), 2);
}

TEST_F(PgConnectionTest, TransactionRollsBackUnlessCommitted) {
  Sql("CREATE TABLE t (id bigint PRIMARY KEY)");
  {
    auto txn = pg::Transaction::Begin(*admin_);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(admin_->Exec("INSERT INTO t VALUES (1)").ok());
  }
  EXPECT_EQ(admin_->Exec("SELECT count(*) FROM t")->Int(0, 0), 0);
  {
    auto txn = pg::Transaction::Begin(*admin_);
    ASSERT_TRUE(admin_->Exec("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  EXPECT_EQ(admin_->Exec("SELECT count(*) FROM t")->Int(0, 0), 1);
}

TEST_F(PgConnectionTest, SqlstatesMapToCodesAndMessagesAreOneCleanLine) {
  Sql("CREATE TABLE t (id bigint PRIMARY KEY)");
  ASSERT_TRUE(admin_->Exec("INSERT INTO t VALUES (1)").ok());
  auto dup = admin_->Exec("INSERT INTO t VALUES (1)");
  EXPECT_EQ(dup.status().code(), Code::kConflict);
  EXPECT_EQ(admin_->last_sqlstate(), "23505");
  auto missing = admin_->Exec("SELECT * FROM akv.nothing");
  EXPECT_EQ(missing.status().code(), Code::kFormat);
  EXPECT_EQ(admin_->last_sqlstate(), "42P01");
  ASSERT_TRUE(admin_->Exec("SELECT 1").ok());
  EXPECT_EQ(admin_->last_sqlstate(), "");
  // A server message with control bytes and newlines (a hostile server could
  // send anything) comes out as one printable line.
  auto raised = admin_->Run("DO $$ BEGIN RAISE EXCEPTION E'bad\\x1b[31m red\\nsecond line\\rthird'; END $$");
  ASSERT_FALSE(raised.ok());
  for (char c : raised.message()) EXPECT_GE(static_cast<unsigned char>(c), 0x20);
  EXPECT_NE(raised.message().find("bad [31m red second line third"), std::string::npos) << raised.message();
  // Notices are dropped, never printed raw.
  EXPECT_TRUE(admin_->Run("DO $$ BEGIN RAISE NOTICE E'\\x1b]0;owned\\x07'; END $$").ok());
}

TEST_F(PgConnectionTest, CopyInsertsAllRowsOrNone) {
  Sql("CREATE TABLE t (id bigint PRIMARY KEY, name text, blob bytea, note text)");
  auto copied = admin_->CopyIn("COPY t (id, name, blob, note) FROM STDIN (FORMAT binary)", [](pg::CopyWriter& w) {
    for (int i = 0; i < 5000; ++i) {
      w.Row(4);
      w.Int(i);
      w.Text("key" + std::to_string(i));
      const Bytes blob(40, static_cast<std::uint8_t>(i));
      w.Bytea(blob);
      w.OptionalText(i % 2 ? std::optional<std::string>("n") : std::nullopt);
    }
    return Status::Ok();
  });
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  EXPECT_EQ(*copied, 5000);
  auto r = admin_->Exec("SELECT count(*), count(note), sum(length(blob)) FROM t");
  EXPECT_EQ(r->Int(0, 0), 5000);
  EXPECT_EQ(r->Int(0, 1), 2500);
  // A duplicate inside the COPY: nothing of it is kept.
  auto dup = admin_->CopyIn("COPY t (id, name, blob, note) FROM STDIN (FORMAT binary)", [](pg::CopyWriter& w) {
    for (int id : {90000, 90001, 3}) {
      w.Row(4);
      w.Int(id);
      w.Text("x");
      w.Bytea(Bytes{1});
      w.Null();
    }
    return Status::Ok();
  });
  EXPECT_EQ(dup.status().code(), Code::kConflict);
  EXPECT_EQ(admin_->Exec("SELECT count(*) FROM t")->Int(0, 0), 5000);
  // The producer giving up ends the COPY with nothing kept either.
  auto stopped = admin_->CopyIn("COPY t (id, name, blob, note) FROM STDIN (FORMAT binary)", [](pg::CopyWriter& w) {
    w.Row(4);
    w.Int(123456);
    w.Text("x");
    w.Bytea(Bytes{1});
    w.Null();
    return Status::Input("stopped by the caller");
  });
  EXPECT_EQ(stopped.status().code(), Code::kInput);
  EXPECT_EQ(admin_->Exec("SELECT count(*) FROM t")->Int(0, 0), 5000);
  EXPECT_TRUE(admin_->Exec("SELECT 1").ok());  // the connection is usable afterwards
}

TEST_F(PgConnectionTest, RetriesARealSerializationFailure) {
  Sql("CREATE TABLE c (id int PRIMARY KEY, n bigint); INSERT INTO c VALUES (1, 0)");
  auto other = Connect();
  int attempts = 0;
  std::vector<std::chrono::milliseconds> waits;
  pg::RetryPolicy policy;
  policy.sleep = [&](std::chrono::milliseconds ms) { waits.push_back(ms); };
  Status status = pg::WithRetry(*admin_, policy, [&]() -> Status {
    ++attempts;
    AKV_ASSIGN_OR_RETURN(auto txn, pg::Transaction::Begin(*admin_, "BEGIN ISOLATION LEVEL SERIALIZABLE"));
    AKV_ASSIGN_OR_RETURN(auto before, admin_->Exec("SELECT n FROM c WHERE id = 1"));
    if (attempts == 1) {
      // Another writer commits in between: our update must fail with 40001.
      EXPECT_TRUE(other->Exec("UPDATE c SET n = n + 100 WHERE id = 1").ok());
    }
    AKV_RETURN_IF_ERROR(admin_->Exec("UPDATE c SET n = $1 WHERE id = 1", Params().Int(before.Int(0, 0) + 1)).status());
    return txn->Commit();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(waits.size(), 1u);
  EXPECT_EQ(admin_->Exec("SELECT n FROM c")->Int(0, 0), 101);  // no write lost
}

TEST_F(PgConnectionTest, RetriesARealDeadlock) {
  Sql("CREATE TABLE d (id int PRIMARY KEY, n int); INSERT INTO d VALUES (1, 0), (2, 0)");
  std::atomic<int> attempts{0};
  std::barrier both_locked(2);
  auto writer = [&](int first, int second, Status* out) {
    auto conn = Connect();
    ASSERT_TRUE(conn->Run("SET deadlock_timeout = '20ms'").ok());
    bool synced = false;
    pg::RetryPolicy policy;
    *out = pg::WithRetry(*conn, policy, [&]() -> Status {
      ++attempts;
      AKV_ASSIGN_OR_RETURN(auto txn, pg::Transaction::Begin(*conn));
      AKV_RETURN_IF_ERROR(conn->Exec("UPDATE d SET n = n + 1 WHERE id = $1", Params().Int(first)).status());
      if (!synced) {
        synced = true;
        both_locked.arrive_and_wait();  // each holds one row: the next step deadlocks
      }
      AKV_RETURN_IF_ERROR(conn->Exec("UPDATE d SET n = n + 1 WHERE id = $1", Params().Int(second)).status());
      return txn->Commit();
    });
  };
  Status a, b;
  std::thread ta(writer, 1, 2, &a);
  std::thread tb(writer, 2, 1, &b);
  ta.join();
  tb.join();
  EXPECT_TRUE(a.ok()) << a.ToString();
  EXPECT_TRUE(b.ok()) << b.ToString();
  EXPECT_GE(attempts.load(), 3);  // one of them was the deadlock's victim and ran again
  auto r = admin_->Exec("SELECT sum(n) FROM d");
  EXPECT_EQ(r->Int(0, 0), 4);  // both transactions applied exactly once
}

TEST_F(PgConnectionTest, GivesUpAfterBoundedTriesWithBoundedWaits) {
  int attempts = 0;
  std::vector<std::chrono::milliseconds> waits;
  pg::RetryPolicy policy;
  policy.max_attempts = 6;
  policy.first_delay = std::chrono::milliseconds(10);
  policy.max_delay = std::chrono::milliseconds(40);
  policy.sleep = [&](std::chrono::milliseconds ms) { waits.push_back(ms); };
  policy.uniform = [](std::uint32_t bound) { return bound - 1; };  // always the longest wait
  Status status = pg::WithRetry(*admin_, policy, [&]() -> Status {
    ++attempts;
    return admin_->Run("DO $$ BEGIN RAISE EXCEPTION 'busy' USING ERRCODE = '40001'; END $$");
  });
  EXPECT_EQ(status.code(), Code::kConflict);
  EXPECT_NE(status.message().find("6 tries"), std::string::npos) << status.message();
  EXPECT_EQ(attempts, 6);
  const std::vector<std::chrono::milliseconds> expected = {std::chrono::milliseconds(10), std::chrono::milliseconds(20),
                                                           std::chrono::milliseconds(40), std::chrono::milliseconds(40),
                                                           std::chrono::milliseconds(40)};
  EXPECT_EQ(waits, expected);
  // Any other failure is surfaced at once.
  attempts = 0;
  status = pg::WithRetry(*admin_, policy, [&]() -> Status {
    ++attempts;
    return admin_->Run("SELECT * FROM nowhere");
  });
  EXPECT_EQ(attempts, 1);
  EXPECT_EQ(status.code(), Code::kFormat);
}

// The database password: from a pgpass file, never from the URI (refused by
// the parser) or akvault's environment.
TEST_F(PgConnectionTest, PasswordComesFromPgpassOnly) {
  Sql("CREATE ROLE alice_t LOGIN PASSWORD 'alice-db-password'");
  testing::TempDir dir;
  const std::string pgpass = dir.File("pgpass");
  testing::WriteText(pgpass, "127.0.0.1:" + std::to_string(server_->port) + ":*:alice_t:alice-db-password\n", 0600);
  const std::string uri = PgTcpUri(*server_, "alice_t", db_);
  ASSERT_EQ(setenv("PGPASSFILE", dir.File("missing").c_str(), 1), 0);
  auto without = pg::Connection::Connect(*ParsePgUri(uri));
  EXPECT_EQ(without.status().code(), Code::kPermission) << without.status().ToString();
  ASSERT_EQ(setenv("PGPASSFILE", pgpass.c_str(), 1), 0);
  auto with = pg::Connection::Connect(*ParsePgUri(uri));
  ASSERT_TRUE(with.ok()) << with.status().ToString();
  EXPECT_EQ((*with)->Exec("SELECT current_user")->Text(0, 0), "alice_t");
  ASSERT_EQ(setenv("PGPASSWORD", "alice-db-password", 1), 0);
  auto env = pg::Connection::Connect(*ParsePgUri(uri));
  EXPECT_EQ(env.status().code(), Code::kUsage);
  EXPECT_EQ(env.status().ToString().find("alice-db-password"), std::string::npos);
  unsetenv("PGPASSWORD");
  unsetenv("PGPASSFILE");
}

TEST_F(PgConnectionTest, UnreachableServerIsAnIoErrorNamingTheUri) {
  auto uri = ParsePgUri("postgresql://nobody@127.0.0.1:1/akv?connect_timeout=2");
  auto conn = pg::Connection::Connect(*uri);
  EXPECT_EQ(conn.status().code(), Code::kIo);
  EXPECT_NE(conn.status().message().find("127.0.0.1:1"), std::string::npos);
}

}  // namespace
}  // namespace akv

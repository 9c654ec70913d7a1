// The PostgreSQL vault schema (schema/pg/) and its optional hardening
// (schema/pg/hardening.sql) against a real server: migrations applied once
// and refused when newer, and what the hardened server refuses an admin's
// login role (the probes of docs/howto-team.md), including eight writers of
// two admins appending to one audit chain at once.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/pg_server.h"
#include "tests/support/test_support.h"
#include "vault/crypto/random.h"
#include "vault/encoding/encoding.h"
#include "vault/storage/pg/connection.h"
#include "vault/storage/pg/schema.h"

namespace akv {
namespace {

using pg::Params;

std::string ReadSource(const std::string& relative) {
  std::ifstream in(std::string(AKVAULT_SOURCE_DIR) + "/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class PgSchemaTest : public testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    suffix_ = db_.substr(2);
    vault_id_ = rng_.Draw(16);
  }
  void TearDown() override {
    unsetenv("PGPASSFILE");
    for (const std::string& role : roles_) (void)admin_->Run("DROP OWNED BY " + role + "; DROP ROLE " + role);
    PgTest::TearDown();
  }

  // A login role (cluster-wide, so named after this test's database) with a
  // random password in this test's pgpass file.
  std::string Role(const std::string& base, bool member) {
    const std::string name = base + "_" + suffix_;
    const std::string password = HexEncode(rng_.Draw(12));
    Sql("CREATE ROLE " + name + " LOGIN PASSWORD '" + password + "'" + (member ? " IN ROLE akv_member" : ""));
    roles_.push_back(name);
    pgpass_ += "127.0.0.1:" + std::to_string(server_->port) + ":*:" + name + ":" + password + "\n";
    testing::WriteText(dir_.File("pgpass"), pgpass_, 0600);
    setenv("PGPASSFILE", dir_.File("pgpass").c_str(), 1);
    return name;
  }
  std::unique_ptr<pg::Connection> As(const std::string& role) {
    auto conn = pg::Connection::Connect(*ParsePgUri(testing::PgTcpUri(*server_, role, db_)));
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    return conn.ok() ? std::move(conn).value() : nullptr;
  }

  // What `init` writes, in the creator's name: the vault row and its
  // passphrase slot (bytes of the right lengths; the server cannot tell).
  void CreateVault(pg::Connection& conn, const std::string& creator) {
    Bytes b32(32, 1), b16(16, 2), b24(24, 3), b48(48, 4);
    auto v = conn.Exec(
        "INSERT INTO akv.vault (vault_id, format, created_at, created_by, state_digest, state_count, state_tag) "
        "VALUES ($1, 1, 0, $2, $3, 0, $3)",
        Params().Bytea(vault_id_).Text(creator).Bytea(b32));
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    auto s = conn.Exec(
        "INSERT INTO akv.slot (vault_id, name, kind, kdf_alg, kdf_ops, kdf_mem, kdf_salt, wrap_nonce, wrapped, "
        "added_at, added_by, db_role) VALUES ($1, 'passphrase', 'passphrase', 2, 2, 67108864, $2, $3, $4, 0, 'init', "
        "$5)",
        Params().Bytea(vault_id_).Bytea(b16).Bytea(b24).Bytea(b48).Text(creator));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
  }
  Status AddAdminSlot(pg::Connection& conn, const std::string& name, const std::string& role) {
    Bytes pk(32, 9), sealed(80, 5);
    return conn
        .Exec(
            "INSERT INTO akv.slot (vault_id, name, kind, public_key, wrapped, added_at, added_by, db_role) "
            "VALUES ($1, $2, 'recipient', $3, $4, 0, 'passphrase', $5)",
            Params().Bytea(vault_id_).Text(name).Bytea(pk).Bytea(sealed).Text(role))
        .status();
  }
  Status InsertKey(pg::Connection& conn, const std::string& akid, const std::optional<std::string>& updated_by = {}) {
    Bytes uuid(16, 7), nonce(24, 8), sealed(46, 6);
    const std::string sql =
        std::string(
            "INSERT INTO akv.key (vault_id, akid, uuid, version, owner, status, created, rotate_days, "
            "nonce, sealed") +
        (updated_by ? ", updated_by" : "") + ") VALUES ($1, $2, $3, 1, 'alice', 'active', '2026-10-01', 90, $4, $5" +
        (updated_by ? ", $6" : "") + ")";
    Params params;
    params.Bytea(vault_id_).Text(akid).Bytea(uuid).Bytea(nonce).Bytea(sealed);
    if (updated_by) params.Text(*updated_by);
    return conn.Exec(sql, params).status();
  }
  Status AppendAudit(pg::Connection& conn, std::int64_t seq, const std::string& db_role = "") {
    Bytes mac(32, static_cast<std::uint8_t>(seq));
    return conn
        .Exec("INSERT INTO akv.audit (vault_id, seq, at, event, detail, mac" +
                  std::string(db_role.empty() ? "" : ", db_role") + ") VALUES ($1, $2, 0, 'add', '{}', $3" +
                  (db_role.empty() ? "" : ", $4") + ")",
              db_role.empty() ? Params().Bytea(vault_id_).Int(seq).Bytea(mac)
                              : Params().Bytea(vault_id_).Int(seq).Bytea(mac).Text(db_role))
        .status();
  }
  std::int64_t Count(pg::Connection& conn, const std::string& table) {
    auto r = conn.Exec("SELECT count(*) FROM akv." + table);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->Int(0, 0) : -1;
  }
  void Harden() { Sql(ReadSource("schema/pg/hardening.sql")); }

  SystemRng rng_;
  testing::TempDir dir_;
  std::string suffix_;
  Bytes vault_id_;
  std::string pgpass_;
  std::vector<std::string> roles_;
};

TEST_F(PgSchemaTest, MigratesOnceAndRefusesANewerVault) {
  EXPECT_EQ(*pg::SchemaVersion(*admin_), 0);
  ASSERT_TRUE(pg::Migrate(*admin_).ok());
  EXPECT_EQ(*pg::SchemaVersion(*admin_), pg::CurrentSchemaVersion());
  ASSERT_TRUE(pg::Migrate(*admin_).ok());  // nothing left to apply
  EXPECT_EQ(Count(*admin_, "migration"), pg::CurrentSchemaVersion());
  Sql("INSERT INTO akv.migration (version, name) VALUES (999, '999_future.sql')");
  const Status newer = pg::Migrate(*admin_);
  EXPECT_EQ(newer.code(), Code::kFormat);
  EXPECT_EQ(newer.hint(), "upgrade akvault");
}

TEST_F(PgSchemaTest, LeavesAForeignAkvSchemaAlone) {
  Sql("CREATE SCHEMA akv; CREATE TABLE akv.theirs (x int)");
  EXPECT_EQ(pg::Migrate(*admin_).code(), Code::kFormat);
  EXPECT_EQ(admin_->Exec("SELECT count(*) FROM akv.theirs")->Int(0, 0), 0);
}

TEST_F(PgSchemaTest, ConcurrentFirstUsesApplyTheSchemaOnce) {
  std::vector<Status> results(4);
  std::vector<std::thread> threads;
  for (auto& result : results) {
    threads.emplace_back([&] {
      auto conn = Connect();
      result = pg::Migrate(*conn);
    });
  }
  for (auto& t : threads) t.join();
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Count(*admin_, "migration"), pg::CurrentSchemaVersion());
}

TEST_F(PgSchemaTest, SchemaKeepsHonestMistakesOut) {
  ASSERT_TRUE(pg::Migrate(*admin_).ok());
  CreateVault(*admin_, "nobody");
  // A recipient slot named like the passphrase slot, a short public key, a
  // second row of one key ID: refused by the constraints.
  Bytes pk(31, 1), sealed(80, 2);
  EXPECT_EQ(admin_
                ->Exec("INSERT INTO akv.slot (vault_id, name, kind, public_key, wrapped, added_at, added_by) "
                       "VALUES ($1, 'x', 'recipient', $2, $3, 0, 'y')",
                       Params().Bytea(vault_id_).Bytea(pk).Bytea(sealed))
                .status()
                .code(),
            Code::kFormat);
  EXPECT_TRUE(InsertKey(*admin_, "LTAI5tAAAA").ok());
  EXPECT_EQ(InsertKey(*admin_, "LTAI5tAAAA").code(), Code::kConflict);
  // Listings sort like SQLite (bytewise; personal keys first) whatever the locale.
  Bytes uuid(16, 7), nonce(24, 8), blob(46, 6);
  for (auto [akid, app] : {std::pair<const char*, const char*>{"B1", "beta"}, {"B2", nullptr}, {"B3", "Zeta"}}) {
    ASSERT_TRUE(admin_
                    ->Exec("INSERT INTO akv.key (vault_id, akid, uuid, version, owner, app, status, created, "
                           "rotate_days, nonce, sealed) VALUES ($1, $2, $3, 1, 'bob', $4, 'active', '2026-10-01', "
                           "90, $5, $6)",
                           Params()
                               .Bytea(vault_id_)
                               .Text(akid)
                               .Bytea(uuid)
                               .OptionalText(app ? std::optional<std::string>(app) : std::nullopt)
                               .Bytea(nonce)
                               .Bytea(blob))
                    .ok());
  }
  auto r = admin_->Exec("SELECT akid FROM akv.key WHERE owner = 'bob' ORDER BY owner, app NULLS FIRST, akid");
  ASSERT_EQ(r->rows(), 3);
  EXPECT_EQ(r->Text(0, 0), "B2");
  EXPECT_EQ(r->Text(1, 0), "B3");  // "Zeta" < "beta" bytewise
  EXPECT_EQ(r->Text(2, 0), "B1");
}

// The probes of docs/howto-team.md, "What the hardened server refuses".
TEST_F(PgSchemaTest, HardenedServerRefusesWhatAnAdminRoleShouldNeverDo) {
  ASSERT_TRUE(pg::Migrate(*admin_).ok());
  Harden();
  Harden();  // idempotent
  const std::string alice = Role("alice", true);
  const std::string bob = Role("bob", true);
  const std::string carol = Role("carol", false);  // not in akv_member
  const std::string dave = Role("dave", true);     // a member with no slot
  auto a = As(alice);
  ASSERT_NE(a, nullptr);
  CreateVault(*a, alice);  // init, in alice's own name
  if (HasFatalFailure()) return;
  ASSERT_TRUE(AddAdminSlot(*a, "bob", bob).ok());
  ASSERT_TRUE(InsertKey(*a, "LTAI5tALICE1").ok());
  ASSERT_TRUE(AppendAudit(*a, 1).ok());

  // A key row only in the writer's own name.
  const Status forged = InsertKey(*a, "LTAI5tFORGED", bob);
  EXPECT_NE(forged.message().find("row-level security"), std::string::npos) << forged.ToString();

  auto c = As(carol);
  const Status denied = c->Exec("SELECT count(*) FROM akv.key").status();
  EXPECT_EQ(denied.code(), Code::kPermission) << denied.ToString();

  auto d = As(dave);
  EXPECT_EQ(Count(*d, "key"), 0);
  EXPECT_EQ(Count(*d, "slot"), 0);
  EXPECT_EQ(Count(*d, "vault"), 0);

  auto b = As(bob);
  EXPECT_EQ(Count(*b, "key"), 1);
  // The audit trail is append-only, and its head is the server's.
  EXPECT_EQ(b->Exec("UPDATE akv.audit SET detail = '{\"x\":1}'").status().code(), Code::kPermission);
  EXPECT_EQ(b->Exec("DELETE FROM akv.audit").status().code(), Code::kPermission);
  EXPECT_EQ(b->Exec("UPDATE akv.vault SET head_seq = 0").status().code(), Code::kPermission);
  EXPECT_EQ(b->Exec("TRUNCATE akv.audit").status().code(), Code::kPermission);
  EXPECT_EQ(AppendAudit(*b, 3).code(), Code::kConflict);  // does not follow entry 1
  EXPECT_EQ(b->last_sqlstate(), "40001");
  ASSERT_TRUE(AppendAudit(*b, 2, alice).ok());  // db_role claimed as alice...
  auto who = admin_->Exec("SELECT db_role FROM akv.audit WHERE seq = 2");
  EXPECT_EQ(who->Text(0, 0), bob);  // ...recorded as bob
  EXPECT_EQ(admin_->Exec("SELECT head_seq FROM akv.vault")->Int(0, 0), 2);
  // The writers' lock works for a member.
  {
    auto txn = pg::Transaction::Begin(*b);
    EXPECT_TRUE(
        b->Exec("SELECT state_tag FROM akv.vault WHERE vault_id = $1 FOR UPDATE", Params().Bytea(vault_id_)).ok());
  }
  // Even a superuser's edit of the trail is refused while the trigger stands.
  EXPECT_FALSE(admin_->Run("UPDATE akv.audit SET detail = '{}' WHERE seq = 1").ok());
  EXPECT_FALSE(admin_->Run("DELETE FROM akv.audit").ok());

  // Revoke on removal: once bob's slot is gone, bob sees nothing, at once.
  ASSERT_TRUE(a->Exec("DELETE FROM akv.slot WHERE name = 'bob'").ok());
  EXPECT_EQ(Count(*b, "key"), 0);
  EXPECT_EQ(Count(*b, "slot"), 0);
  EXPECT_NE(InsertKey(*b, "LTAI5tBOBLATE").code(), Code::kOk);
  EXPECT_EQ(Count(*a, "key"), 1);
}

// Eight writers of two admins at once, each transaction taking the vault
// row's lock first, as every akvault writer does: one gapless chain, every
// write applied once, nothing surfaced.
TEST_F(PgSchemaTest, EightWritersOfTwoAdminsKeepOneGaplessChain) {
  ASSERT_TRUE(pg::Migrate(*admin_).ok());
  Harden();
  const std::string alice = Role("alice", true);
  const std::string bob = Role("bob", true);
  {
    auto a = As(alice);
    CreateVault(*a, alice);
    if (HasFatalFailure()) return;
    ASSERT_TRUE(AddAdminSlot(*a, "bob", bob).ok());
  }
  constexpr int kWriters = 8;
  constexpr int kEach = 25;
  std::vector<Status> results(kWriters);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      auto conn = As(w % 2 ? bob : alice);
      if (!conn) return;
      for (int i = 0; i < kEach && results[w].ok(); ++i) {
        results[w] = pg::WithRetry(*conn, pg::RetryPolicy(), [&]() -> Status {
          AKV_ASSIGN_OR_RETURN(auto txn, pg::Transaction::Begin(*conn));
          AKV_ASSIGN_OR_RETURN(auto head, conn->Exec("SELECT head_seq FROM akv.vault WHERE vault_id = $1 FOR UPDATE",
                                                     Params().Bytea(vault_id_)));
          AKV_RETURN_IF_ERROR(InsertKey(*conn, "LTAI5tW" + std::to_string(w) + "N" + std::to_string(i)));
          AKV_RETURN_IF_ERROR(AppendAudit(*conn, head.Int(0, 0) + 1));
          return txn->Commit();
        });
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
  auto r = admin_->Exec("SELECT count(*), min(seq), max(seq), count(DISTINCT seq) FROM akv.audit");
  EXPECT_EQ(r->Int(0, 0), kWriters * kEach);
  EXPECT_EQ(r->Int(0, 1), 1);
  EXPECT_EQ(r->Int(0, 2), kWriters * kEach);
  EXPECT_EQ(r->Int(0, 3), kWriters * kEach);
  EXPECT_EQ(Count(*admin_, "key"), kWriters * kEach);
  auto by_role = admin_->Exec("SELECT count(*) FROM akv.audit WHERE db_role = $1", Params().Text(bob));
  EXPECT_EQ(by_role->Int(0, 0), kWriters * kEach / 2);
}

}  // namespace
}  // namespace akv

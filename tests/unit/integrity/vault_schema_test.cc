// Issue 9 item 1: a vault file written by someone else. SQLite's defences
// for untrusted files on every connection, the schema compared with exactly
// what the migrations create, and every write checked to have changed the
// rows it must (H2-1a..H2-1h).
#include <gtest/gtest.h>

#include "tests/support/vault_fixture.h"
#include "vault/storage/database.h"
#include "vault/storage/schema.h"
#include "vault/storage/schema_check.h"

namespace akv {
namespace {

using testing::Secret;

constexpr const char* kA = "LTAI5tAAAAAAAAAAAAAAAAAA";

class VaultSchemaTest : public testing::VaultFixture {
 protected:
  void SetUp() override {
    VaultFixture::SetUp();
    auto v = OpenUnlocked();
    ASSERT_TRUE(v->AddKey(Key(kA, "alice", "billing")).ok());
  }
  void Tamper(const std::string& sql) {
    auto db = Database::Open(path_, Database::Mode::kReadWrite);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec(sql).ok()) << sql;
  }
  Status OpenStatus() { return Vault::Open(path_, Vault::Access::kReadWrite, rng_, clock_).status(); }
  std::vector<std::string> CheckProblems() {
    auto v = Vault::OpenForCheck(path_, rng_, clock_);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    if (!v.ok()) return {"open failed"};
    EXPECT_TRUE((*v)->Unlock(Secret(testing::kPassphrase)).ok());
    auto report = (*v)->Check();
    EXPECT_TRUE(report.ok());
    return report.ok() ? report->problems : std::vector<std::string>{"check failed"};
  }
  static bool Mentions(const std::vector<std::string>& problems, const std::string& text) {
    for (const auto& p : problems) {
      if (p.find(text) != std::string::npos) return true;
    }
    return false;
  }
};

// H2-1a: the trigger of the issue that swallowed passwd's UPDATE of the wrap.
TEST_F(VaultSchemaTest, PlantedTriggerOnMetaRefusesTheVault_H2_1a) {
  Tamper("CREATE TRIGGER k BEFORE UPDATE ON meta WHEN new.wrapped_key IS NOT old.wrapped_key BEGIN SELECT "
         "RAISE(IGNORE); END");
  Status opened = OpenStatus();
  EXPECT_EQ(opened.code(), Code::kTampered);
  EXPECT_NE(opened.message().find("trigger k on meta"), std::string::npos) << opened.message();
  EXPECT_TRUE(Mentions(CheckProblems(), "schema: trigger k on meta (akvault never creates it)"));
}

// H2-1b: a DELETE-swallowing trigger on keys.
TEST_F(VaultSchemaTest, PlantedTriggerOnKeysRefusesTheVault_H2_1b) {
  Tamper("CREATE TRIGGER keep BEFORE DELETE ON keys BEGIN SELECT RAISE(IGNORE); END");
  EXPECT_EQ(OpenStatus().code(), Code::kTampered);
  EXPECT_TRUE(Mentions(CheckProblems(), "trigger keep on keys"));
}

// H2-1c: harmless foreign objects are still not akvault's, and check says so.
TEST_F(VaultSchemaTest, HarmlessForeignObjectsAreReported_H2_1c) {
  Tamper("CREATE VIEW v AS SELECT akid FROM keys; CREATE TABLE notes(x); CREATE INDEX keys_by_app ON keys(app);"
         "CREATE TRIGGER t AFTER INSERT ON audit BEGIN SELECT 1; END");
  EXPECT_EQ(OpenStatus().code(), Code::kTampered);
  auto problems = CheckProblems();
  EXPECT_TRUE(Mentions(problems, "view v (akvault never creates it)"));
  EXPECT_TRUE(Mentions(problems, "table notes (akvault never creates it)"));
  EXPECT_TRUE(Mentions(problems, "index keys_by_app on keys"));
  EXPECT_TRUE(Mentions(problems, "trigger t on audit"));
}

// H2-1d: a table whose definition changed (a column added, an index dropped).
TEST_F(VaultSchemaTest, ChangedDefinitionsAreReported_H2_1d) {
  Tamper("ALTER TABLE keys ADD COLUMN extra TEXT; DROP INDEX keys_by_owner_app_akid");
  EXPECT_EQ(OpenStatus().code(), Code::kTampered);
  auto problems = CheckProblems();
  EXPECT_TRUE(Mentions(problems, "table keys (its definition differs from akvault's)"));
  EXPECT_TRUE(Mentions(problems, "index keys_by_owner_app_akid on keys (missing)"));
}

// H2-1e: the expected set comes from the embedded migrations: a fresh vault
// and an empty database at every older version match it exactly.
TEST_F(VaultSchemaTest, ExpectedObjectsComeFromTheMigrations_H2_1e) {
  auto db = Database::Open(path_, Database::Mode::kReadOnly);
  ASSERT_TRUE(db.ok());
  auto diff = SchemaDifferences(**db, CurrentSchemaVersion());
  ASSERT_TRUE(diff.ok());
  EXPECT_TRUE(diff->empty()) << diff->front();
  for (int version = 1; version <= CurrentSchemaVersion(); ++version) {
    auto mem = Database::OpenMemory();
    ASSERT_TRUE(mem.ok());
    ASSERT_TRUE(ApplyMigrationsUpTo(**mem, version).ok());
    auto at = SchemaDifferences(**mem, version);
    ASSERT_TRUE(at.ok());
    EXPECT_TRUE(at->empty()) << "version " << version << ": " << at->front();
    if (version < CurrentSchemaVersion()) {
      auto later = SchemaDifferences(**mem, CurrentSchemaVersion());
      ASSERT_TRUE(later.ok());
      EXPECT_FALSE(later->empty()) << "version " << version << " compared with the current schema";
    }
  }
}

// H2-1f: on akvault's connections a trigger never fires and a view cannot
// be read, whatever the file holds.
TEST_F(VaultSchemaTest, TriggersAndViewsNeverRun_H2_1f) {
  auto mem = Database::OpenMemory();
  ASSERT_TRUE(mem.ok());
  Database& db = **mem;
  ASSERT_TRUE(db.Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1);"
                      "CREATE TRIGGER keep BEFORE DELETE ON t BEGIN SELECT RAISE(IGNORE); END;"
                      "CREATE VIEW v AS SELECT x FROM t")
                  .ok());
  auto del = db.Prepare("DELETE FROM t WHERE x = 1");
  ASSERT_TRUE(del.ok());
  EXPECT_TRUE(del->RunChanging(1, "deleting").ok());
  EXPECT_FALSE(db.Prepare("SELECT * FROM v").ok());
  // Defensive mode: the schema cannot be written through SQL.
  EXPECT_FALSE(db.Exec("PRAGMA writable_schema=ON; UPDATE sqlite_schema SET sql = 'x'").ok());
}

// H2-1g: a write that changes fewer rows than it must is kTampered.
TEST_F(VaultSchemaTest, WriteThatChangesNothingIsTampered_H2_1g) {
  auto mem = Database::OpenMemory();
  ASSERT_TRUE(mem.ok());
  ASSERT_TRUE((*mem)->Exec("CREATE TABLE t(x)").ok());
  auto update = (*mem)->Prepare("UPDATE t SET x = 2 WHERE x = 1");
  ASSERT_TRUE(update.ok());
  Status s = update->RunChanging(1, "updating the row");
  EXPECT_EQ(s.code(), Code::kTampered);
  EXPECT_NE(s.message().find("updating the row changed 0 row(s) instead of 1"), std::string::npos) << s.message();
}

// H2-1h: a vault that was never touched verifies, schema included.
TEST_F(VaultSchemaTest, UntouchedVaultHasNoSchemaProblem_H2_1h) {
  EXPECT_TRUE(OpenStatus().ok());
  EXPECT_TRUE(CheckProblems().empty());
}

}  // namespace
}  // namespace akv

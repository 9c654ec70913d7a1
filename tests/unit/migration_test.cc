// B8: vaults at every earlier schema version migrate forward in one
// transaction and verify afterwards; a newer schema is refused.
#include <gtest/gtest.h>

#include "tests/support/vault_fixture.h"
#include "vault/storage/database.h"
#include "vault/storage/schema.h"

namespace akv {
namespace {

using testing::VaultFixture;

class MigrationTest : public VaultFixture {
 protected:
  // Turns the fixture's current-version vault (with one key) back into what
  // version `target` created: the later tables did not exist then.
  void DowngradeTo(int target) {
    auto db = Database::Open(path_, Database::Mode::kReadWrite);
    ASSERT_TRUE(db.ok());
    if (target < 3) { ASSERT_TRUE((*db)->Exec("DROP INDEX keys_by_due_date; DROP TABLE config;").ok()); }
    if (target < 2) { ASSERT_TRUE((*db)->Exec("DROP TABLE distributions;").ok()); }
    ASSERT_TRUE((*db)->Exec("PRAGMA user_version=" + std::to_string(target)).ok());
  }
};

TEST_F(MigrationTest, SchemaFilesAreNumberedFromOne) {
  const auto& all = SchemaMigrations();
  ASSERT_FALSE(all.empty());
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].version, static_cast<int>(i) + 1) << all[i].name;
  EXPECT_EQ(CurrentSchemaVersion(), 3);
}

TEST_F(MigrationTest, EveryEarlierVersionMigratesAndVerifies) {
  for (int from = 1; from < CurrentSchemaVersion(); ++from) {
    SCOPED_TRACE("from version " + std::to_string(from));
    {
      auto v = OpenUnlocked();
      ASSERT_TRUE(v->AddKey(Key("LTAI5tV" + std::to_string(from) + "XXXXXXXXXXXXXXXX", "alice", "billing")).ok());
    }
    DowngradeTo(from);
    auto v = OpenUnlocked();
    ASSERT_NE(v, nullptr);
    {
      auto db = Database::Open(path_, Database::Mode::kReadOnly);
      EXPECT_EQ(*(*db)->QueryInt("PRAGMA user_version"), CurrentSchemaVersion());
    }
    auto report = v->Check();
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->problems.empty()) << report->problems.front();
    // The new tables exist again (and are empty: the downgrade dropped them).
    EXPECT_TRUE(v->ConfigValue("rotate-days").ok());
    EXPECT_TRUE(v->ForEachDistribution("x", [](const Distribution&) { return Status::Ok(); }).ok());
  }
  auto v = OpenUnlocked();
  EXPECT_TRUE(v->SetConfig("rotate-days", "45").ok());
  EXPECT_TRUE(v->Check()->problems.empty());
}

TEST_F(MigrationTest, ReadOnlyOpenAlsoMigratesWhenWritable) {
  DowngradeTo(1);
  auto v = Vault::Open(path_, Vault::Access::kReadOnly, rng_, clock_);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  auto db = Database::Open(path_, Database::Mode::kReadOnly);
  EXPECT_EQ(*(*db)->QueryInt("PRAGMA user_version"), CurrentSchemaVersion());
}

TEST_F(MigrationTest, NewerSchemaIsRefused) {
  {
    auto db = Database::Open(path_, Database::Mode::kReadWrite);
    ASSERT_TRUE((*db)->Exec("PRAGMA user_version=99").ok());
  }
  auto v = Vault::Open(path_, Vault::Access::kReadOnly, rng_, clock_);
  EXPECT_EQ(v.status().code(), Code::kFormat);
  EXPECT_NE(v.status().hint().find("upgrade akvault"), std::string::npos);
}

// A failing migration leaves the vault exactly as it was (one transaction).
TEST_F(MigrationTest, FailedMigrationChangesNothing) {
  DowngradeTo(1);
  {
    // Sabotage: a table in the way of migration 2.
    auto db = Database::Open(path_, Database::Mode::kReadWrite);
    ASSERT_TRUE((*db)->Exec("CREATE TABLE distributions_by_akid_blocker(x); CREATE INDEX distributions_by_akid ON "
                            "distributions_by_akid_blocker(x);")
                    .ok());
  }
  auto v = Vault::Open(path_, Vault::Access::kReadWrite, rng_, clock_);
  EXPECT_FALSE(v.ok());
  auto db = Database::Open(path_, Database::Mode::kReadOnly);
  EXPECT_EQ(*(*db)->QueryInt("PRAGMA user_version"), 1);
  EXPECT_FALSE((*db)->Prepare("SELECT * FROM distributions").ok());
}

}  // namespace
}  // namespace akv

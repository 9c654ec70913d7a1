// B8: vaults at every earlier schema version migrate forward in one
// transaction and verify afterwards; a newer schema is refused.
#include <gtest/gtest.h>

#include "tests/support/vault_fixture.h"
#include "vault/key_queries.h"
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
    if (target < 6) { ASSERT_TRUE((*db)->Exec("DROP TABLE scan_fingerprints; DROP TABLE scan_key;").ok()); }
    if (target < 7) { ASSERT_TRUE((*db)->Exec("DROP TABLE IF EXISTS key_policy;").ok()); }
    if (target < 4) {
      ASSERT_TRUE((*db)->Exec("DROP INDEX keys_by_due_date_akid; DROP INDEX keys_by_owner_app_akid; "
                              "CREATE INDEX keys_by_due_date ON keys(due_date) WHERE due_date IS NOT NULL;")
                      .ok());
    }
    if (target < 3) { ASSERT_TRUE((*db)->Exec("DROP INDEX keys_by_due_date; DROP TABLE config;").ok()); }
    if (target < 2) { ASSERT_TRUE((*db)->Exec("DROP TABLE distributions;").ok()); }
    ASSERT_TRUE((*db)->Exec("PRAGMA user_version=" + std::to_string(target)).ok());
  }

  // The named indexes of the vault (not SQLite's own autoindexes), sorted.
  std::vector<std::string> Indexes() {
    std::vector<std::string> names;
    auto db = Database::Open(path_, Database::Mode::kReadOnly);
    EXPECT_TRUE(db.ok());
    if (!db.ok()) return names;
    auto stmt = (*db)->Prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name");
    EXPECT_TRUE(stmt.ok());
    while (*stmt->Step()) names.push_back(stmt->Text(0));
    return names;
  }
};

// Numbers are reserved per work stream (005 integrity, 006 fingerprints,
// 007 key_policy, 008+ integrity), so a branch may carry a gap until the
// others land: versions start at 1 and strictly increase, and each file's
// number is its version.
TEST_F(MigrationTest, SchemaFilesAreNumberedFromOne) {
  const auto& all = SchemaMigrations();
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.front().version, 1);
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i > 0) {
      EXPECT_GT(all[i].version, all[i - 1].version) << all[i].name;
    }
    EXPECT_EQ(std::stoi(std::string(all[i].name).substr(0, 3)), all[i].version) << all[i].name;
  }
  EXPECT_GE(CurrentSchemaVersion(), 7);
}

TEST_F(MigrationTest, EveryEarlierVersionMigratesAndVerifies) {
  for (const Migration& earlier : SchemaMigrations()) {
    const int from = earlier.version;
    if (from == CurrentSchemaVersion()) break;
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
    // Version 4: the listing indexes, and only them.
    EXPECT_EQ(Indexes(), (std::vector<std::string>{"distributions_by_akid", "keys_by_due_date_akid",
                                                   "keys_by_owner_app_akid"}));
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

// Version 3 to 4 keeps every key and row, listings come out the same, and
// neither walk sorts any more (the plan after a real migration, not only on
// a fresh vault).
TEST_F(MigrationTest, Version3To4KeepsListingsAndStopsSorting) {
  {
    auto v = OpenUnlocked();
    for (const char* id : {"LTAI5tCCCCCCCCCCCCCCCCCC", "LTAI5tAAAAAAAAAAAAAAAAAA", "LTAI5tBBBBBBBBBBBBBBBBBB"}) {
      ASSERT_TRUE(v->AddKey(Key(id, "alice", "billing")).ok());
    }
  }
  DowngradeTo(3);
  auto listing = [&](Vault& v) {
    std::vector<std::string> rows;
    EXPECT_TRUE(v.ForEachKeyMetadata({}, [&](const KeyMetadata& m) {
                   rows.push_back(m.akid + " " + m.due_date->ToString());
                   return Status::Ok();
                 }).ok());
    EXPECT_TRUE(v.ForEachDueMetadata(clock_.Today().AddDays(3650), {}, [&](const KeyMetadata& m) {
                   rows.push_back("due " + m.akid);
                   return Status::Ok();
                 }).ok());
    return rows;
  };
  {
    // The walks also run on a version 3 vault that cannot be migrated
    // (read-only media): no INDEXED BY that would name a missing index.
    auto db = Database::Open(path_, Database::Mode::kReadOnly);
    for (const std::string& sql : {vault_internal::KeysInListOrderSql(vault_internal::kMetadataColumns, {}),
                                   vault_internal::KeysInDueOrderSql(vault_internal::kMetadataColumns, {})}) {
      EXPECT_TRUE((*db)->Prepare(sql).ok()) << sql;
    }
  }
  auto v = OpenUnlocked();
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(Indexes(), (std::vector<std::string>{"distributions_by_akid", "keys_by_due_date_akid",
                                                 "keys_by_owner_app_akid"}));
  EXPECT_EQ(listing(*v), (std::vector<std::string>{"LTAI5tAAAAAAAAAAAAAAAAAA 2026-12-30",
                                                   "LTAI5tBBBBBBBBBBBBBBBBBB 2026-12-30",
                                                   "LTAI5tCCCCCCCCCCCCCCCCCC 2026-12-30", "due LTAI5tAAAAAAAAAAAAAAAAAA",
                                                   "due LTAI5tBBBBBBBBBBBBBBBBBB", "due LTAI5tCCCCCCCCCCCCCCCCCC"}));
  auto db = Database::Open(path_, Database::Mode::kReadOnly);
  for (const std::string& sql : {vault_internal::KeysInListOrderSql(vault_internal::kMetadataColumns, {}),
                                 vault_internal::KeysInDueOrderSql(vault_internal::kMetadataColumns, {})}) {
    auto plan = (*db)->Prepare("EXPLAIN QUERY PLAN " + sql);
    ASSERT_TRUE(plan.ok());
    while (*plan->Step()) EXPECT_EQ(plan->Text(3).find("TEMP B-TREE"), std::string::npos) << plan->Text(3);
  }
  EXPECT_TRUE(v->Check()->problems.empty());
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

// The listing walks (list, due): metadata only, the same rows in the same
// order as the full walks, and query plans that stream straight off the
// schema 4 indexes (no temporary B-tree, so memory is flat in the number of
// keys, even when every key shares one due date; `list --app` alone sorts
// one owner's keys at a time).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/vault_fixture.h"
#include "vault/key_queries.h"
#include "vault/storage/database.h"

namespace akv {
namespace {

using testing::VaultFixture;

std::string Describe(const KeyMetadata& m) {
  auto opt = [](const std::optional<std::string>& s) { return s ? *s : std::string("-"); };
  auto date = [](const std::optional<Date>& d) { return d ? d->ToString() : std::string("-"); };
  return m.akid + " " + m.owner + " " + opt(m.app) + " " + std::string(KeyStatusName(m.status)) + " " +
         m.created.ToString() + " " + std::to_string(m.rotate_days) + " " + date(m.due_date) + " " +
         date(m.status_since) + " " + opt(m.predecessor) + " " + opt(m.successor) + " " +
         (m.main_account ? "main" : "ram");
}

// Every filter the commands can pass.
std::vector<KeyFilter> Filters() {
  std::vector<KeyFilter> filters;
  for (const char* owner : {"", "alice", "nobody"}) {
    for (const char* app : {"", "billing", "web"}) {
      for (bool retired : {false, true}) {
        KeyFilter f;
        if (*owner) f.owner = owner;
        if (*app) f.app = app;
        f.include_retired = retired;
        filters.push_back(f);
      }
    }
  }
  return filters;
}

std::string Name(const KeyFilter& f) {
  return "owner=" + f.owner.value_or("*") + " app=" + f.app.value_or("*") + (f.include_retired ? " --all" : "");
}

// The plan's detail lines, e.g. "SEARCH keys USING INDEX keys_by_due_date_akid (due_date<?)".
std::string Plan(Database& db, const std::string& sql) {
  auto stmt = db.Prepare("EXPLAIN QUERY PLAN " + sql);
  EXPECT_TRUE(stmt.ok()) << sql;
  if (!stmt.ok()) return "";
  std::string plan;
  while (*stmt->Step()) plan += stmt->Text(3) + "\n";
  return plan;
}

class VaultListingTest : public VaultFixture {
 protected:
  // Keys with several owners, apps and dates, one superseded and one retired.
  void AddVariedKeys(Vault& v) {
    const char* owners[] = {"alice", "bob", "carol"};
    const char* apps[] = {"billing", "web", ""};
    int n = 0;
    for (const char* owner : owners) {
      for (const char* app : apps) {
        for (int k = 0; k < 3; ++k, ++n) {
          NewKey key = Key("LTAI5tK" + std::to_string(100 + (n * 37) % 97) + "XXXXXXXXXXXXXX", owner, app);
          key.meta.created = clock_.Today().AddDays(-30 * k - n);
          ASSERT_TRUE(v.AddKey(key).ok());
        }
      }
    }
    NewKey next = Key("LTAI5tNEWXXXXXXXXXXXXXXX", "x", "", "NewSecretNewSecretNewSecret123");
    next.meta.created = clock_.Today();
    ASSERT_TRUE(v.RotateKey("LTAI5tK100XXXXXXXXXXXXXX", next, 7).ok());
    ASSERT_TRUE(v.RetireKey("LTAI5tK137XXXXXXXXXXXXXX").ok());
  }
};

TEST_F(VaultListingTest, ListingPlansNeverSort) {
  auto db = Database::Open(path_, Database::Mode::kReadOnly);
  ASSERT_TRUE(db.ok());
  for (const KeyFilter& f : Filters()) {
    SCOPED_TRACE(Name(f));
    for (const char* columns : {vault_internal::kMetadataColumns, "*"}) {
      const std::string list = Plan(**db, vault_internal::KeysInListOrderSql(columns, f));
      EXPECT_NE(list.find("USING INDEX keys_by_owner_app_akid"), std::string::npos) << list;
      if (f.app && !f.owner) {
        // --app alone: the index gives the owners in order, but SQLite
        // cannot see that the app filter makes the akids within one owner
        // ordered too, so it sorts each owner's keys of that app (a few)
        // in turn. Never the whole listing.
        EXPECT_NE(list.find("USE TEMP B-TREE FOR RIGHT PART OF ORDER BY"), std::string::npos) << list;
        EXPECT_EQ(list.find("USE TEMP B-TREE FOR ORDER BY"), std::string::npos) << list;
      } else {
        EXPECT_EQ(list.find("TEMP B-TREE"), std::string::npos) << list;
      }
      const std::string due = Plan(**db, vault_internal::KeysInDueOrderSql(columns, f));
      EXPECT_EQ(due.find("TEMP B-TREE"), std::string::npos) << due;
      // The range ends at ?1; "due_date IS NOT NULL" becomes "due_date>NULL".
      EXPECT_NE(due.find("SEARCH keys USING INDEX keys_by_due_date_akid (due_date>? AND due_date<?)"),
                std::string::npos)
          << due;
    }
  }
}

TEST_F(VaultListingTest, MetadataWalksMatchTheFullWalks) {
  auto v = OpenUnlocked();
  AddVariedKeys(*v);
  for (const KeyFilter& f : Filters()) {
    SCOPED_TRACE(Name(f));
    std::vector<std::string> full, lean;
    ASSERT_TRUE(v->ForEachKey(f, [&](const StoredKey& k) {
                   full.push_back(Describe(k.meta));
                   return Status::Ok();
                 }).ok());
    ASSERT_TRUE(v->ForEachKeyMetadata(f, [&](const KeyMetadata& m) {
                   lean.push_back(Describe(m));
                   return Status::Ok();
                 }).ok());
    EXPECT_EQ(lean, full);
    if (!f.owner && !f.app) {
      EXPECT_EQ(full.size(), f.include_retired ? 28u : 27u);
    }

    for (int within : {0, 30, 365}) {
      std::vector<std::string> full_due, lean_due;
      const Date limit = clock_.Today().AddDays(within);
      ASSERT_TRUE(v->ForEachDue(limit, f, [&](const StoredKey& k) {
                     full_due.push_back(Describe(k.meta));
                     return Status::Ok();
                   }).ok());
      ASSERT_TRUE(v->ForEachDueMetadata(limit, f, [&](const KeyMetadata& m) {
                     lean_due.push_back(Describe(m));
                     return Status::Ok();
                   }).ok());
      EXPECT_EQ(lean_due, full_due);
    }
  }
  // The order itself: owner, app (personal keys first), akid.
  std::vector<std::string> order;
  ASSERT_TRUE(v->ForEachKeyMetadata({}, [&](const KeyMetadata& m) {
                 order.push_back(m.owner + "/" + m.app.value_or("") + "/" + m.akid);
                 return Status::Ok();
               }).ok());
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
}

TEST_F(VaultListingTest, KeysSharingOneDueDateComeInAkidOrder) {
  auto v = OpenUnlocked();
  // One import, one creation day: every key has the same deadline.
  std::vector<ImportKey> keys;
  const std::string secret = "SecretSecretSecretSecret123456";
  for (int i = 0; i < 300; ++i) {
    ImportKey k;
    k.meta.akid = "LTAI5tS" + std::to_string(1000 + (i * 7919) % 1000) + "XXXXXXXXXXXXX";
    k.meta.owner = "owner" + std::to_string(i % 3);
    k.meta.created = clock_.Today().AddDays(-90);
    k.meta.rotate_days = 90;
    k.secret = std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(secret.data()), secret.size());
    keys.push_back(k);
  }
  ASSERT_TRUE(v->ImportKeys(keys, "test", nullptr).ok());
  std::vector<std::string> due;
  ASSERT_TRUE(v->ForEachDueMetadata(clock_.Today(), {}, [&](const KeyMetadata& m) {
                 EXPECT_EQ(m.due_date, clock_.Today());
                 due.push_back(m.akid);
                 return Status::Ok();
               }).ok());
  EXPECT_EQ(due.size(), 300u);
  EXPECT_TRUE(std::is_sorted(due.begin(), due.end()));
}

TEST_F(VaultListingTest, AFailedCallbackStopsTheWalkWithItsStatus) {
  auto v = OpenUnlocked();
  AddVariedKeys(*v);
  int calls = 0;
  Status stopped = v->ForEachKeyMetadata({}, [&](const KeyMetadata&) {
    ++calls;
    return Status::Io("cannot write to standard output");
  });
  EXPECT_EQ(stopped.code(), Code::kIo);
  EXPECT_EQ(calls, 1);
}

TEST_F(VaultListingTest, AMalformedDateIsTamperedNotACrash) {
  {
    auto v = OpenUnlocked();
    ASSERT_TRUE(v->AddKey(Key("LTAI5tAAAAAAAAAAAAAAAAAA", "alice", "billing")).ok());
  }
  {
    auto db = Database::Open(path_, Database::Mode::kReadWrite);
    ASSERT_TRUE((*db)->Exec("UPDATE keys SET created = '2026-13-01'").ok());
  }
  auto v = Vault::Open(path_, Vault::Access::kReadOnly, rng_, clock_);
  ASSERT_TRUE(v.ok());
  Status listed = (*v)->ForEachKeyMetadata({}, [](const KeyMetadata&) { return Status::Ok(); });
  EXPECT_EQ(listed.code(), Code::kTampered);
  Status due = (*v)->ForEachDueMetadata(clock_.Today().AddDays(365), {}, [](const KeyMetadata&) { return Status::Ok(); });
  EXPECT_EQ(due.code(), Code::kTampered);
}

}  // namespace
}  // namespace akv

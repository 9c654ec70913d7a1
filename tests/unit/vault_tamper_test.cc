// Edits made to the vault file behind akvault's back (B1-B4, B7): each one
// is found by `check`, and the affected records refuse to open.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/vault_fixture.h"
#include "vault/storage/database.h"
#include "vault/storage/schema.h"
#include "vault/fs/secure_file.h"

namespace akv {
namespace {

using testing::Secret;
using testing::VaultFixture;
using testing::WriteText;

constexpr const char* kA = "LTAI5tAAAAAAAAAAAAAAAAAA";
constexpr const char* kB = "LTAI5tBBBBBBBBBBBBBBBBBB";

class VaultTamperTest : public VaultFixture {
 protected:
  void SetUp() override {
    VaultFixture::SetUp();
    auto v = OpenUnlocked();
    ASSERT_TRUE(v->AddKey(Key(kA, "alice", "billing", "AliceSecretAliceSecretAlice123")).ok());
    ASSERT_TRUE(v->AddKey(Key(kB, "bob", "payroll", "BobSecretBobSecretBobSecret123")).ok());
    ASSERT_TRUE(v->Check()->problems.empty());
  }
  // Runs SQL on the file as an attacker with write access would.
  void Tamper(const std::string& sql) {
    auto db = Database::Open(path_, Database::Mode::kReadWrite);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec(sql).ok()) << sql;
  }
  std::vector<std::string> Problems() {
    auto v = OpenUnlocked();
    auto report = v->Check();
    EXPECT_TRUE(report.ok());
    return report.ok() ? report->problems : std::vector<std::string>{"check failed to run"};
  }
  static bool Mentions(const std::vector<std::string>& problems, const std::string& text) {
    for (const auto& p : problems) {
      if (p.find(text) != std::string::npos) return true;
    }
    return false;
  }
};

// B1: swap the secret ciphertexts of two rows.
TEST_F(VaultTamperTest, SwappedCiphertexts) {
  Tamper(
      "CREATE TEMP TABLE t AS SELECT akid, nonce, sealed FROM keys;"
      "UPDATE keys SET nonce = (SELECT nonce FROM t WHERE t.akid != keys.akid),"
      " sealed = (SELECT sealed FROM t WHERE t.akid != keys.akid);");
  auto problems = Problems();
  EXPECT_TRUE(Mentions(problems, kA));
  EXPECT_TRUE(Mentions(problems, kB));
  auto v = OpenUnlocked();
  auto a = v->RevealKey(kA, "show");
  EXPECT_EQ(a.status().code(), Code::kTampered);
  EXPECT_NE(a.status().message().find(kA), std::string::npos);
}

// B2: metadata edited in place (owner, app, created, rotate_days, status).
TEST_F(VaultTamperTest, EditedMetadata) {
  for (const char* edit : {"UPDATE keys SET owner='mallory' WHERE akid='LTAI5tAAAAAAAAAAAAAAAAAA'",
                           "UPDATE keys SET app='other' WHERE akid='LTAI5tAAAAAAAAAAAAAAAAAA'",
                           "UPDATE keys SET created='2026-11-01', due_date='2027-01-30' WHERE akid='LTAI5tAAAAAAAAAAAAAAAAAA'",
                           "UPDATE keys SET rotate_days=3650 WHERE akid='LTAI5tAAAAAAAAAAAAAAAAAA'",
                           "UPDATE keys SET status='retired', due_date=NULL WHERE akid='LTAI5tAAAAAAAAAAAAAAAAAA'"}) {
    SCOPED_TRACE(edit);
    auto db = Database::Open(path_, Database::Mode::kReadWrite);
    ASSERT_TRUE((*db)->Exec("SAVEPOINT s").ok());
    ASSERT_TRUE((*db)->Exec(edit).ok());
    ASSERT_TRUE((*db)->Exec("RELEASE s").ok());
    db->reset();
    EXPECT_TRUE(Mentions(Problems(), kA));
    auto v = OpenUnlocked();
    EXPECT_EQ(v->RevealKey(kA, "show").status().code(), Code::kTampered);
    // Restore for the next edit: a fresh vault is simpler than undoing.
    v.reset();
    std::filesystem::remove_all(folder_);
    SetUp();
  }
}

// B3: a row copied from another vault.
TEST_F(VaultTamperTest, RowFromAnotherVault) {
  const std::string other = dir_.File("other");
  ASSERT_TRUE(Vault::Create(other + "/vault.db", Secret(testing::kPassphrase), kKdfInteractive, rng_, clock_).ok());
  {
    auto w = Vault::Open(other + "/vault.db", Vault::Access::kReadWrite, rng_, clock_);
    ASSERT_TRUE((*w)->Unlock(Secret(testing::kPassphrase)).ok());
    ASSERT_TRUE((*w)->AddKey(Key("LTAI5tFOREIGNXXXXXXXXXXX", "eve", "x")).ok());
  }
  Tamper("ATTACH DATABASE '" + other + "/vault.db' AS w;"
         "INSERT INTO keys (akid, uuid, version, owner, app, status, created, rotate_days, due_date, status_since,"
         " predecessor, successor, main_account, nonce, sealed) SELECT akid, uuid, version, owner, app, status, created,"
         " rotate_days, due_date, status_since, predecessor, successor, main_account, nonce, sealed FROM w.keys;"
         "DETACH DATABASE w;");
  auto problems = Problems();
  EXPECT_TRUE(Mentions(problems, "LTAI5tFOREIGNXXXXXXXXXXX"));
}

// B4: a deleted row is found through the vault-state MAC.
TEST_F(VaultTamperTest, DeletedRow) {
  Tamper("DELETE FROM keys WHERE akid='LTAI5tBBBBBBBBBBBBBBBBBB'");
  auto problems = Problems();
  EXPECT_TRUE(Mentions(problems, "expected")) << (problems.empty() ? "no problem found" : problems.front());
}

// B4: a row put back to an older version (undoing a rotate).
TEST_F(VaultTamperTest, RowRolledBack) {
  // The copy goes to a file of its own: a table left in the vault would be a
  // foreign schema object, refused before the rotation could run.
  const std::string saved = dir_.File("saved.db");
  WriteText(saved, "", 0600);  // akvault's connections never create a file, an attached one neither
  Tamper("ATTACH DATABASE '" + saved + "' AS s; CREATE TABLE s.saved AS SELECT * FROM keys WHERE akid='LTAI5tAAAAAAAAAAAAAAAAAA'");
  {
    auto v = OpenUnlocked();
    NewKey next = Key("LTAI5tNEWXXXXXXXXXXXXXXX", "x", "", "NewSecretNewSecretNewSecret123");
    ASSERT_TRUE(v->RotateKey(kA, next, 7).ok());
  }
  Tamper("ATTACH DATABASE '" + saved + "' AS s; DELETE FROM keys WHERE akid='LTAI5tAAAAAAAAAAAAAAAAAA'; INSERT INTO keys SELECT * FROM s.saved;");
  auto problems = Problems();
  EXPECT_FALSE(problems.empty());
  EXPECT_TRUE(Mentions(problems, "older or foreign"));
}

// B4: audit entries deleted, edited or reordered.
TEST_F(VaultTamperTest, AuditTrailEdits) {
  Tamper("DELETE FROM audit WHERE seq = 2");
  EXPECT_TRUE(Mentions(Problems(), "audit trail"));
}

TEST_F(VaultTamperTest, AuditTrailTruncated) {
  Tamper("DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)");
  EXPECT_TRUE(Mentions(Problems(), "audit trail was truncated"));
}

TEST_F(VaultTamperTest, AuditEntryEdited) {
  Tamper("UPDATE audit SET detail = '{\"owner\":\"mallory\"}' WHERE seq = 2");
  EXPECT_TRUE(Mentions(Problems(), "entry 2"));
}

TEST_F(VaultTamperTest, AuditEntriesReordered) {
  Tamper("UPDATE audit SET seq = -seq WHERE seq IN (2, 3); UPDATE audit SET seq = 5 - (-seq) WHERE seq IN (-2, -3);");
  EXPECT_TRUE(Mentions(Problems(), "audit trail"));
}

// Every write first verifies the stored state tag in O(1), so a truncated
// audit trail or an edited state sum blocks further writes (fail closed).
// (A deleted key row leaves the stored tag intact: only `check`, which
// recomputes the sum over all rows, finds that; see DeletedRow.)
TEST_F(VaultTamperTest, WritesRefuseATamperedState) {
  Tamper("DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)");
  {
    auto v = OpenUnlocked();
    EXPECT_EQ(v->AddKey(Key("LTAI5tCCCCCCCCCCCCCCCCCC", "carol", "")).code(), Code::kTampered);
  }
  Tamper("UPDATE meta SET state_count = state_count + 1");
  auto v = OpenUnlocked();
  EXPECT_EQ(v->RemoveKey(kA).code(), Code::kTampered);
}

TEST_F(VaultTamperTest, ConfigEdited) {
  {
    auto v = OpenUnlocked();
    ASSERT_TRUE(v->SetConfig("max-rotate-days", "90").ok());
  }
  Tamper("UPDATE config SET value = '3650' WHERE name = 'max-rotate-days'");
  EXPECT_TRUE(Mentions(Problems(), "max-rotate-days"));
  auto v = OpenUnlocked();
  EXPECT_EQ(v->VerifiedConfig("max-rotate-days").status().code(), Code::kTampered);
}

// B7: damaged, junk and foreign files give E_FORMAT naming the path.
TEST_F(VaultTamperTest, JunkFilesAreFormatErrors) {
  const std::string junk_folder = dir_.File("junk");
  ASSERT_TRUE(EnsurePrivateFolder(junk_folder).ok());
  const std::string junk = junk_folder + "/vault.db";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"empty", ""},
      {"random", std::string("\x8f\x01\xaa\x17 not sqlite at all \xff\xfe", 28)},
      {"text", "AccessKey ID,AccessKey Secret\n"},
  };
  for (const auto& [name, content] : cases) {
    WriteText(junk, content, 0600);
    auto v = Vault::Open(junk, Vault::Access::kReadOnly, rng_, clock_);
    EXPECT_EQ(v.status().code(), Code::kFormat) << name;
    EXPECT_NE(v.status().message().find(junk), std::string::npos) << name;
  }
  // A vault truncated in the middle of a page.
  std::string whole = testing::ReadAll(path_);
  ASSERT_GT(whole.size(), 4096u);
  WriteText(junk, whole.substr(0, 1500), 0600);
  auto truncated = Vault::Open(junk, Vault::Access::kReadOnly, rng_, clock_);
  EXPECT_EQ(truncated.status().code(), Code::kFormat);
  // An SQLite database that is not a vault.
  ::unlink(junk.c_str());
  ASSERT_TRUE(CreateEmptyPrivateFile(junk).ok());
  {
    auto db = Database::Open(junk, Database::Mode::kReadWrite);
    ASSERT_TRUE((*db)->Exec("CREATE TABLE notes(x); PRAGMA user_version = 7").ok());
  }
  EXPECT_EQ(Vault::Open(junk, Vault::Access::kReadOnly, rng_, clock_).status().code(), Code::kFormat);
}

}  // namespace
}  // namespace akv

namespace akv {
namespace {

// Writes trust the stored state sum and count (they verify the stored tag
// over them, then add to them), so an edit of either, with every row intact,
// blocks all writes: `check` must find it and name the vault state, whether
// the rows still match the tag (the edit alone) or not (a deleted row too).
TEST_F(VaultTamperTest, EditedStateSumOrCount) {
  for (const char* edit : {"UPDATE meta SET state_count = state_count + 1", "UPDATE meta SET state_count = 0",
                           "UPDATE meta SET state_sum = zeroblob(32)", "UPDATE meta SET state_sum = zeroblob(16)"}) {
    SCOPED_TRACE(edit);
    Tamper(edit);
    auto problems = Problems();
    ASSERT_EQ(problems.size(), 1u) << (problems.empty() ? "no problem found" : problems.front());
    EXPECT_TRUE(Mentions(problems, "vault state: the stored state sum or count was modified")) << problems.front();
    {
      auto v = OpenUnlocked();
      EXPECT_EQ(v->AddKey(Key("LTAI5tCCCCCCCCCCCCCCCCCC", "carol", "")).code(), Code::kTampered);
    }
    std::filesystem::remove_all(folder_);
    SetUp();
  }
  // An edited count next to a deleted row: the rows no longer match the tag.
  Tamper("DELETE FROM keys WHERE akid='LTAI5tBBBBBBBBBBBBBBBBBB'; UPDATE meta SET state_count = state_count - 1");
  auto problems = Problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_TRUE(Mentions(problems, "vault state: ")) << problems.front();
  // And an intact vault has no state problem at all.
  std::filesystem::remove_all(folder_);
  SetUp();
  EXPECT_TRUE(Problems().empty());
}

}  // namespace
}  // namespace akv

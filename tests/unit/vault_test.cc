// The vault's behaviour through its public API, in a real temporary folder.
#include "vault/vault.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/vault_fixture.h"
#include "vault/fs/secure_file.h"
#include "vault/storage/database.h"

namespace akv {
namespace {

using testing::FileContains;
using testing::ModeOf;
using testing::Secret;
using testing::VaultFixture;

class VaultTest : public VaultFixture {};

std::vector<std::string> Ids(Vault& v, KeyFilter filter = {}) {
  std::vector<std::string> ids;
  EXPECT_TRUE(v.ForEachKey(filter, [&](const StoredKey& k) {
                 ids.push_back(k.meta.akid);
                 return Status::Ok();
               }).ok());
  return ids;
}

// C1: folder 0700, vault and its side files 0600 under umask 000.
TEST_F(VaultTest, CreatesOwnerOnlyFiles) {
  EXPECT_EQ(ModeOf(folder_), 0700);
  EXPECT_EQ(ModeOf(path_), 0600);
  auto v = OpenUnlocked();
  ASSERT_TRUE(v->AddKey(Key("LTAI5tAAAAAAAAAAAAAAAAAA", "alice", "billing")).ok());
  for (const char* side : {"-wal", "-shm"}) {
    if (PathExists(path_ + side)) { EXPECT_EQ(ModeOf(path_ + side), 0600) << side; }
  }
}

TEST_F(VaultTest, InitRefusesToOverwrite) {
  EXPECT_EQ(Vault::Create(path_, Secret(testing::kPassphrase), kKdfInteractive, rng_, clock_).code(), Code::kConflict);
}

TEST_F(VaultTest, AddListRevealRemoveFlow) {
  auto v = OpenUnlocked();
  ASSERT_TRUE(v->AddKey(Key("LTAI5tAAAAAAAAAAAAAAAAAA", "alice", "billing")).ok());
  ASSERT_TRUE(v->AddKey(Key("LTAI5tBBBBBBBBBBBBBBBBBB", "bob", "", "OtherSecretOtherSecretOther123")).ok());
  EXPECT_EQ(Ids(*v), (std::vector<std::string>{"LTAI5tAAAAAAAAAAAAAAAAAA", "LTAI5tBBBBBBBBBBBBBBBBBB"}));
  KeyFilter bob;
  bob.owner = "bob";
  EXPECT_EQ(Ids(*v, bob), (std::vector<std::string>{"LTAI5tBBBBBBBBBBBBBBBBBB"}));

  auto found = v->FindKey("LTAI5tAAAAAAAAAAAAAAAAAA");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->meta.due_date, *Date::Parse("2026-12-30"));

  auto revealed = v->RevealKey("LTAI5tBBBBBBBBBBBBBBBBBB", "show");
  ASSERT_TRUE(revealed.ok());
  EXPECT_EQ(revealed->secret.view(), "OtherSecretOtherSecretOther123");

  ASSERT_TRUE(v->RemoveKey("LTAI5tAAAAAAAAAAAAAAAAAA").ok());
  EXPECT_EQ(Ids(*v), (std::vector<std::string>{"LTAI5tBBBBBBBBBBBBBBBBBB"}));
  EXPECT_EQ(v->RemoveKey("LTAI5tAAAAAAAAAAAAAAAAAA").code(), Code::kNotFound);

  std::vector<std::string> events;
  ASSERT_TRUE(v->ForEachAuditEntry([&](const AuditEntry& e) {
                 events.push_back(e.event);
                 EXPECT_EQ(e.detail.find("Secret"), std::string::npos) << "no secret in the audit trail";
                 return Status::Ok();
               }).ok());
  EXPECT_EQ(events, (std::vector<std::string>{"init", "add", "add", "reveal", "remove"}));
  auto report = v->Check();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems.front();
}

TEST_F(VaultTest, DuplicateAccessKeyIdNamesItsOwner) {
  auto v = OpenUnlocked();
  ASSERT_TRUE(v->AddKey(Key("LTAI5tAAAAAAAAAAAAAAAAAA", "alice", "billing")).ok());
  Status dup = v->AddKey(Key("LTAI5tAAAAAAAAAAAAAAAAAA", "bob", "payroll"));
  EXPECT_EQ(dup.code(), Code::kConflict);
  EXPECT_NE(dup.message().find("owner alice"), std::string::npos);
  EXPECT_NE(dup.message().find("app billing"), std::string::npos);
}

TEST_F(VaultTest, ImportIsAllOrNothing) {
  auto v = OpenUnlocked();
  ASSERT_TRUE(v->AddKey(Key("LTAI5tEXISTINGXXXXXXXXXXX", "carol", "")).ok());
  SecretBuffer secrets = Secret("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
  auto make = [&](const std::string& id, std::size_t offset) {
    ImportKey k;
    k.meta.akid = id;
    k.meta.owner = "alice";
    k.meta.created = *Date::Parse("2026-10-01");
    k.meta.rotate_days = 90;
    k.secret = secrets.span().subspan(offset, 30);
    return k;
  };
  std::vector<ImportKey> clash = {make("LTAI5tNEW1XXXXXXXXXXXXXX", 0), make("LTAI5tEXISTINGXXXXXXXXXXX", 30)};
  Status refused = v->ImportKeys(clash, "keys.csv", nullptr);
  EXPECT_EQ(refused.code(), Code::kConflict);
  EXPECT_NE(refused.message().find("owner carol"), std::string::npos);
  EXPECT_EQ(Ids(*v).size(), 1u) << "nothing of a refused import stays";
  std::vector<ImportKey> twice = {make("LTAI5tNEW1XXXXXXXXXXXXXX", 0), make("LTAI5tNEW1XXXXXXXXXXXXXX", 30)};
  EXPECT_EQ(v->ImportKeys(twice, "keys.csv", nullptr).code(), Code::kConflict);
  std::vector<ImportKey> good = {make("LTAI5tNEW1XXXXXXXXXXXXXX", 0), make("LTAI5tNEW2XXXXXXXXXXXXXX", 30)};
  ASSERT_TRUE(v->ImportKeys(good, "keys.csv", nullptr).ok());
  EXPECT_EQ(Ids(*v).size(), 3u);
  EXPECT_EQ(v->RevealKey("LTAI5tNEW2XXXXXXXXXXXXXX", "test")->secret.view(), "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
  EXPECT_TRUE(v->Check()->problems.empty());
}

TEST_F(VaultTest, RotateSupersedesInOneStepAndRetireHidesTheKey) {
  auto v = OpenUnlocked();
  ASSERT_TRUE(v->AddKey(Key("LTAI5tOLDXXXXXXXXXXXXXXX", "alice", "billing")).ok());
  NewKey next = Key("LTAI5tNEWXXXXXXXXXXXXXXX", "ignored", "ignored", "NewSecretNewSecretNewSecret123");
  next.meta.created = clock_.Today();
  ASSERT_TRUE(v->RotateKey("LTAI5tOLDXXXXXXXXXXXXXXX", next, 7).ok());
  auto old_key = *v->FindKey("LTAI5tOLDXXXXXXXXXXXXXXX");
  auto new_key = *v->FindKey("LTAI5tNEWXXXXXXXXXXXXXXX");
  ASSERT_TRUE(old_key && new_key);
  EXPECT_EQ(old_key->meta.status, KeyStatus::kSuperseded);
  EXPECT_EQ(old_key->meta.successor, "LTAI5tNEWXXXXXXXXXXXXXXX");
  EXPECT_EQ(old_key->meta.due_date, clock_.Today().AddDays(7));
  EXPECT_EQ(new_key->meta.owner, "alice") << "the new key takes over the owner and app";
  EXPECT_EQ(new_key->meta.app, "billing");
  EXPECT_EQ(new_key->meta.predecessor, "LTAI5tOLDXXXXXXXXXXXXXXX");
  EXPECT_EQ(new_key->meta.due_date, clock_.Today().AddDays(90));
  // D2: rotating the superseded key again is a conflict.
  NewKey again = Key("LTAI5tNEW2XXXXXXXXXXXXXX", "x", "", "NewSecretNewSecretNewSecret456");
  EXPECT_EQ(v->RotateKey("LTAI5tOLDXXXXXXXXXXXXXXX", again, 7).code(), Code::kConflict);
  // The superseded key still opens (the grace period is for moving apps).
  EXPECT_TRUE(v->OpenKeyRecord(*old_key).ok());

  ASSERT_TRUE(v->RetireKey("LTAI5tOLDXXXXXXXXXXXXXXX").ok());
  EXPECT_EQ(Ids(*v), (std::vector<std::string>{"LTAI5tNEWXXXXXXXXXXXXXXX"}));
  KeyFilter all;
  all.include_retired = true;
  EXPECT_EQ(Ids(*v, all).size(), 2u);
  EXPECT_EQ(v->RetireKey("LTAI5tOLDXXXXXXXXXXXXXXX").code(), Code::kConflict);
  EXPECT_TRUE(v->Check()->problems.empty());
}

TEST_F(VaultTest, DueStreamsInDeadlineOrder) {
  auto v = OpenUnlocked();
  NewKey late = Key("LTAI5tLATEXXXXXXXXXXXXXX", "a", "x");
  late.meta.created = *Date::Parse("2026-01-01");
  NewKey soon = Key("LTAI5tSOONXXXXXXXXXXXXXX", "a", "y");
  soon.meta.created = *Date::Parse("2026-09-01");
  NewKey fresh = Key("LTAI5tFRESHXXXXXXXXXXXXX", "a", "z");
  fresh.meta.created = *Date::Parse("2026-11-20");
  for (NewKey* k : {&fresh, &late, &soon}) ASSERT_TRUE(v->AddKey(*k).ok());
  std::vector<std::string> due;
  ASSERT_TRUE(v->ForEachDue(clock_.Today().AddDays(14), {}, [&](const StoredKey& k) {
                 due.push_back(k.meta.akid);
                 return Status::Ok();
               }).ok());
  EXPECT_EQ(due, (std::vector<std::string>{"LTAI5tLATEXXXXXXXXXXXXXX", "LTAI5tSOONXXXXXXXXXXXXXX"}));
}

TEST_F(VaultTest, ExportsAreRecordedAndAuthenticated) {
  auto v = OpenUnlocked();
  ASSERT_TRUE(v->AddKey(Key("LTAI5tAAAAAAAAAAAAAAAAAA", "alice", "billing")).ok());
  Distribution d;
  d.bundle_id = "00112233445566778899aabbccddeeff";
  d.akid = "LTAI5tAAAAAAAAAAAAAAAAAA";
  d.created_at = testing::kTestNow;
  d.expires_at = testing::kTestNow + 7 * 86400;
  d.mode = "recipients";
  d.recipients = {"akvpub1example"};
  d.destination = "server.akb";
  auto exported = v->FindKey(d.akid);
  ASSERT_TRUE(exported.ok() && exported->has_value());
  ASSERT_TRUE(v->RecordExport({d}, {**exported}).ok());
  std::vector<Distribution> seen;
  ASSERT_TRUE(v->ForEachDistribution(d.akid, [&](const Distribution& x) {
                 seen.push_back(x);
                 return Status::Ok();
               }).ok());
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].recipients, d.recipients);
  EXPECT_TRUE(v->Check()->problems.empty());
  // Removing the key removes its history rows from the state too.
  ASSERT_TRUE(v->RemoveKey(d.akid).ok());
  EXPECT_TRUE(v->Check()->problems.empty());
}

TEST_F(VaultTest, ConfigIsAuthenticated) {
  auto v = OpenUnlocked();
  EXPECT_FALSE(v->VerifiedConfig("rotate-days")->has_value());
  ASSERT_TRUE(v->SetConfig("rotate-days", "30").ok());
  ASSERT_TRUE(v->SetConfig("rotate-days", "60").ok());
  EXPECT_EQ(**v->VerifiedConfig("rotate-days"), "60");
  EXPECT_TRUE(v->Check()->problems.empty());
}

// B9: after passwd, the old wrapped key is in neither the db nor the -wal.
TEST_F(VaultTest, PasswdRewrapsAndLeavesNoOldWrap) {
  auto v = OpenUnlocked();
  ASSERT_TRUE(v->AddKey(Key("LTAI5tAAAAAAAAAAAAAAAAAA", "alice", "billing")).ok());
  Bytes old_wrap;
  {
    auto db = Database::Open(path_, Database::Mode::kReadOnly);
    auto stmt = (*db)->Prepare("SELECT wrapped_key FROM meta");
    ASSERT_TRUE(*stmt->Step());
    old_wrap = stmt->Blob(0);
  }
  ASSERT_TRUE(v->ChangePassphrase(Secret("a brand new passphrase"), std::nullopt).ok());
  v.reset();
  EXPECT_FALSE(FileContains(path_, old_wrap));
  if (PathExists(path_ + "-wal")) { EXPECT_FALSE(FileContains(path_ + "-wal", old_wrap)); }
  auto reopened = Vault::Open(path_, Vault::Access::kReadWrite, rng_, clock_);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->Unlock(Secret(testing::kPassphrase)).code(), Code::kAuth);
  ASSERT_TRUE((*reopened)->Unlock(Secret("a brand new passphrase")).ok());
  EXPECT_EQ((*reopened)->RevealKey("LTAI5tAAAAAAAAAAAAAAAAAA", "t")->secret.view(), "SecretSecretSecretSecret123456");
  EXPECT_TRUE((*reopened)->Check()->problems.empty());
}

// B10: after remove, the old ciphertext is gone from every file.
TEST_F(VaultTest, RemoveLeavesNoCiphertext) {
  auto v = OpenUnlocked();
  ASSERT_TRUE(v->AddKey(Key("LTAI5tAAAAAAAAAAAAAAAAAA", "alice", "billing")).ok());
  auto key = *v->FindKey("LTAI5tAAAAAAAAAAAAAAAAAA");
  const Bytes ciphertext = key->sealed;
  ASSERT_TRUE(FileContains(path_, ciphertext) || FileContains(path_ + "-wal", ciphertext));
  ASSERT_TRUE(v->RemoveKey("LTAI5tAAAAAAAAAAAAAAAAAA").ok());
  v.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) {
    if (PathExists(path_ + suffix)) { EXPECT_FALSE(FileContains(path_ + suffix, ciphertext)) << suffix; }
  }
}

// No secret or passphrase byte in clear in any file of the vault folder.
TEST_F(VaultTest, NoSecretBytesOnDisk) {
  auto v = OpenUnlocked();
  ASSERT_TRUE(v->AddKey(Key("LTAI5tAAAAAAAAAAAAAAAAAA", "alice", "billing", "UniqueSecretValue1234567890abc")).ok());
  ASSERT_TRUE(v->RevealKey("LTAI5tAAAAAAAAAAAAAAAAAA", "t").ok());
  for (const auto& entry : std::filesystem::directory_iterator(folder_)) {
    EXPECT_FALSE(FileContains(entry.path(), AsBytes("UniqueSecretValue1234567890abc"))) << entry.path();
    EXPECT_FALSE(FileContains(entry.path(), AsBytes(testing::kPassphrase))) << entry.path();
  }
}

// Exactly one Argon2id per unlocking command; none for metadata reads.
TEST_F(VaultTest, OneDerivationPerUnlockNoneForMetadata) {
  const std::uint64_t before = KdfDerivationCount();
  auto meta = Vault::Open(path_, Vault::Access::kReadOnly, rng_, clock_);
  ASSERT_TRUE(meta.ok());
  ASSERT_TRUE((*meta)->ForEachKey({}, [](const StoredKey&) { return Status::Ok(); }).ok());
  EXPECT_EQ(KdfDerivationCount(), before);
  auto v = OpenUnlocked();
  ASSERT_TRUE(v->AddKey(Key("LTAI5tAAAAAAAAAAAAAAAAAA", "alice", "billing")).ok());
  ASSERT_TRUE(v->RevealKey("LTAI5tAAAAAAAAAAAAAAAAAA", "t").ok());
  EXPECT_EQ(KdfDerivationCount(), before + 1);
}

// C2: loose modes on the vault or its folder are refused with the fix.
TEST_F(VaultTest, LoosePermissionsAreRefused) {
  for (mode_t loose : {0640, 0604, 0660, 0644}) {
    ASSERT_EQ(::chmod(path_.c_str(), loose), 0);
    auto v = Vault::Open(path_, Vault::Access::kReadOnly, rng_, clock_);
    EXPECT_EQ(v.status().code(), Code::kPermission) << std::oct << loose;
    EXPECT_NE(v.status().hint().find("chmod 600 " + path_), std::string::npos);
  }
  ASSERT_EQ(::chmod(path_.c_str(), 0600), 0);
  for (mode_t loose : {0755, 0770, 0701}) {
    ASSERT_EQ(::chmod(folder_.c_str(), loose), 0);
    auto v = Vault::Open(path_, Vault::Access::kReadOnly, rng_, clock_);
    EXPECT_EQ(v.status().code(), Code::kPermission) << std::oct << loose;
    EXPECT_NE(v.status().hint().find("chmod 700 " + folder_), std::string::npos);
  }
  ASSERT_EQ(::chmod(folder_.c_str(), 0700), 0);
  EXPECT_TRUE(Vault::Open(path_, Vault::Access::kReadOnly, rng_, clock_).ok());
}

// C3: a vault owned by another user is refused (fstat on the open fd).
TEST_F(VaultTest, VaultOwnedByAnotherUserIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown";
  ASSERT_EQ(::chown(path_.c_str(), 65534, 65534), 0);
  EXPECT_EQ(Vault::Open(path_, Vault::Access::kReadOnly, rng_, clock_).status().code(), Code::kPermission);
}

// New vaults use 16 KiB pages: an import of 100,000 keys writes a quarter
// as many WAL frames as with SQLite's default 4 KiB (docs/vault-format.md).
TEST_F(VaultTest, NewVaultsUseSixteenKibPages) {
  auto v = OpenUnlocked();
  v.reset();
  auto db = Database::Open(path_, Database::Mode::kReadOnly);
  ASSERT_TRUE(db.ok());
  auto page_size = (*db)->QueryInt("PRAGMA page_size");
  ASSERT_TRUE(page_size.ok());
  EXPECT_EQ(*page_size, 16384);
}

TEST_F(VaultTest, MissingVaultSaysHowToCreateOne) {
  auto v = Vault::Open(folder_ + "/nope.db", Vault::Access::kReadOnly, rng_, clock_);
  EXPECT_EQ(v.status().code(), Code::kNotFound);
  EXPECT_NE(v.status().hint().find("akvault init"), std::string::npos);
}

}  // namespace
}  // namespace akv

// Issue 9 item 7, `passwd --rekey` (H2-7a..H2-7d): a new vault key, every
// record re-sealed, old wraps and pages purged, so an old backup's keyring
// with the old passphrase opens nothing written afterwards.
#include <gtest/gtest.h>

#include "tests/support/vault_fixture.h"
#include "vault/storage/database.h"

namespace akv {
namespace {

using testing::FileContains;
using testing::Secret;

constexpr const char* kA = "LTAI5tAAAAAAAAAAAAAAAAAA";
constexpr const char* kB = "LTAI5tBBBBBBBBBBBBBBBBBB";
constexpr const char* kNewPassphrase = "a new and longer passphrase";

struct Wrap {
  Bytes salt, nonce, wrapped;
};

class VaultRekeyTest : public testing::VaultFixture {
 protected:
  void SetUp() override {
    VaultFixture::SetUp();
    auto v = OpenUnlocked();
    ASSERT_TRUE(v->AddKey(Key(kA, "alice", "billing", "AliceSecretAliceSecretAlice123")).ok());
  }
  Wrap ReadWrap() {
    auto db = Database::Open(path_, Database::Mode::kReadOnly);
    auto stmt = (*db)->Prepare("SELECT kdf_salt, wrap_nonce, wrapped_key FROM meta");
    EXPECT_TRUE(*stmt->Step());
    return {stmt->Blob(0), stmt->Blob(1), stmt->Blob(2)};
  }
  Bytes Ciphertext(const std::string& akid) {
    auto db = Database::Open(path_, Database::Mode::kReadOnly);
    auto stmt = (*db)->Prepare("SELECT sealed FROM keys WHERE akid = ?1");
    stmt->Bind(1, akid);
    EXPECT_TRUE(*stmt->Step());
    return stmt->Blob(0);
  }
  // An attacker with an old backup puts its keyring back into today's file.
  void PutBackWrap(const Wrap& w) {
    auto db = Database::Open(path_, Database::Mode::kReadWrite);
    auto stmt = (*db)->Prepare("UPDATE meta SET kdf_salt = ?1, wrap_nonce = ?2, wrapped_key = ?3");
    stmt->BindBlob(1, w.salt).BindBlob(2, w.nonce).BindBlob(3, w.wrapped);
    ASSERT_TRUE(stmt->Run().ok());
  }
  bool InVaultFiles(ByteView bytes) {
    for (const char* suffix : {"", "-wal"}) {
      if (FileContains(path_ + suffix, bytes)) return true;
    }
    return false;
  }
  std::unique_ptr<Vault> OpenWith(const std::string& passphrase) {
    auto v = Vault::Open(path_, Vault::Access::kReadWrite, rng_, clock_);
    EXPECT_TRUE(v.ok());
    if (!v.ok() || !(*v)->Unlock(Secret(passphrase)).ok()) return nullptr;
    return std::move(v).value();
  }
};

// H2-7a: every record re-sealed, the old wrap and ciphertexts purged from
// the files, everything still opens with the new passphrase and verifies.
TEST_F(VaultRekeyTest, RekeyResealsAndPurges_H2_7a) {
  const Wrap old_wrap = ReadWrap();
  const Bytes old_sealed = Ciphertext(kA);
  {
    auto v = OpenUnlocked();
    ASSERT_TRUE(v->SetConfig("rotate-days", "60").ok());
    auto records = v->Rekey(Secret(kNewPassphrase), std::nullopt);
    ASSERT_TRUE(records.ok()) << records.status().ToString();
    EXPECT_EQ(*records, 1);
  }
  EXPECT_FALSE(InVaultFiles(old_wrap.wrapped)) << "the old wrap survived the re-key";
  EXPECT_FALSE(InVaultFiles(old_sealed)) << "an old ciphertext survived the re-key";
  EXPECT_EQ(OpenWith(testing::kPassphrase), nullptr);
  auto v = OpenWith(kNewPassphrase);
  ASSERT_NE(v, nullptr);
  auto shown = v->RevealKey(kA, "show");
  ASSERT_TRUE(shown.ok()) << shown.status().ToString();
  EXPECT_TRUE(shown->secret.Equals(Secret("AliceSecretAliceSecretAlice123").span()));
  auto report = v->Check();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems.front();
  EXPECT_EQ(*v->VerifiedConfig("rotate-days"), std::optional<std::string>("60"));
}

// H2-7b: an old backup's keyring plus the old passphrase opens nothing
// written after the re-key (with a plain passwd it opens everything).
TEST_F(VaultRekeyTest, OldBackupKeyringOpensNothingAfterRekey_H2_7b) {
  const Wrap old_wrap = ReadWrap();
  {
    auto v = OpenUnlocked();
    ASSERT_TRUE(v->Rekey(Secret(kNewPassphrase), std::nullopt).ok());
    ASSERT_TRUE(v->AddKey(Key(kB, "bob", "web", "BobSecretBobSecretBobSecret123")).ok());
  }
  PutBackWrap(old_wrap);
  auto v = OpenWith(testing::kPassphrase);  // the old wrap still unwraps the old key
  ASSERT_NE(v, nullptr);
  for (const char* akid : {kA, kB}) {
    auto key = v->FindKey(akid);
    ASSERT_TRUE(key.ok() && key->has_value());
    EXPECT_EQ(v->OpenKeyRecord(**key).status().code(), Code::kTampered) << akid;
    EXPECT_FALSE(v->RevealKey(akid, "show").ok()) << akid;
  }
}

// H2-7c: a writer that unlocked before the re-key loses with kConflict and
// changes nothing.
TEST_F(VaultRekeyTest, WriterUnlockedBeforeTheRekeyConflicts_H2_7c) {
  auto early = OpenUnlocked();
  {
    auto v = OpenUnlocked();
    ASSERT_TRUE(v->Rekey(Secret(kNewPassphrase), std::nullopt).ok());
  }
  EXPECT_EQ(early->AddKey(Key(kB, "bob", "web")).code(), Code::kConflict);
  EXPECT_EQ(early->ChangePassphrase(Secret("yet another passphrase"), std::nullopt).code(), Code::kConflict);
  auto v = OpenWith(kNewPassphrase);
  ASSERT_NE(v, nullptr);
  EXPECT_FALSE(*v->FindKey(kB));
  EXPECT_TRUE(v->Check()->problems.empty());
}

// H2-7d: a row put back behind akvault's back is never sealed into the new key.
TEST_F(VaultRekeyTest, RekeyRefusesRowsThatAreNotTheCurrentState_H2_7d) {
  const std::string saved = dir_.File("saved.db");
  testing::WriteText(saved, "", 0600);  // akvault's connections never create a file, an attached one neither
  {
    auto db = Database::Open(path_, Database::Mode::kReadWrite);
    ASSERT_TRUE((*db)->Exec("ATTACH DATABASE '" + saved + "' AS s; CREATE TABLE s.k AS SELECT * FROM keys").ok());
  }
  ASSERT_TRUE(OpenUnlocked()->RemoveKey(kA).ok());
  {
    auto db = Database::Open(path_, Database::Mode::kReadWrite);
    ASSERT_TRUE((*db)->Exec("ATTACH DATABASE '" + saved + "' AS s; INSERT INTO keys SELECT * FROM s.k").ok());
  }
  auto v = OpenUnlocked();
  EXPECT_EQ(v->Rekey(Secret(kNewPassphrase), std::nullopt).status().code(), Code::kTampered);
  EXPECT_NE(OpenWith(testing::kPassphrase), nullptr) << "a refused re-key changed the passphrase";
}

}  // namespace
}  // namespace akv

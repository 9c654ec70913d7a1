// UnlockCache over the fake keyring: what is stored where, what makes a
// cached unlock usable, and every way it is refused.
#include "vault/session/unlock_cache.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "tests/support/test_support.h"
#include "tests/unit/session/fake_session_keyring.h"
#include "vault/clock.h"
#include "vault/crypto/init.h"
#include "vault/crypto/random.h"

namespace akv {
namespace {

using testing::FakeSessionKeyring;
using testing::TempDir;

constexpr std::int64_t kNow = 1'800'000'000;

class UnlockCacheTest : public ::testing::Test {
 protected:
  UnlockCacheTest() : clock_(kNow), rng_(7), keyring_(clock_) {
    EXPECT_TRUE(InitCrypto().ok());
    runtime_ = dir_.File("run");
    ::mkdir(runtime_.c_str(), 0700);
    ::chmod(runtime_.c_str(), 0700);
    binding_.vault_id = Bytes(16, 0xA5);
    binding_.keyring_digest.fill(0x11);
    vault_key_ = SecretBuffer(32);
    for (std::size_t i = 0; i < 32; ++i) vault_key_.data()[i] = static_cast<std::uint8_t>(0xC0 + i);
  }
  UnlockCache Cache() { return UnlockCache(keyring_, clock_, rng_, UnlockCacheConfig{runtime_, ::geteuid()}); }
  std::vector<std::string> Files() {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(runtime_)) out.push_back(e.path());
    return out;
  }
  std::string Blob() {
    for (const auto& f : Files()) {
      if (f.size() > 7 && f.substr(f.size() - 7) == ".unlock") return f;
    }
    return "";
  }

  TempDir dir_;
  std::string runtime_;
  FixedClock clock_;
  SeededRng rng_;
  FakeSessionKeyring keyring_;
  UnlockBinding binding_;
  SecretBuffer vault_key_;
};

TEST_F(UnlockCacheTest, StoredUnlockLoadsBackTheVaultKey) {
  UnlockCache cache = Cache();
  auto expires = cache.Store(binding_, vault_key_, 900);
  ASSERT_TRUE(expires.ok()) << expires.status().ToString();
  EXPECT_EQ(*expires, kNow + 900);
  CacheLookup found = cache.Load(binding_);
  ASSERT_TRUE(found.unlock.has_value()) << found.note;
  EXPECT_TRUE(found.unlock->vault_key.Equals(vault_key_.span()));
  EXPECT_EQ(found.unlock->expires_at, kNow + 900);
  EXPECT_EQ(found.note, "");
}

TEST_F(UnlockCacheTest, FilesAreOwnerOnlyAndHoldNoKeyInClear) {
  UnlockCache cache = Cache();
  ASSERT_TRUE(cache.Store(binding_, vault_key_, 900).ok());
  EXPECT_EQ(testing::ModeOf(runtime_ + "/akvault"), 0700u);
  ASSERT_FALSE(Blob().empty());
  for (const auto& f : Files()) {
    if (std::filesystem::is_directory(f)) continue;
    EXPECT_EQ(testing::ModeOf(f), 0600u) << f;
    EXPECT_FALSE(testing::FileContains(f, vault_key_.span())) << f;
    // Nor the wrapping key: the file alone must be useless.
    const SecretBuffer* w = keyring_.Peek("akvault:unlock:v1:a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5");
    ASSERT_NE(w, nullptr);
    EXPECT_FALSE(testing::FileContains(f, w->span())) << f;
  }
}

TEST_F(UnlockCacheTest, ExpiresByTheClockEvenIfTheKeyringKeyLives) {
  UnlockCache cache = Cache();
  ASSERT_TRUE(cache.Store(binding_, vault_key_, 60).ok());
  clock_.Set(kNow + 59);
  EXPECT_TRUE(cache.Load(binding_).unlock.has_value());
  clock_.Set(kNow + 60);
  CacheLookup found = cache.Load(binding_);
  EXPECT_FALSE(found.unlock.has_value());
  EXPECT_EQ(found.note, "");  // simply expired: nothing to explain
  EXPECT_EQ(Blob(), "") << "the expired blob is removed";
}

TEST_F(UnlockCacheTest, AClockSetBackBeforeTheUnlockIsNotTrusted) {
  UnlockCache cache = Cache();
  ASSERT_TRUE(cache.Store(binding_, vault_key_, 600).ok());
  clock_.Set(kNow - 10);
  EXPECT_FALSE(cache.Load(binding_).unlock.has_value());
}

TEST_F(UnlockCacheTest, AChangedKeyringMakesItStaleAndRemovesBothHalves) {
  UnlockCache cache = Cache();
  ASSERT_TRUE(cache.Store(binding_, vault_key_, 900).ok());
  UnlockBinding after_passwd = binding_;
  after_passwd.keyring_digest[0] ^= 1;
  CacheLookup found = cache.Load(after_passwd);
  EXPECT_FALSE(found.unlock.has_value());
  EXPECT_NE(found.note.find("no longer matches the vault"), std::string::npos) << found.note;
  EXPECT_EQ(keyring_.size(), 0u);
  EXPECT_EQ(Blob(), "");
  // And the original binding finds nothing either now.
  EXPECT_FALSE(cache.Load(binding_).unlock.has_value());
}

TEST_F(UnlockCacheTest, AnotherVaultIdFindsNothing) {
  UnlockCache cache = Cache();
  ASSERT_TRUE(cache.Store(binding_, vault_key_, 900).ok());
  UnlockBinding other = binding_;
  other.vault_id[15] ^= 1;
  CacheLookup found = cache.Load(other);
  EXPECT_FALSE(found.unlock.has_value());
  EXPECT_EQ(found.note, "");
  EXPECT_TRUE(cache.Load(binding_).unlock.has_value());
}

TEST_F(UnlockCacheTest, AnotherUidIsRefusedEvenWithBothHalves) {
  UnlockCache cache = Cache();
  ASSERT_TRUE(cache.Store(binding_, vault_key_, 900).ok());
  // Same keyring (possession, as after `sudo -u`), same files, another uid
  // in the associated data: the runtime folder check refuses first ...
  UnlockCache other(keyring_, clock_, rng_, UnlockCacheConfig{runtime_, ::geteuid() + 1});
  EXPECT_EQ(other.CheckSafe().code(), Code::kNoSession);
  EXPECT_FALSE(other.Load(binding_).unlock.has_value());
}

TEST_F(UnlockCacheTest, AlteredBlobIsRefusedAndRemoved) {
  UnlockCache cache = Cache();
  ASSERT_TRUE(cache.Store(binding_, vault_key_, 900).ok());
  const std::string blob = Blob();
  for (std::size_t offset : {9u, 17u, 30u, 70u}) {  // created, expires, nonce, ciphertext
    ASSERT_TRUE(cache.Store(binding_, vault_key_, 900).ok());
    std::string bytes = testing::ReadAll(blob);
    bytes[offset] ^= 0x01;
    ::unlink(blob.c_str());
    testing::WriteText(blob, bytes, 0600);
    CacheLookup found = cache.Load(binding_);
    EXPECT_FALSE(found.unlock.has_value()) << offset;
    EXPECT_NE(found.note, "") << offset;
    EXPECT_EQ(keyring_.size(), 0u) << offset;
  }
}

TEST_F(UnlockCacheTest, LooseOrMissingBlobIsRefused) {
  UnlockCache cache = Cache();
  ASSERT_TRUE(cache.Store(binding_, vault_key_, 900).ok());
  ::chmod(Blob().c_str(), 0644);
  CacheLookup found = cache.Load(binding_);
  EXPECT_FALSE(found.unlock.has_value());
  EXPECT_NE(found.note.find("not owner-only"), std::string::npos) << found.note;

  ASSERT_TRUE(cache.Store(binding_, vault_key_, 900).ok());
  ::unlink(Blob().c_str());
  found = cache.Load(binding_);
  EXPECT_FALSE(found.unlock.has_value());
  EXPECT_NE(found.note.find("lost its file"), std::string::npos) << found.note;
  EXPECT_EQ(keyring_.size(), 0u);
}

TEST_F(UnlockCacheTest, SymlinkedBlobIsNotFollowed) {
  UnlockCache cache = Cache();
  ASSERT_TRUE(cache.Store(binding_, vault_key_, 900).ok());
  const std::string blob = Blob();
  const std::string real = dir_.File("elsewhere");
  ASSERT_EQ(::rename(blob.c_str(), real.c_str()), 0);
  ASSERT_EQ(::symlink(real.c_str(), blob.c_str()), 0);
  EXPECT_FALSE(cache.Load(binding_).unlock.has_value());
}

TEST_F(UnlockCacheTest, SharedSessionKeyringIsRefused) {
  keyring_.description = "_uid_ses.1000";
  UnlockCache cache = Cache();
  Status safe = cache.CheckSafe();
  EXPECT_EQ(safe.code(), Code::kNoSession);
  EXPECT_NE(safe.message().find("_uid_ses.1000"), std::string::npos) << safe.message();
  EXPECT_NE(safe.hint().find("keyctl session -"), std::string::npos) << safe.hint();
  auto stored = cache.Store(binding_, vault_key_, 900);
  EXPECT_EQ(stored.status().code(), Code::kNoSession);
  EXPECT_EQ(keyring_.size(), 0u);
  EXPECT_FALSE(std::filesystem::exists(runtime_ + "/akvault"));
}

TEST_F(UnlockCacheTest, BlockedKeyringIsRefused) {
  keyring_.blocked = true;
  UnlockCache cache = Cache();
  EXPECT_EQ(cache.CheckSafe().code(), Code::kNoSession);
  EXPECT_EQ(cache.Store(binding_, vault_key_, 900).status().code(), Code::kNoSession);
  EXPECT_FALSE(cache.Load(binding_).unlock.has_value());
  EXPECT_TRUE(cache.Drop(binding_.vault_id).ok());
}

TEST_F(UnlockCacheTest, RuntimeDirMustBeSetAbsoluteAndOwnerOnly) {
  for (const std::string& dir : {std::string(), std::string("relative/run")}) {
    UnlockCache cache(keyring_, clock_, rng_, UnlockCacheConfig{dir, ::geteuid()});
    EXPECT_EQ(cache.CheckSafe().code(), Code::kNoSession) << dir;
    EXPECT_EQ(cache.Store(binding_, vault_key_, 900).status().code(), Code::kNoSession) << dir;
  }
  ::chmod(runtime_.c_str(), 0750);
  EXPECT_EQ(Cache().CheckSafe().code(), Code::kNoSession);
  ::chmod(runtime_.c_str(), 0700);
  EXPECT_TRUE(Cache().CheckSafe().ok());
  const std::string link = dir_.File("runlink");
  ASSERT_EQ(::symlink(runtime_.c_str(), link.c_str()), 0);
  UnlockCache through_link(keyring_, clock_, rng_, UnlockCacheConfig{link, ::geteuid()});
  EXPECT_EQ(through_link.CheckSafe().code(), Code::kNoSession);
}

TEST_F(UnlockCacheTest, LifetimeBounds) {
  UnlockCache cache = Cache();
  EXPECT_EQ(cache.Store(binding_, vault_key_, 0).status().code(), Code::kUsage);
  EXPECT_EQ(cache.Store(binding_, vault_key_, kMaxUnlockSeconds + 1).status().code(), Code::kUsage);
  EXPECT_TRUE(cache.Store(binding_, vault_key_, kMaxUnlockSeconds).ok());
}

TEST_F(UnlockCacheTest, DropRemovesBothHalves) {
  UnlockCache cache = Cache();
  ASSERT_TRUE(cache.Store(binding_, vault_key_, 900).ok());
  auto dropped = cache.Drop(binding_.vault_id);
  ASSERT_TRUE(dropped.ok());
  EXPECT_TRUE(*dropped);
  EXPECT_EQ(keyring_.size(), 0u);
  EXPECT_EQ(Blob(), "");
  dropped = cache.Drop(binding_.vault_id);
  ASSERT_TRUE(dropped.ok());
  EXPECT_FALSE(*dropped);
}

TEST_F(UnlockCacheTest, DropAllForgetsEveryVaultOfThisSession) {
  UnlockCache cache = Cache();
  UnlockBinding second = binding_;
  second.vault_id = Bytes(16, 0x5A);
  ASSERT_TRUE(cache.Store(binding_, vault_key_, 900).ok());
  ASSERT_TRUE(cache.Store(second, vault_key_, 900).ok());
  auto count = cache.DropAll();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 2);
  EXPECT_EQ(keyring_.size(), 0u);
  EXPECT_EQ(Blob(), "");
}

TEST_F(UnlockCacheTest, AnotherSessionOfTheSameUserFindsNothing) {
  UnlockCache cache = Cache();
  ASSERT_TRUE(cache.Store(binding_, vault_key_, 900).ok());
  FakeSessionKeyring other_session(clock_, /*serial=*/777);
  UnlockCache other(other_session, clock_, rng_, UnlockCacheConfig{runtime_, ::geteuid()});
  EXPECT_FALSE(other.Load(binding_).unlock.has_value());
  // Its own unlock does not disturb the first session's.
  ASSERT_TRUE(other.Store(binding_, vault_key_, 900).ok());
  EXPECT_TRUE(cache.Load(binding_).unlock.has_value());
}

}  // namespace
}  // namespace akv

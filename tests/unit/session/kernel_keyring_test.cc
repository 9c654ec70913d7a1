// The real kernel session keyring (libkeyutils). ctest runs this binary
// under `keyctl session -`, and every test joins a fresh anonymous session
// keyring of its own first, so nothing leaks between tests or into the
// caller's keyrings.
#include <gtest/gtest.h>
#include <keyutils.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <thread>

#include "tests/support/test_support.h"
#include "vault/clock.h"
#include "vault/crypto/init.h"
#include "vault/crypto/random.h"
#include "vault/session/session_keyring.h"
#include "vault/session/unlock_cache.h"

namespace akv {
namespace {

// Runs `body` in a child process and returns its exit status (a child may
// join other session keyrings without changing the test's own).
int InChild(const std::function<int()>& body) {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

std::optional<std::string> Describe(key_serial_t id) {
  char* raw = nullptr;
  if (::keyctl_describe_alloc(id, &raw) < 0) return std::nullopt;
  std::string text(raw);
  std::free(raw);
  return text;
}

key_serial_t FindDirect(const std::string& name) {
  return ::keyctl_search(KEY_SPEC_SESSION_KEYRING, "user", name.c_str(), 0);
}

class KernelKeyringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    if (::keyctl_join_session_keyring(nullptr) < 0) {
      GTEST_SKIP() << "the kernel keyring is not available here (" << std::strerror(errno) << ")";
    }
    keyring_ = NewKernelSessionKeyring();
  }
  std::unique_ptr<SessionKeyring> keyring_;
};

TEST_F(KernelKeyringTest, AFreshSessionIsPrivate) {
  auto info = keyring_->Describe();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->description, "_ses");
  EXPECT_GT(info->serial, 0);
}

TEST_F(KernelKeyringTest, PutGetRemoveWithPossessorOnlyPermissions) {
  SecretBuffer w = testing::Secret("0123456789abcdef0123456789abcdef");
  ASSERT_TRUE(keyring_->Put("akvault:test:a", w, 600).ok());
  auto got = keyring_->Get("akvault:test:a", 32);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  EXPECT_TRUE((*got)->Equals(w.span()));
  // "user;UID;GID;2b000000;name": nothing for the user, group or others.
  const key_serial_t id = FindDirect("akvault:test:a");
  ASSERT_GT(id, 0);
  auto text = Describe(id);
  ASSERT_TRUE(text.has_value());
  EXPECT_NE(text->find(";2b000000;akvault:test:a"), std::string::npos) << *text;

  auto names = keyring_->Names("akvault:test:");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, std::vector<std::string>{"akvault:test:a"});
  // Put again replaces (the key has no write permission to update in place).
  SecretBuffer w2 = testing::Secret("ffffffffffffffffffffffffffffffff");
  ASSERT_TRUE(keyring_->Put("akvault:test:a", w2, 600).ok());
  got = keyring_->Get("akvault:test:a", 32);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_TRUE((*got)->Equals(w2.span()));

  auto removed = keyring_->Remove("akvault:test:a");
  ASSERT_TRUE(removed.ok());
  EXPECT_TRUE(*removed);
  got = keyring_->Get("akvault:test:a", 32);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
  removed = keyring_->Remove("akvault:test:a");
  ASSERT_TRUE(removed.ok());
  EXPECT_FALSE(*removed);
}

TEST_F(KernelKeyringTest, TheKernelTimeoutEndsIt) {
  ASSERT_TRUE(keyring_->Put("akvault:test:t", testing::Secret("w"), 1).ok());
  auto got = keyring_->Get("akvault:test:t", 32);
  ASSERT_TRUE(got.ok() && got->has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  got = keyring_->Get("akvault:test:t", 32);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_FALSE(got->has_value());
}

TEST_F(KernelKeyringTest, AnotherSessionOfTheSameUserCannotReadIt) {
  ASSERT_TRUE(keyring_->Put("akvault:test:s", testing::Secret("the wrapping key"), 600).ok());
  const key_serial_t id = FindDirect("akvault:test:s");
  ASSERT_GT(id, 0);
  // A child still in this session possesses it ...
  EXPECT_EQ(InChild([&] {
              auto got = NewKernelSessionKeyring()->Get("akvault:test:s", 32);
              return got.ok() && got->has_value() ? 0 : 1;
            }),
            0);
  // ... a child in a session of its own does not, by name or by serial.
  EXPECT_EQ(InChild([&] {
              if (::keyctl_join_session_keyring(nullptr) < 0) return 2;
              auto got = NewKernelSessionKeyring()->Get("akvault:test:s", 32);
              if (!got.ok() || got->has_value()) return 3;
              char buf[64];
              if (::keyctl_read(id, buf, sizeof buf) >= 0) return 4;
              return errno == EACCES ? 0 : 5;
            }),
            0);
}

TEST_F(KernelKeyringTest, KeysWithLooserPermissionsOrInNestedKeyringsAreIgnored) {
  // Planted directly in the session with the default permissions (user view).
  const key_serial_t loose = ::add_key("user", "akvault:test:loose", "x", 1, KEY_SPEC_SESSION_KEYRING);
  ASSERT_GT(loose, 0);
  ASSERT_EQ(::keyctl_setperm(loose, 0x3f3f0000), 0);
  auto got = keyring_->Get("akvault:test:loose", 32);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
  // In a keyring linked into the session (as pam_keyinit links the user
  // keyring): reached by a search, but not a direct child.
  const key_serial_t nested = ::add_key("keyring", "nested", nullptr, 0, KEY_SPEC_SESSION_KEYRING);
  ASSERT_GT(nested, 0);
  const key_serial_t inner = ::add_key("user", "akvault:test:inner", "y", 1, nested);
  ASSERT_GT(inner, 0);
  ASSERT_EQ(::keyctl_setperm(inner, kPossessorOnlyPerm), 0);
  got = keyring_->Get("akvault:test:inner", 32);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
}

TEST_F(KernelKeyringTest, TheSharedUserSessionKeyringIsRefused) {
  testing::TempDir dir;
  const std::string run = dir.File("run");
  ASSERT_EQ(::mkdir(run.c_str(), 0700), 0);
  ASSERT_EQ(::chmod(run.c_str(), 0700), 0);
  const int result = InChild([&] {
    const std::string shared = "_uid_ses." + std::to_string(::geteuid());
    if (::keyctl_join_session_keyring(shared.c_str()) < 0) return 2;
    auto keyring = NewKernelSessionKeyring();
    SystemClock clock;
    SystemRng rng;
    UnlockCache cache(*keyring, clock, rng, UnlockCacheConfig{run, ::geteuid()});
    return cache.CheckSafe().code() == Code::kNoSession ? 0 : 1;
  });
  if (result == 2) GTEST_SKIP() << "cannot join the user-session keyring by name here";
  EXPECT_EQ(result, 0);
}

TEST_F(KernelKeyringTest, TheWholeCacheOverTheRealKeyring) {
  testing::TempDir dir;
  const std::string run = dir.File("run");
  ASSERT_EQ(::mkdir(run.c_str(), 0700), 0);
  ASSERT_EQ(::chmod(run.c_str(), 0700), 0);
  SystemClock clock;
  SystemRng rng;
  UnlockCache cache(*keyring_, clock, rng, UnlockCacheConfig{run, ::geteuid()});
  ASSERT_TRUE(cache.CheckSafe().ok()) << cache.CheckSafe().ToString();
  UnlockBinding binding{Bytes(16, 0x42), {}};
  SecretBuffer vault_key(32);
  rng.Fill(vault_key.span());
  ASSERT_TRUE(cache.Store(binding, vault_key, 600).ok());
  CacheLookup found = cache.Load(binding);
  ASSERT_TRUE(found.unlock.has_value()) << found.note;
  EXPECT_TRUE(found.unlock->vault_key.Equals(vault_key.span()));
  // Another session of the same uid, same files: nothing.
  EXPECT_EQ(InChild([&] {
              if (::keyctl_join_session_keyring(nullptr) < 0) return 2;
              auto other_keyring = NewKernelSessionKeyring();
              UnlockCache other(*other_keyring, clock, rng, UnlockCacheConfig{run, ::geteuid()});
              return other.Load(binding).unlock.has_value() ? 1 : 0;
            }),
            0);
  auto dropped = cache.Drop(binding.vault_id);
  ASSERT_TRUE(dropped.ok() && *dropped);
  EXPECT_FALSE(cache.Load(binding).unlock.has_value());
}

}  // namespace
}  // namespace akv

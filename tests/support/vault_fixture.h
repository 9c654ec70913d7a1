// A real vault in a temporary folder (umask 000), created with the cheapest
// accepted Argon2id cost so tests stay fast, at a fixed date.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/support/test_support.h"
#include "vault/clock.h"
#include "vault/crypto/init.h"
#include "vault/crypto/random.h"
#include "vault/vault.h"

namespace akv::testing {

inline constexpr const char* kPassphrase = "correct horse battery staple";
// 2026-11-28T12:00:00Z
inline constexpr std::int64_t kTestNow = 1795867200;

class VaultFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    folder_ = dir_.File("vault");
    path_ = folder_ + "/vault.db";
    ASSERT_TRUE(Vault::Create(path_, Secret(kPassphrase), kKdfInteractive, rng_, clock_).ok());
  }
  std::unique_ptr<Vault> OpenUnlocked() {
    auto vault = Vault::Open(path_, Vault::Access::kReadWrite, rng_, clock_);
    EXPECT_TRUE(vault.ok()) << vault.status().ToString();
    if (!vault.ok()) return nullptr;
    Status unlocked = (*vault)->Unlock(Secret(kPassphrase));
    EXPECT_TRUE(unlocked.ok()) << unlocked.ToString();
    return std::move(vault).value();
  }
  static NewKey Key(const std::string& akid, const std::string& owner, const std::string& app,
                    const std::string& secret = "SecretSecretSecretSecret123456") {
    NewKey k;
    k.meta.akid = akid;
    k.meta.owner = owner;
    if (!app.empty()) k.meta.app = app;
    k.meta.created = *Date::Parse("2026-10-01");
    k.meta.rotate_days = 90;
    k.secret = Secret(secret);
    return k;
  }

  TempDir dir_;
  SystemRng rng_;
  FixedClock clock_{kTestNow};
  std::string folder_;
  std::string path_;
};

}  // namespace akv::testing

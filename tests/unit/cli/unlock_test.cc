// `akvault unlock` in-process, over a fake session keyring: after one
// unlock, every command that needs the vault key gets it with no passphrase
// and no Argon2id; `lock`, the timeout and `passwd` end that.
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/app.h"
#include "tests/support/fake_io.h"
#include "tests/support/test_support.h"
#include "tests/unit/session/fake_session_keyring.h"
#include "vault/crypto/init.h"
#include "vault/crypto/kdf.h"

namespace akv {
namespace {

using testing::FakeIo;
using testing::FakeSessionKeyring;
using testing::TempDir;
using testing::WriteText;

constexpr std::int64_t kNow = 1795867200;  // 2026-11-28T12:00:00Z
const std::string kId = "LTAI5tAAAAAAAAAAAAAAAAAA";
const std::string kSecret = "SecretSecretSecretSecret123456";

class UnlockCommandTest : public ::testing::Test {
 protected:
  UnlockCommandTest() : clock_(kNow), keyring_(clock_) {}
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    // As HardenProcess does in akvault: the cache is never used by a
    // dumpable process.
    ASSERT_EQ(::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), 0);
    vault_ = dir_.File("v") + "/vault.db";
    pass_ = dir_.File("pass");
    run_ = dir_.File("run");
    ASSERT_EQ(::mkdir(run_.c_str(), 0700), 0);
    ASSERT_EQ(::chmod(run_.c_str(), 0700), 0);
    WriteText(pass_, "correct horse battery staple\n", 0600);
    ASSERT_EQ(Run({"init", "--kdf", "interactive"}), 0) << err_;
    ASSERT_EQ(Run({"add", "--owner", "alice", "--id", kId}, kSecret + "\n"), 0) << err_;
  }

  int Run(std::vector<std::string> args, const std::string& stdin_text = "", bool with_passphrase = true) {
    FakeIo io;
    io.stdin_text = stdin_text;
    SystemRng rng;
    UnlockCache cache(keyring_, clock_, rng, UnlockCacheConfig{run_, ::geteuid()});
    cli::Context ctx(io, clock_, rng);
    ctx.unlock_cache = &cache;
    args.insert(args.begin(), {"--vault", vault_});
    if (with_passphrase) args.insert(args.begin(), {"--passphrase-file", pass_});
    const int status = cli::RunCli(args, ctx);
    out_ = io.out_stream.str();
    err_ = io.err_stream.str();
    return status;
  }
  // Derivations of one command run WITHOUT a passphrase file.
  std::uint64_t Derivations(std::vector<std::string> args, int expected_status = 0,
                            const std::string& stdin_text = "") {
    const std::uint64_t before = KdfDerivationCount();
    EXPECT_EQ(Run(std::move(args), stdin_text, false), expected_status) << err_;
    return KdfDerivationCount() - before;
  }

  TempDir dir_;
  FixedClock clock_;
  FakeSessionKeyring keyring_;
  std::string vault_, pass_, run_, out_, err_;
};

TEST_F(UnlockCommandTest, OneUnlockThenNoPassphraseAndNoArgon2id) {
  const std::uint64_t before = KdfDerivationCount();
  ASSERT_EQ(Run({"unlock"}), 0) << err_;
  EXPECT_EQ(KdfDerivationCount() - before, 1u);
  EXPECT_NE(out_.find("until 2026-11-28T12:15:00Z (15 minutes)"), std::string::npos) << out_;

  EXPECT_EQ(Derivations({"show", kId, "--reveal"}), 0u);
  EXPECT_NE(out_.find(kSecret), std::string::npos);
  EXPECT_EQ(Derivations({"check"}), 0u);
  EXPECT_EQ(Derivations({"config", "set", "rotate-days", "60"}), 0u);
  EXPECT_EQ(Derivations({"add", "--owner", "bob", "--id", "LTAI5tBBBBBBBBBBBBBBBBBB"}, 0, kSecret + "\n"), 0u);
  EXPECT_EQ(
      Derivations({"rotate", "LTAI5tBBBBBBBBBBBBBBBBBB", "--new-id", "LTAI5tCCCCCCCCCCCCCCCCCC"}, 0, kSecret + "\n"),
      0u);
  EXPECT_EQ(Derivations({"keygen", "--out", dir_.File("id")}), 0u);
  const std::string pub = out_.substr(0, out_.find('\n'));
  EXPECT_EQ(Derivations({"export", kId, "--out", dir_.File("r.akb"), "--recipient", pub}), 0u);
  EXPECT_EQ(Derivations({"credential-process", "--key", kId}), 0u);
  EXPECT_NE(out_.find(kSecret), std::string::npos);

  EXPECT_EQ(Run({"unlock", "--status"}, "", false), 0);
  EXPECT_NE(out_.find("Unlocked:"), std::string::npos) << out_;
}

TEST_F(UnlockCommandTest, LockAndTimeoutAskAgain) {
  ASSERT_EQ(Run({"unlock", "--timeout", "1"}), 0) << err_;
  EXPECT_EQ(Derivations({"show", kId, "--reveal"}), 0u);
  ASSERT_EQ(Run({"lock"}, "", false), 0);
  EXPECT_EQ(Run({"show", kId, "--reveal"}, "", false), ExitStatusFor(Code::kInput));

  ASSERT_EQ(Run({"unlock", "--timeout", "1"}), 0) << err_;
  clock_.Set(kNow + 59);
  EXPECT_EQ(Derivations({"show", kId, "--reveal"}), 0u);
  clock_.Set(kNow + 60);
  EXPECT_EQ(Run({"show", kId, "--reveal"}, "", false), ExitStatusFor(Code::kInput));
  EXPECT_EQ(Run({"unlock", "--status"}, "", false), 0);
  EXPECT_NE(out_.find("Locked:"), std::string::npos) << out_;
}

TEST_F(UnlockCommandTest, PasswdAlwaysAsksAndEndsTheUnlock) {
  ASSERT_EQ(Run({"unlock"}), 0) << err_;
  EXPECT_EQ(Run({"passwd"}, "", false), ExitStatusFor(Code::kInput));  // no passphrase: refused
  EXPECT_EQ(Derivations({"show", kId, "--reveal"}), 0u);               // still unlocked
  WriteText(dir_.File("new"), "a brand new passphrase\n", 0600);
  ASSERT_EQ(Run({"passwd", "--new-passphrase-file", dir_.File("new")}), 0) << err_;
  EXPECT_EQ(Run({"show", kId, "--reveal"}, "", false), ExitStatusFor(Code::kInput));
}

TEST_F(UnlockCommandTest, UnsafeSessionRefusesBeforeAskingAndCommandsStillAsk) {
  keyring_.description = "_uid_ses." + std::to_string(::geteuid());
  const std::uint64_t before = KdfDerivationCount();
  EXPECT_EQ(Run({"unlock"}), ExitStatusFor(Code::kNoSession));
  EXPECT_EQ(KdfDerivationCount() - before, 0u) << "refused before Argon2id";
  EXPECT_NE(err_.find("keyctl session -"), std::string::npos) << err_;
  EXPECT_EQ(ExitStatusFor(Code::kNoSession), 22);
  EXPECT_EQ(Run({"show", kId, "--reveal"}, "", false), ExitStatusFor(Code::kInput));
  EXPECT_EQ(Run({"show", kId, "--reveal"}), 0);
}

TEST_F(UnlockCommandTest, ADumpableProcessNeverTakesTheKeyFromTheSession) {
  ASSERT_EQ(Run({"unlock"}), 0) << err_;
  ASSERT_EQ(::prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), 0);
  const int status = Run({"show", kId, "--reveal"}, "", false);
  ASSERT_EQ(::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), 0);
  EXPECT_EQ(status, ExitStatusFor(Code::kInput));
  EXPECT_NE(err_.find("dumpable"), std::string::npos) << err_;
  EXPECT_EQ(out_.find(kSecret), std::string::npos);
  EXPECT_EQ(Derivations({"show", kId, "--reveal"}), 0u);
}

}  // namespace
}  // namespace akv

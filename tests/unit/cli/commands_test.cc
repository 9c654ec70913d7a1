// The commands run in-process (the KeePassXC model: the CLI is a static
// library the tests link). What can only be seen from inside: exactly one
// Argon2id per unlocking command, none for metadata reads.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <regex>

#include "cli/app.h"
#include "cli/commands/commands.h"
#include "tests/support/fake_io.h"
#include "tests/support/test_support.h"
#include "vault/crypto/init.h"
#include "vault/crypto/kdf.h"

namespace akv {
namespace {

using testing::FakeIo;
using testing::TempDir;
using testing::WriteText;

constexpr std::int64_t kNow = 1795867200;  // 2026-11-28T12:00:00Z

class CommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    vault_ = dir_.File("v") + "/vault.db";
    pass_ = dir_.File("pass");
    WriteText(pass_, "correct horse battery staple\n", 0600);
    ASSERT_EQ(Run({"init", "--kdf", "interactive"}), 0) << err_;
  }

  // Runs one command; returns its exit status. Remembers stdout/stderr.
  int Run(std::vector<std::string> args, const std::string& stdin_text = "", bool with_passphrase = true) {
    FakeIo io;
    io.stdin_text = stdin_text;
    FixedClock clock(kNow);
    SystemRng rng;
    cli::Context ctx(io, clock, rng);
    args.insert(args.begin(), {"--vault", vault_});
    if (with_passphrase) args.insert(args.begin(), {"--passphrase-file", pass_});
    const int status = cli::RunCli(args, ctx);
    out_ = io.out_stream.str();
    err_ = io.err_stream.str();
    return status;
  }
  // Argon2id derivations made by one command.
  std::uint64_t Derivations(std::vector<std::string> args, const std::string& stdin_text = "",
                            bool with_passphrase = true, int expected_status = 0) {
    const std::uint64_t before = KdfDerivationCount();
    EXPECT_EQ(Run(std::move(args), stdin_text, with_passphrase), expected_status) << err_;
    return KdfDerivationCount() - before;
  }

  TempDir dir_;
  std::string vault_, pass_, out_, err_;
};

TEST_F(CommandsTest, ExactlyOneDerivationPerUnlockingCommandAndNoneForMetadata) {
  const std::string id = "LTAI5tAAAAAAAAAAAAAAAAAA";
  EXPECT_EQ(Derivations({"add", "--owner", "alice", "--app", "billing", "--id", id}, "SecretSecretSecretSecret123456\n"), 1u);
  EXPECT_EQ(Derivations({"list"}, "", false), 0u);
  EXPECT_EQ(Derivations({"list", "--json"}, "", false), 0u);
  EXPECT_EQ(Derivations({"due", "--within", "365"}, "", false, 13), 0u);
  EXPECT_EQ(Derivations({"log"}, "", false), 0u);
  EXPECT_EQ(Derivations({"show", id}, "", false), 0u);
  EXPECT_EQ(Derivations({"lint"}, "", false), 0u);
  EXPECT_EQ(Derivations({"config", "list"}, "", false), 0u);
  EXPECT_EQ(Derivations({"show", id, "--reveal"}), 1u);
  EXPECT_EQ(Derivations({"check"}), 1u);
  EXPECT_EQ(Derivations({"config", "set", "rotate-days", "60"}), 1u);
  EXPECT_EQ(Derivations({"keygen", "--out", dir_.File("id")}, "", false), 0u);
  const std::string pub = out_.substr(0, out_.find('\n'));
  EXPECT_EQ(Derivations({"export", id, "--out", dir_.File("r.akb"), "--recipient", pub}), 1u);
  EXPECT_EQ(Derivations({"open", dir_.File("r.akb"), "--identity", dir_.File("id")}, "", false), 0u);
  // Password bundles: one derivation to unlock the vault, one for the bundle.
  EXPECT_EQ(Derivations({"export", id, "--out", dir_.File("p.akb"), "--password-file", dir_.File("p.pw")}), 2u);
  EXPECT_EQ(Derivations({"open", dir_.File("p.akb"), "--password-file", dir_.File("p.pw")}, "", false), 1u);
  EXPECT_EQ(Derivations({"rotate", id, "--new-id", "LTAI5tBBBBBBBBBBBBBBBBBB"}, "NewSecretNewSecretNewSecret123\n"), 1u);
  EXPECT_EQ(Derivations({"retire", id}), 1u);
  EXPECT_EQ(Derivations({"remove", "LTAI5tBBBBBBBBBBBBBBBBBB"}), 1u);
  // passwd re-wraps: the old passphrase and the new one.
  WriteText(dir_.File("new"), "another long passphrase\n", 0600);
  EXPECT_EQ(Derivations({"passwd", "--new-passphrase-file", dir_.File("new")}), 2u);
}

TEST_F(CommandsTest, ErrorsAreOneLineWithAHint) {
  EXPECT_EQ(Run({"show", "LTAI5tNOPEXXXXXXXXXXXXXX"}, "", false), 5 + 1);  // E_NOTFOUND
  EXPECT_EQ(std::count(err_.begin(), err_.end(), '\n'), 1) << err_;
  EXPECT_TRUE(std::regex_search(err_, std::regex("^akvault: error: no AccessKey LTAI5tNOPEXXXXXXXXXXXXXX in the vault; ")))
      << err_;
}

TEST_F(CommandsTest, SecretsNeverReachStdoutOrStderrUnlessRevealed) {
  const std::string secret = "UniqueSecretValueUniqueSecret9";
  ASSERT_EQ(Run({"add", "--owner", "alice", "--id", "LTAI5tAAAAAAAAAAAAAAAAAA"}, secret + "\n"), 0) << err_;
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"list"}, {"list", "--json"}, {"show", "LTAI5tAAAAAAAAAAAAAAAAAA"}, {"log"}, {"log", "--json"}, {"check"},
           {"due", "--within", "1000"}, {"lint"}}) {
    Run(args);
    EXPECT_EQ(out_.find(secret), std::string::npos) << args[0];
    EXPECT_EQ(err_.find(secret), std::string::npos) << args[0];
  }
  ASSERT_EQ(Run({"show", "LTAI5tAAAAAAAAAAAAAAAAAA", "--reveal", "--json"}), 0);
  EXPECT_NE(out_.find("\"secret\":\"" + secret + "\""), std::string::npos) << out_;
}

TEST_F(CommandsTest, ExecNeedsACommand) {
  EXPECT_EQ(Run({"exec", "--key", "LTAI5tAAAAAAAAAAAAAAAAAA"}), 2);
  EXPECT_EQ(Run({"list", "--", "echo"}, "", false), 2);
}

TEST_F(CommandsTest, HelpEndsWithTheExitStatusTable) {
  ASSERT_EQ(Run({"--help"}, "", false), 0);
  for (const CodeInfo& info : AllCodes()) EXPECT_NE(out_.find(info.name), std::string::npos) << info.name;
}

// The start-up shortcut (cli/app.cc) registers one command only when that
// cannot change what CLI11 sees. Every registered command must be known to
// it under its registered name, or that command silently loses the shortcut.
TEST(SoleCommandTest, KnowsEveryRegisteredCommand) {
  CLI::App app;
  cli::CommandTable table;
  cli::RegisterCommands(app, table);
  ASSERT_GE(table.size(), 19u);
  for (const cli::Command& command : table) {
    const std::string name = command.app->get_name();
    EXPECT_EQ(cli::SoleCommandName({name}), name);
    EXPECT_EQ(cli::SoleCommandName({"--json", "--vault", "/tmp/v.db", name, "--owner", "x"}), name);
  }
}

TEST(SoleCommandTest, FallsBackToEveryCommandWheneverTheLineIsAmbiguous) {
  EXPECT_EQ(cli::SoleCommandName({}), "");
  EXPECT_EQ(cli::SoleCommandName({"--help"}), "");
  EXPECT_EQ(cli::SoleCommandName({"list", "--help"}), "");
  EXPECT_EQ(cli::SoleCommandName({"-h", "list"}), "");
  EXPECT_EQ(cli::SoleCommandName({"--version"}), "");
  EXPECT_EQ(cli::SoleCommandName({"frobnicate"}), "");             // unknown: CLI11 words the error
  EXPECT_EQ(cli::SoleCommandName({"show", "list"}), "");           // a second command name
  EXPECT_EQ(cli::SoleCommandName({"list", "--owner", "init"}), "");  // an option value that names a command
  EXPECT_EQ(cli::SoleCommandName({"--vault", "open", "list"}), "");  // a global option's value that does
  EXPECT_EQ(cli::SoleCommandName({"--vault", "v.db", "--passphrase-file", "p", "open", "b.akb"}), "open");
  EXPECT_EQ(cli::SoleCommandName({"--vault=v.db", "due", "--within", "14"}), "due");
}

}  // namespace
}  // namespace akv

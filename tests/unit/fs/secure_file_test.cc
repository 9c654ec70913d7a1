// The filesystem edge, in a real temporary folder under umask 000.
#include "vault/fs/secure_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/test_support.h"
#include "vault/crypto/init.h"

namespace akv {
namespace {

using testing::ModeOf;
using testing::ReadAll;
using testing::TempDir;
using testing::WriteText;

class SecureFileTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
  TempDir dir_;
};

// C1: whatever the umask, written files are 0600.
TEST_F(SecureFileTest, WritesOwnerOnlyUnderUmaskZero) {
  const std::string path = dir_.File("creds");
  ASSERT_TRUE(WriteFileAtomic(path, AsBytes("hello"), {}).ok());
  EXPECT_EQ(ModeOf(path), 0600);
  EXPECT_EQ(ReadAll(path), "hello");
}

// C7: an existing file is never replaced without `replace`.
TEST_F(SecureFileTest, RefusesToReplaceWithoutPermission) {
  const std::string path = dir_.File("creds");
  WriteText(path, "old", 0600);
  EXPECT_EQ(WriteFileAtomic(path, AsBytes("new"), {}).code(), Code::kConflict);
  EXPECT_EQ(ReadAll(path), "old");
  WriteOptions replace;
  replace.replace = true;
  ASSERT_TRUE(WriteFileAtomic(path, AsBytes("new"), replace).ok());
  EXPECT_EQ(ReadAll(path), "new");
}

// C5: never through a symlink, dangling or not; the target is unchanged.
TEST_F(SecureFileTest, RefusesSymlinkDestination) {
  const std::string target = dir_.File("target");
  WriteText(target, "attacker-readable", 0644);
  const std::string link = dir_.File("link");
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  WriteOptions replace;
  replace.replace = true;
  EXPECT_EQ(WriteFileAtomic(link, AsBytes("secret"), replace).code(), Code::kPermission);
  EXPECT_EQ(ReadAll(target), "attacker-readable");
  const std::string dangling = dir_.File("dangling");
  ASSERT_EQ(::symlink(dir_.File("nowhere").c_str(), dangling.c_str()), 0);
  EXPECT_FALSE(WriteFileAtomic(dangling, AsBytes("secret"), {}).ok());
  EXPECT_FALSE(PathExists(dir_.File("nowhere")));
}

// C6: the folder itself may not be a symlink.
TEST_F(SecureFileTest, RefusesSymlinkedFolder) {
  ASSERT_EQ(::mkdir(dir_.File("real").c_str(), 0700), 0);
  ASSERT_EQ(::symlink(dir_.File("real").c_str(), dir_.File("alias").c_str()), 0);
  EXPECT_EQ(WriteFileAtomic(dir_.File("alias") + "/creds", AsBytes("x"), {}).code(), Code::kPermission);
  EXPECT_FALSE(PathExists(dir_.File("real") + "/creds"));
}

// C8: replacing a file with a second hard link leaves the other link's content.
TEST_F(SecureFileTest, ReplaceDoesNotWriteThroughHardLinks) {
  const std::string path = dir_.File("creds");
  WriteText(path, "old", 0600);
  ASSERT_EQ(::link(path.c_str(), dir_.File("other").c_str()), 0);
  WriteOptions replace;
  replace.replace = true;
  ASSERT_TRUE(WriteFileAtomic(path, AsBytes("new"), replace).ok());
  EXPECT_EQ(ReadAll(path), "new");
  EXPECT_EQ(ReadAll(dir_.File("other")), "old");
}

// C9: a pending file that is never published leaves nothing behind.
TEST_F(SecureFileTest, UnpublishedTemporaryIsRemoved) {
  {
    auto pending = PendingFile::Prepare(dir_.File("bundle"), AsBytes("data"), {});
    ASSERT_TRUE(pending.ok());
  }
  EXPECT_FALSE(PathExists(dir_.File("bundle")));
  int entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 0);
}

// C9: a destination created between Prepare and Publish is not clobbered.
TEST_F(SecureFileTest, PublishWithoutReplaceNeverClobbersARacer) {
  auto pending = PendingFile::Prepare(dir_.File("out"), AsBytes("ours"), {});
  ASSERT_TRUE(pending.ok());
  WriteText(dir_.File("out"), "theirs", 0600);
  EXPECT_EQ(pending->Publish().code(), Code::kConflict);
  EXPECT_EQ(ReadAll(dir_.File("out")), "theirs");
}

// F3: first line, one newline stripped; empty or over 1 KiB refused.
TEST_F(SecureFileTest, SecretLineRules) {
  const std::string path = dir_.File("pw");
  WriteText(path, "hunter22\r\nsecond line\n", 0600);
  auto line = ReadSecretLine(path, "--passphrase-file");
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(line->view(), "hunter22");
  WriteText(path, "no-final-newline", 0600);
  EXPECT_EQ(ReadSecretLine(path, "x")->view(), "no-final-newline");
  WriteText(path, "", 0600);
  EXPECT_EQ(ReadSecretLine(path, "x").status().code(), Code::kInput);
  WriteText(path, "\n", 0600);
  EXPECT_EQ(ReadSecretLine(path, "x").status().code(), Code::kInput);
  WriteText(path, std::string(1024, 'a') + "\n", 0600);
  EXPECT_TRUE(ReadSecretLine(path, "x").ok());
  WriteText(path, std::string(1025, 'a') + "\n", 0600);
  EXPECT_EQ(ReadSecretLine(path, "x").status().code(), Code::kInput);
  WriteText(path, std::string(1 << 20, 'a'), 0600);
  EXPECT_EQ(ReadSecretLine(path, "x").status().code(), Code::kInput);
}

// C4: loose, FIFO, folder, device: refused, and a FIFO never blocks.
TEST_F(SecureFileTest, SecretInputMustBeAPrivateRegularFile) {
  const std::string path = dir_.File("pw");
  for (mode_t loose : {0644, 0640, 0604, 0660, 0620}) {
    WriteText(path, "hunter22\n", loose);
    auto line = ReadSecretLine(path, "--passphrase-file");
    EXPECT_EQ(line.status().code(), Code::kPermission) << std::oct << loose;
    EXPECT_NE(line.status().hint().find("chmod 600 " + path), std::string::npos);
  }
  const std::string fifo = dir_.File("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(ReadSecretLine(fifo, "x").status().code(), Code::kPermission);
  EXPECT_EQ(ReadSecretLine(dir_.path(), "x").status().code(), Code::kPermission);
  EXPECT_EQ(ReadSecretLine("/dev/null", "x").status().code(), Code::kPermission);
  EXPECT_EQ(ReadSecretLine(dir_.File("missing"), "x").status().code(), Code::kNotFound);
}

// C3: a file owned by another user is refused (needs root to set up).
TEST_F(SecureFileTest, SecretInputOwnedByAnotherUserIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown";
  const std::string path = dir_.File("pw");
  WriteText(path, "hunter22\n", 0600);
  ASSERT_EQ(::chown(path.c_str(), 65534, 65534), 0);
  EXPECT_EQ(ReadSecretLine(path, "x").status().code(), Code::kPermission);
}

TEST_F(SecureFileTest, PrivateFolderAndAncestors) {
  const std::string folder = dir_.File("vault");
  ASSERT_TRUE(EnsurePrivateFolder(folder).ok());
  EXPECT_EQ(ModeOf(folder), 0700);
  ASSERT_EQ(::chmod(folder.c_str(), 0755), 0);
  auto loose = EnsurePrivateFolder(folder);
  EXPECT_EQ(loose.code(), Code::kPermission);
  EXPECT_NE(loose.hint().find("chmod 700"), std::string::npos);
  // C2: a group-writable folder above the vault (without the sticky bit).
  ASSERT_EQ(::chmod(folder.c_str(), 0700), 0);
  ASSERT_EQ(::chmod(dir_.path().c_str(), 0770), 0);
  EXPECT_EQ(CheckAncestors(folder + "/vault.db").code(), Code::kPermission);
  ASSERT_EQ(::chmod(dir_.path().c_str(), 01777), 0);  // like /tmp
  EXPECT_TRUE(CheckAncestors(folder + "/vault.db").ok());
  ASSERT_EQ(::chmod(dir_.path().c_str(), 0700), 0);
}

TEST_F(SecureFileTest, PublicFileCapIsCheckedBeforeReading) {
  const std::string path = dir_.File("big");
  WriteText(path, std::string(2048, 'x'), 0644);
  EXPECT_EQ(ReadPublicFile(path, "bundle", 1024).status().code(), Code::kFormat);
  auto ok = ReadPublicFile(path, "bundle", 4096);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->size(), 2048u);
}

}  // namespace
}  // namespace akv

// OutputLocation and the writes that go through it, in a real temporary
// folder under umask 000 (issue 9 item 3, issue 10 item 1).
#include "vault/fs/output_location.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/support/test_support.h"
#include "vault/crypto/init.h"
#include "vault/fs/secure_file.h"

namespace akv {
namespace {

using testing::ModeOf;
using testing::ReadAll;
using testing::TempDir;
using testing::WriteText;

class OutputLocationTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
  TempDir dir_;
};

// H2-3c: missing folders are created 0700 whatever the umask (000 here).
TEST_F(OutputLocationTest, CreatesMissingParentsOwnerOnly) {
  const std::string path = dir_.File("home/.alibabacloud/credentials");
  ASSERT_TRUE(CheckOutputPath(path, "--out", false).ok());
  EXPECT_FALSE(PathExists(dir_.File("home"))) << "the early check creates nothing";
  ASSERT_TRUE(WriteFileAtomic(path, AsBytes("k"), {}).ok());
  EXPECT_EQ(ModeOf(dir_.File("home")), 0700);
  EXPECT_EQ(ModeOf(dir_.File("home/.alibabacloud")), 0700);
  EXPECT_EQ(ModeOf(path), 0600);
  EXPECT_EQ(ReadAll(path), "k");
}

// H2-3c: an existing folder keeps its mode; create_parents=false refuses.
TEST_F(OutputLocationTest, LeavesExistingFoldersAndCanRefuseToCreate) {
  ASSERT_EQ(::mkdir(dir_.File("kept").c_str(), 0755), 0);
  ASSERT_TRUE(WriteFileAtomic(dir_.File("kept/f"), AsBytes("x"), {}).ok());
  EXPECT_EQ(ModeOf(dir_.File("kept")), 0755);
  WriteOptions no_create;
  no_create.create_parents = false;
  EXPECT_EQ(WriteFileAtomic(dir_.File("absent/f"), AsBytes("x"), no_create).code(), Code::kNotFound);
  EXPECT_FALSE(PathExists(dir_.File("absent")));
}

// H2-3a: a symlink anywhere in the path, not only the last folder, is refused
// (the attack: svc made `cfg` a link to a root-only folder).
TEST_F(OutputLocationTest, RefusesSymlinkInAnyComponent) {
  ASSERT_EQ(::mkdir(dir_.File("victim").c_str(), 0700), 0);
  ASSERT_EQ(::mkdir(dir_.File("victim/aliyun").c_str(), 0700), 0);
  WriteText(dir_.File("victim/aliyun/config.json"), "root's", 0600);
  ASSERT_EQ(::mkdir(dir_.File("home").c_str(), 0700), 0);
  ASSERT_EQ(::symlink(dir_.File("victim").c_str(), dir_.File("home/cfg").c_str()), 0);
  const std::string path = dir_.File("home/cfg/aliyun/config.json");
  WriteOptions force;
  force.replace = true;
  const Status early = CheckOutputPath(path, "--out", force);
  EXPECT_EQ(early.code(), Code::kPermission);
  EXPECT_NE(early.message().find("cfg is a symbolic link"), std::string::npos) << early.ToString();
  const Status write = WriteFileAtomic(path, AsBytes("attacker"), force);
  EXPECT_EQ(write.code(), Code::kPermission);
  EXPECT_EQ(ReadAll(dir_.File("victim/aliyun/config.json")), "root's");
  // Nor a link to a folder that would have to be created through.
  ASSERT_EQ(::symlink(dir_.File("nowhere").c_str(), dir_.File("home/dangling").c_str()), 0);
  EXPECT_EQ(WriteFileAtomic(dir_.File("home/dangling/x/f"), AsBytes("a"), {}).code(), Code::kPermission);
  EXPECT_FALSE(PathExists(dir_.File("nowhere")));
}

// H2-3a: ".." is resolved by name, and only below real folders.
TEST_F(OutputLocationTest, DotDotIsResolvedWithoutFollowingLinks) {
  ASSERT_EQ(::mkdir(dir_.File("a").c_str(), 0700), 0);
  ASSERT_TRUE(WriteFileAtomic(dir_.File("a/../b/./f"), AsBytes("x"), {}).ok());
  EXPECT_EQ(ReadAll(dir_.File("b/f")), "x");
  EXPECT_EQ(WriteFileAtomic(dir_.File("a/.."), AsBytes("x"), {}).code(), Code::kUsage);
  EXPECT_EQ(WriteFileAtomic(dir_.File("a/"), AsBytes("x"), {}).code(), Code::kUsage);
}

// H2-3b: a folder others can write without the sticky bit is refused, at
// any depth; with the sticky bit (like /tmp) it is accepted.
TEST_F(OutputLocationTest, RefusesSwappableFolders) {
  ASSERT_EQ(::mkdir(dir_.File("open").c_str(), 0777), 0);
  ASSERT_EQ(::chmod(dir_.File("open").c_str(), 0777), 0);
  const Status direct = CheckOutputPath(dir_.File("open/f"), "--out", false);
  EXPECT_EQ(direct.code(), Code::kPermission);
  EXPECT_NE(direct.message().find("writable by group or others (mode 0777)"), std::string::npos) << direct.ToString();
  EXPECT_NE(direct.hint().find("chmod go-w"), std::string::npos);
  EXPECT_EQ(WriteFileAtomic(dir_.File("open/f"), AsBytes("x"), {}).code(), Code::kPermission);
  EXPECT_FALSE(PathExists(dir_.File("open/f")));
  ASSERT_EQ(::mkdir(dir_.File("open/private").c_str(), 0700), 0);
  EXPECT_EQ(WriteFileAtomic(dir_.File("open/private/f"), AsBytes("x"), {}).code(), Code::kPermission);
  EXPECT_EQ(WriteFileAtomic(dir_.File("open/new/f"), AsBytes("x"), {}).code(), Code::kPermission);
  EXPECT_FALSE(PathExists(dir_.File("open/new")));
  ASSERT_EQ(::mkdir(dir_.File("group").c_str(), 0770), 0);
  ASSERT_EQ(::chmod(dir_.File("group").c_str(), 0770), 0);
  EXPECT_EQ(WriteFileAtomic(dir_.File("group/f"), AsBytes("x"), {}).code(), Code::kPermission);
  ASSERT_EQ(::chmod(dir_.File("open").c_str(), 01777), 0);
  EXPECT_TRUE(WriteFileAtomic(dir_.File("open/f"), AsBytes("x"), {}).ok());
}

// Relative paths are walked from the real current folder.
TEST_F(OutputLocationTest, RelativePathFromCurrentFolder) {
  char old[4096];
  ASSERT_NE(::getcwd(old, sizeof old), nullptr);
  ASSERT_EQ(::chdir(dir_.path().c_str()), 0);
  const Status written = WriteFileAtomic("sub/rel", AsBytes("r"), {});
  ASSERT_EQ(::chdir(old), 0);
  ASSERT_TRUE(written.ok()) << written.ToString();
  EXPECT_EQ(ReadAll(dir_.File("sub/rel")), "r");
}

// H2-3a: as another user (root only): the file and the new folders are
// theirs, and a folder they cannot enter is refused before anything is made.
TEST_F(OutputLocationTest, CreatesAsTheTargetUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  const UserIdentity nobody{65534, 65534};
  ASSERT_EQ(::mkdir(dir_.File("svc").c_str(), 0700), 0);
  ASSERT_EQ(::chown(dir_.File("svc").c_str(), nobody.uid, nobody.gid), 0);
  // The temporary folder itself is root's 0700: open it to the walk.
  ASSERT_EQ(::chmod(dir_.path().c_str(), 0711), 0);
  WriteOptions as_svc;
  as_svc.as_user = nobody;
  const std::string path = dir_.File("svc/.aliyun/config.json");
  const Status made = WriteFileAtomic(path, AsBytes("c"), as_svc);
  ASSERT_TRUE(made.ok()) << made.ToString();
  struct stat st;
  ASSERT_EQ(::stat(dir_.File("svc/.aliyun").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, nobody.uid);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, nobody.uid);
  EXPECT_EQ(st.st_gid, nobody.gid);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  // A root-only folder: the user could not write there, so neither do we.
  ASSERT_EQ(::mkdir(dir_.File("rootonly").c_str(), 0700), 0);
  const Status refused = WriteFileAtomic(dir_.File("rootonly/f"), AsBytes("c"), as_svc);
  EXPECT_EQ(refused.code(), Code::kPermission) << refused.ToString();
  EXPECT_EQ(CheckOutputPath(dir_.File("rootonly/f"), "--out", as_svc).code(), Code::kPermission);
  EXPECT_FALSE(PathExists(dir_.File("rootonly/f")));
  // And afterwards the process is root again, with root's access.
  ASSERT_TRUE(WriteFileAtomic(dir_.File("rootonly/g"), AsBytes("r"), {}).ok());
  ASSERT_EQ(::stat(dir_.File("rootonly/g").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
}

}  // namespace
}  // namespace akv

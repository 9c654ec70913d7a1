#include "cli/user_lookup.h"

#include <gtest/gtest.h>

namespace akv::cli {
namespace {

TEST(ParsePasswdLineTest, ReadsUidAndGid) {
  auto ids = ParsePasswdLine("deploy:x:1001:1002:Deploy user,,,:/home/deploy:/bin/sh\n", "deploy");
  ASSERT_TRUE(ids.ok()) << ids.status().message();
  EXPECT_EQ(ids->uid, 1001u);
  EXPECT_EQ(ids->gid, 1002u);
  // Empty gecos, home and shell are fine; so is the largest 32-bit id.
  ids = ParsePasswdLine("svc:*:4294967294:0:::", "svc");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(ids->uid, 4294967294u);
  EXPECT_EQ(ids->gid, 0u);
}

TEST(ParsePasswdLineTest, RefusesAnythingElse) {
  const char* bad[] = {
      "",                                    // nothing
      "deploy:x:1001:1002:gecos:/home/deploy",  // six fields
      "other:x:1001:1002::/home/other:/bin/sh",  // another user's line
      "deployer:x:1001:1002::/home/d:/bin/sh",   // a longer name with the same start
      "deploy:x::1002::/home/deploy:/bin/sh",    // empty uid
      "deploy:x:-1:1002::/home/deploy:/bin/sh",  // negative uid
      "deploy:x:10a:1002::/home/deploy:/bin/sh",  // junk in the uid
      "deploy:x:1001:4294967296::/h:/bin/sh",   // gid beyond 32 bits
      "deploy:x: 1001:1002::/h:/bin/sh",        // leading blank
  };
  for (const char* line : bad) {
    auto ids = ParsePasswdLine(line, "deploy");
    EXPECT_FALSE(ids.ok()) << line;
    if (!ids.ok()) {
      EXPECT_EQ(ids.status().code(), Code::kInternal) << line;
    }
  }
}

// Through the system's getent: root exists everywhere, with uid and gid 0.
TEST(LookUpUserTest, FindsRootThroughGetent) {
  auto ids = LookUpUser("root");
  ASSERT_TRUE(ids.ok()) << ids.status().message();
  EXPECT_EQ(ids->uid, 0u);
  EXPECT_EQ(ids->gid, 0u);
}

TEST(LookUpUserTest, UnknownUserIsNotFound) {
  auto ids = LookUpUser("akvault-no-such-user-4f1c");
  ASSERT_FALSE(ids.ok());
  EXPECT_EQ(ids.status().code(), Code::kNotFound);
  EXPECT_NE(ids.status().message().find("akvault-no-such-user-4f1c"), std::string::npos);
}

// Names that getent would read as options, or that could never be users, are
// refused before anything runs.
TEST(LookUpUserTest, ImplausibleNamesAreUsageErrors) {
  for (const char* name : {"", "-s", "--help", "a:b", "a/b", "a b", "a\nb", "a\tb"}) {
    auto ids = LookUpUser(name);
    ASSERT_FALSE(ids.ok()) << name;
    EXPECT_EQ(ids.status().code(), Code::kUsage) << name;
    EXPECT_EQ(ids.status().message().find('\n'), std::string::npos) << name;  // one line, whatever was typed
  }
}

}  // namespace
}  // namespace akv::cli

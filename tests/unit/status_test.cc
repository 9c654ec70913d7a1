#include "vault/status.h"

#include <gtest/gtest.h>

#include <set>

namespace akv {
namespace {

TEST(StatusTest, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), Code::kOk);
}

TEST(StatusTest, NamedConstructorsCarryMessageAndHint) {
  Status s = Status::Permission("vault /x is loose", "run: chmod 600 /x");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Code::kPermission);
  EXPECT_EQ(s.message(), "vault /x is loose");
  EXPECT_EQ(s.hint(), "run: chmod 600 /x");
  EXPECT_EQ(s.WithContext("opening").message(), "opening: vault /x is loose");
}

TEST(StatusTest, ExitStatusesAreDistinctAndRespectTheContract) {
  std::set<int> seen;
  for (const CodeInfo& info : AllCodes()) {
    EXPECT_TRUE(seen.insert(info.exit_status).second) << info.name;
    EXPECT_EQ(ExitStatusFor(info.code), info.exit_status);
  }
  EXPECT_EQ(ExitStatusFor(Code::kOk), 0);
  EXPECT_EQ(ExitStatusFor(Code::kUsage), 2);
  // cli.md: `due` must not use 1 or 2, so cron can tell "keys due" from "broken".
  EXPECT_NE(ExitStatusFor(Code::kDue), 1);
  EXPECT_NE(ExitStatusFor(Code::kDue), 2);
  // Each error class the contract names has its own status.
  std::set<int> named = {ExitStatusFor(Code::kAuth),     ExitStatusFor(Code::kTampered), ExitStatusFor(Code::kPermission),
                         ExitStatusFor(Code::kNotFound), ExitStatusFor(Code::kExpired),  ExitStatusFor(Code::kDue)};
  EXPECT_EQ(named.size(), 6u);
}

TEST(ResultTest, HoldsValueOrStatus) {
  Result<int> good(7);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  EXPECT_TRUE(good.status().ok());
  Result<int> bad(Status::NotFound("nope"));
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace akv

// The Security Center leak-report parser on each accepted shape and on junk.
#include "vault/scan/leak_report.h"

#include <gtest/gtest.h>

namespace akv::scan {
namespace {

constexpr const char* kPage = R"({"RequestId":"r","TotalCount":1,"AccessKeyLeakList":[
  {"AccesskeyId":"LTAI5tQm9XbV2rKp7YwZ3nJd","Url":"https://github.com/a/b","Status":"pending",
   "DealType":"pending","GmtModified":1767225600000,"UserType":"master","AliUserName":"root","Id":1}]})";

TEST(LeakReport, ReadsAListPage) {
  auto r = ParseLeakReport(kPage, "page.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  const LeakRecord& l = (*r)[0];
  EXPECT_EQ(l.akid, "LTAI5tQm9XbV2rKp7YwZ3nJd");
  EXPECT_EQ(l.status, "pending");
  EXPECT_EQ(l.user_type, "master");
  EXPECT_EQ(l.user_name, "root");
  EXPECT_EQ(l.detected_ms, 1767225600000);
  EXPECT_EQ(l.source, "DescribeAccesskeyLeakList");
}

TEST(LeakReport, ReadsDetailsArraysAndOnePerLine) {
  const std::string detail =
      R"({"AccesskeyId":"LTAIq7Rm2XkP9sVb","Source":"GitHub","GithubRepoName":"a/b","GithubFileName":"x.py"})";
  auto lines =
      ParseLeakReport(std::string(R"({"AccessKeyLeakList":[{"AccesskeyId":"LTAI1"}]})") + "\n" + detail, "two.json");
  ASSERT_TRUE(lines.ok()) << lines.status().ToString();
  ASSERT_EQ(lines->size(), 2u);
  EXPECT_EQ((*lines)[1].url, "github.com/a/b x.py");
  auto array = ParseLeakReport("[" + detail + "," + detail + "]", "array.json");
  ASSERT_TRUE(array.ok());
  EXPECT_EQ(array->size(), 2u);
}

TEST(LeakReport, RefusesJunkWithItsName) {
  for (const char* junk : {"", "not json", "{}", "[1,2]", R"({"AccessKeyLeakList":[{"Url":"x"}]})",
                           R"({"AccessKeyLeakList":[{"AccesskeyId":"LTAI\u001b[31m"}]})"}) {
    auto r = ParseLeakReport(junk, "bad.json");
    ASSERT_FALSE(r.ok()) << junk;
    EXPECT_EQ(r.status().code(), Code::kFormat);
    EXPECT_NE(r.status().message().find("bad.json"), std::string::npos);
  }
}

}  // namespace
}  // namespace akv::scan

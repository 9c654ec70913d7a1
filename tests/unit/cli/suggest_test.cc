// "Did you mean": vectors for the distance and the choice of a name.
#include "cli/suggest.h"

#include <gtest/gtest.h>

namespace akv::cli {
namespace {

const std::vector<std::string> kCommands = {"init", "add", "import", "list", "show", "remove", "due", "rotate",
                                            "retire", "lint", "export", "open", "exec", "receive", "keygen"};

TEST(SuggestTest, EditDistanceCountsSwapsAsOne) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("list", "list"), 0u);
  EXPECT_EQ(EditDistance("lsit", "list"), 1u);
  EXPECT_EQ(EditDistance("lst", "list"), 1u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
}

TEST(SuggestTest, ClosestNameOrNothing) {
  EXPECT_EQ(ClosestName("lsit", kCommands), "list");
  EXPECT_EQ(ClosestName("recieve", kCommands), "receive");
  EXPECT_EQ(ClosestName("keygne", kCommands), "keygen");
  EXPECT_EQ(ClosestName("--fromat", {"--format", "--force", "--out"}), "--format");
  EXPECT_EQ(ClosestName("frobnicate", kCommands), "");
  EXPECT_EQ(ClosestName("", kCommands), "");
  // "rem" is a prefix of remove only; "re" of several: no guess.
  EXPECT_EQ(ClosestName("rem", kCommands), "remove");
  EXPECT_EQ(ClosestName("re", kCommands), "");
  // The nearest wins; a real tie gives no guess.
  EXPECT_EQ(ClosestName("exprt", kCommands), "export");
  EXPECT_EQ(ClosestName("ab", {"ac", "ad"}), "");
}

}  // namespace
}  // namespace akv::cli

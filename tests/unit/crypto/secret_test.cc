#include "vault/crypto/secret.h"

#include <gtest/gtest.h>

#include "vault/bytes.h"
#include "vault/crypto/init.h"

namespace akv {
namespace {

class SecretBufferTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
};

TEST_F(SecretBufferTest, CopiesAndCompares) {
  SecretBuffer s = SecretBuffer::CopyOf(std::string_view("abc123"));
  EXPECT_EQ(s.size(), 6u);
  EXPECT_EQ(s.view(), "abc123");
  EXPECT_TRUE(s.Equals(AsBytes("abc123")));
  EXPECT_FALSE(s.Equals(AsBytes("abc124")));
  EXPECT_FALSE(s.Equals(AsBytes("abc12")));
}

TEST_F(SecretBufferTest, NewBufferIsZeroed) {
  SecretBuffer s(64);
  for (std::size_t i = 0; i < s.size(); ++i) EXPECT_EQ(s.data()[i], 0);
}

TEST_F(SecretBufferTest, MoveLeavesSourceEmpty) {
  SecretBuffer a = SecretBuffer::CopyOf(std::string_view("secret"));
  SecretBuffer b = std::move(a);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the contract under test
  EXPECT_EQ(a.data(), nullptr);
  EXPECT_EQ(b.view(), "secret");
}

TEST_F(SecretBufferTest, TruncateWipesTheTail) {
  SecretBuffer s = SecretBuffer::CopyOf(std::string_view("abcdef"));
  s.Truncate(2);
  EXPECT_EQ(s.view(), "ab");
  // The wiped bytes are still inside the allocation; they must be zero.
  EXPECT_EQ(s.data()[2], 0);
  EXPECT_EQ(s.data()[5], 0);
}

}  // namespace
}  // namespace akv

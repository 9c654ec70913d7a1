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

// ---- SecureArena -------------------------------------------------------------

TEST_F(SecretBufferTest, ArenaServesBuffersThatFitAndFallsBackForTheRest) {
  SecureArena arena(256);
  const SecureArena::Scope scope(arena);
  SecretBuffer small(40);
  EXPECT_EQ(arena.live_buffers(), 1u);
  EXPECT_EQ(arena.used(), 48u);  // rounded up to 16-byte slices
  SecretBuffer too_big(1024);     // does not fit: its own sodium_malloc
  EXPECT_EQ(arena.live_buffers(), 1u);
  EXPECT_EQ(too_big.size(), 1024u);
  for (std::size_t i = 0; i < small.size(); ++i) EXPECT_EQ(small.data()[i], 0);
}

TEST_F(SecretBufferTest, ArenaSliceIsWipedWhenReleasedAndReused) {
  SecureArena arena(128);
  const SecureArena::Scope scope(arena);
  const std::uint8_t* first_address = nullptr;
  {
    SecretBuffer s = SecretBuffer::CopyOf(std::string_view("a secret in the arena"));
    first_address = s.data();
  }
  EXPECT_EQ(arena.live_buffers(), 0u);
  EXPECT_EQ(arena.used(), 0u);
  // The same bytes are handed out again, and they come back zeroed.
  SecretBuffer again(21);
  EXPECT_EQ(again.data(), first_address);
  for (std::size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again.data()[i], 0);
}

TEST_F(SecretBufferTest, ArenaGivesBackTheLatestSliceAndKeepsEarlierOnesIntact) {
  SecureArena arena(128);
  const SecureArena::Scope scope(arena);
  SecretBuffer kept = SecretBuffer::CopyOf(std::string_view("kept"));
  { SecretBuffer temporary(32); }
  EXPECT_EQ(arena.used(), 16u);  // the temporary's slice is free again
  SecretBuffer next(16);
  EXPECT_EQ(kept.view(), "kept");
  EXPECT_EQ(arena.live_buffers(), 2u);
}

TEST_F(SecretBufferTest, ArenaScopesNestAndEnd) {
  SecureArena outer(64), inner(64);
  {
    const SecureArena::Scope outer_scope(outer);
    {
      const SecureArena::Scope inner_scope(inner);
      SecretBuffer s(8);
      EXPECT_EQ(inner.live_buffers(), 1u);
      EXPECT_EQ(outer.live_buffers(), 0u);
    }
    SecretBuffer t(8);
    EXPECT_EQ(outer.live_buffers(), 1u);
  }
  SecretBuffer u(8);  // no scope: sodium_malloc
  EXPECT_EQ(outer.live_buffers(), 0u);
  EXPECT_EQ(inner.live_buffers(), 0u);
}

TEST_F(SecretBufferTest, MovedArenaBufferIsReleasedOnce) {
  SecureArena arena(64);
  const SecureArena::Scope scope(arena);
  SecretBuffer a = SecretBuffer::CopyOf(std::string_view("moved"));
  SecretBuffer b = std::move(a);
  EXPECT_EQ(arena.live_buffers(), 1u);
  b = SecretBuffer();
  EXPECT_EQ(arena.live_buffers(), 0u);
}

using SecureArenaDeathTest = SecretBufferTest;

TEST_F(SecureArenaDeathTest, DestroyingAnArenaWithALiveBufferAborts) {
  EXPECT_DEATH(
      {
        auto* arena = new SecureArena(64);
        const SecureArena::Scope scope(*arena);
        auto* leaked = new SecretBuffer(8);
        (void)leaked;
        delete arena;
      },
      "");
}

}  // namespace
}  // namespace akv

#include "vault/state_mac.h"

#include <gtest/gtest.h>

#include "vault/crypto/init.h"
#include "vault/crypto/random.h"

namespace akv {
namespace {

class StateMacTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    key_ = SecretBuffer(32);
    rng_.Fill(key_.span());
  }
  Mac Element(const std::string& name) { return KeyedHash(key_, {AsBytes(name)}); }
  SeededRng rng_{9};
  SecretBuffer key_;
};

// The keyed state copied per message gives exactly KeyedHash's MAC, for
// messages of every length around BLAKE2b's 128-byte blocks, split or whole,
// and the copy is not disturbed by earlier messages.
TEST_F(StateMacTest, KeyedHasherMatchesKeyedHash) {
  const KeyedHasher hasher(key_);
  const Bytes data = rng_.Draw(400);
  for (std::size_t n : {0, 1, 31, 127, 128, 129, 255, 256, 257, 400}) {
    const ByteView message(data.data(), n);
    EXPECT_EQ(hasher({message}), KeyedHash(key_, {message})) << n;
    const std::size_t half = n / 2;
    EXPECT_EQ(hasher({message.first(half), message.subspan(half)}), KeyedHash(key_, {message})) << n;
  }
  SecretBuffer other(32);
  rng_.Fill(other.span());
  EXPECT_NE(KeyedHasher(other)({AsBytes("m")}), hasher({AsBytes("m")}));
}

TEST_F(StateMacTest, AddThenRemoveRestoresTheState) {
  VaultState s;
  StateAdd(s, Element("a"));
  StateAdd(s, Element("b"));
  const VaultState ab = s;
  StateAdd(s, Element("c"));
  StateRemove(s, Element("c"));
  EXPECT_EQ(s.sum, ab.sum);
  EXPECT_EQ(s.count, 2);
}

TEST_F(StateMacTest, OrderDoesNotMatter) {
  VaultState x, y;
  for (const char* n : {"a", "b", "c"}) StateAdd(x, Element(n));
  for (const char* n : {"c", "a", "b"}) StateAdd(y, Element(n));
  EXPECT_EQ(x.sum, y.sum);
}

// Why addition and not XOR: two extra copies of a row must not cancel out.
TEST_F(StateMacTest, DuplicatedElementsDoNotCancel) {
  VaultState once, thrice;
  StateAdd(once, Element("a"));
  for (int i = 0; i < 3; ++i) StateAdd(thrice, Element("a"));
  EXPECT_NE(once.sum, thrice.sum);
}

TEST_F(StateMacTest, TagBindsSumCountAndAuditHead) {
  const Bytes vault_id(16, 7);
  VaultState s;
  StateAdd(s, Element("a"));
  Mac head{};
  const Mac tag = StateTag(key_, vault_id, s, head, 1);
  EXPECT_NE(tag, StateTag(key_, vault_id, s, head, 2));
  Mac other_head = head;
  other_head[0] = 1;
  EXPECT_NE(tag, StateTag(key_, vault_id, s, other_head, 1));
  VaultState fewer = s;
  fewer.count = 0;
  EXPECT_NE(tag, StateTag(key_, vault_id, fewer, head, 1));
  SecretBuffer other_key(32);
  EXPECT_NE(tag, StateTag(other_key, vault_id, s, head, 1));
}

}  // namespace
}  // namespace akv

// Key slots without storage: unlock by passphrase and by identity, the
// authenticated slot list (a planted, altered, dropped or restored slot is
// refused at unlock and never receives the key), admin add, re-key.
#include "vault/slots/slot_list.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"
#include "vault/bundle/identity.h"
#include "vault/crypto/init.h"
#include "vault/crypto/kdf.h"
#include "vault/crypto/random.h"

namespace akv {
namespace {

using testing::Secret;

constexpr std::int64_t kNow = 1795867200;
constexpr const char* kPass = "correct horse battery staple";

class SlotListTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    auto created = CreateSlotList(rng_.Draw(kVaultIdBytes), Secret(kPass), kKdfInteractive, rng_, kNow);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    key_ = std::move(created->vault_key);
    list_ = std::move(created->slots);
    alice_ = GenerateBoxKeyPair(rng_);
    bob_ = GenerateBoxKeyPair(rng_);
    mallory_ = GenerateBoxKeyPair(rng_);
    ASSERT_TRUE(AddRecipientSlot(list_, key_, "alice", alice_.public_key, kNow, "passphrase").ok());
    ASSERT_TRUE(AddRecipientSlot(list_, key_, "bob", bob_.public_key, kNow, "alice").ok());
  }

  // What a database writer without the vault key can do: add a row sealed
  // to their own key (the list's MAC stays as it was).
  SlotList WithPlantedSlot() {
    SlotList planted = list_;
    SecretBuffer fake_key(kVaultKeyBytes);
    rng_.Fill(fake_key.span());
    auto slot = MakeRecipientSlot(fake_key, "mallory", mallory_.public_key, kNow, "alice");
    EXPECT_TRUE(slot.ok());
    planted.slots.push_back(std::move(slot).value());
    return planted;
  }

  SystemRng rng_;
  SecretBuffer key_;
  SlotList list_;
  BoxKeyPair alice_, bob_, mallory_;
};

TEST_F(SlotListTest, NewVaultHasOneSealedPassphraseSlotAtEpochOne) {
  auto created = CreateSlotList(rng_.Draw(kVaultIdBytes), Secret(kPass), kKdfInteractive, rng_, kNow);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->slots.epoch, 1u);
  ASSERT_EQ(created->slots.slots.size(), 1u);
  EXPECT_EQ(created->slots.slots[0].kind, SlotKind::kPassphrase);
  EXPECT_EQ(created->slots.slots[0].added_by, "init");
  EXPECT_TRUE(VerifySlotList(created->slots, created->vault_key).ok());
}

TEST_F(SlotListTest, EverySlotGivesTheSameVaultKey) {
  auto by_pass = UnlockWithPassphrase(list_, Secret(kPass));
  ASSERT_TRUE(by_pass.ok()) << by_pass.status().ToString();
  EXPECT_TRUE(by_pass->vault_key.Equals(key_.span()));
  EXPECT_EQ(by_pass->slot_name, "passphrase");
  EXPECT_EQ(by_pass->kek.size(), 32u);
  for (const BoxKeyPair* who : {&alice_, &bob_}) {
    auto by_id = UnlockWithIdentity(list_, *who);
    ASSERT_TRUE(by_id.ok()) << by_id.status().ToString();
    EXPECT_TRUE(by_id->vault_key.Equals(key_.span()));
    EXPECT_TRUE(by_id->kek.empty());
  }
  EXPECT_EQ(UnlockWithIdentity(list_, bob_)->slot_name, "bob");
}

TEST_F(SlotListTest, PassphraseUnlockCostsOneDerivationIdentityNone) {
  std::uint64_t before = KdfDerivationCount();
  EXPECT_EQ(UnlockWithPassphrase(list_, Secret("wrong passphrase!")).status().code(), Code::kAuth);
  EXPECT_EQ(KdfDerivationCount() - before, 1u);
  before = KdfDerivationCount();
  EXPECT_TRUE(UnlockWithIdentity(list_, alice_).ok());
  EXPECT_EQ(KdfDerivationCount() - before, 0u);
}

TEST_F(SlotListTest, UnknownIdentityIsNoMatchNamingItsPublicKey) {
  auto result = UnlockWithIdentity(list_, mallory_);
  ASSERT_EQ(result.status().code(), Code::kNoMatch);
  EXPECT_NE(result.status().message().find(EncodeRecipient(mallory_.public_key)), std::string::npos);
}

// The heart of it: a slot planted by whoever writes the database.
TEST_F(SlotListTest, PlantedSlotIsRefusedAtEveryUnlock) {
  const SlotList planted = WithPlantedSlot();
  EXPECT_EQ(UnlockWithPassphrase(planted, Secret(kPass)).status().code(), Code::kTampered);
  EXPECT_EQ(UnlockWithIdentity(planted, alice_).status().code(), Code::kTampered);
  // Even the planter's own slot only yields their fake key, under which the
  // list does not verify either.
  EXPECT_EQ(UnlockWithIdentity(planted, mallory_).status().code(), Code::kTampered);
}

TEST_F(SlotListTest, PlantedSlotNeverReceivesTheKeyOnAddOrRekey) {
  SlotList planted = WithPlantedSlot();
  BoxKeyPair carol = GenerateBoxKeyPair(rng_);
  EXPECT_EQ(AddRecipientSlot(planted, key_, "carol", carol.public_key, kNow, "alice").code(), Code::kTampered);
  auto rekeyed = RekeySlots(planted, key_, std::string("bob"), nullptr, rng_);
  EXPECT_EQ(rekeyed.status().code(), Code::kTampered);
}

TEST_F(SlotListTest, AnyChangedFieldBreaksTheList) {
  std::vector<SlotList> changed;
  auto edit = [&](auto fn) {
    SlotList copy = list_;
    fn(copy);
    changed.push_back(std::move(copy));
  };
  edit([&](SlotList& l) { l.epoch += 1; });
  edit([&](SlotList& l) { l.vault_id[0] ^= 1; });
  edit([&](SlotList& l) { l.slots.pop_back(); });                          // a slot deleted
  edit([&](SlotList& l) { l.slots[1].name = "alicia"; });                  // renamed
  edit([&](SlotList& l) { l.slots[1].recipient = mallory_.public_key; });  // key swapped
  edit([&](SlotList& l) { l.slots[1].added_by = "init"; });
  edit([&](SlotList& l) { l.slots[1].added_at += 1; });
  edit([&](SlotList& l) { l.slots[2].sealed[60] ^= 1; });
  edit([&](SlotList& l) { std::swap(l.slots[1].sealed, l.slots[2].sealed); });
  edit([&](SlotList& l) { (*l.mac)[0] ^= 1; });
  edit([&](SlotList& l) { l.mac.reset(); });  // downgraded to "legacy"
  for (std::size_t i = 0; i < changed.size(); ++i) {
    EXPECT_FALSE(VerifySlotList(changed[i], key_).ok()) << "edit " << i;
  }
  // Re-sealing another admin's slot to their real key with a key the attacker
  // chose (anyone can seal to a public key) gives bob that key, under which
  // the list does not verify.
  SlotList resealed = list_;
  SecretBuffer fake(kVaultKeyBytes);
  rng_.Fill(fake.span());
  resealed.slots[2].sealed = *BoxSeal(bob_.public_key, fake.span());
  EXPECT_EQ(UnlockWithIdentity(resealed, bob_).status().code(), Code::kTampered);
}

TEST_F(SlotListTest, SlotOrderInStorageDoesNotMatter) {
  SlotList reversed = list_;
  std::reverse(reversed.slots.begin(), reversed.slots.end());
  EXPECT_TRUE(VerifySlotList(reversed, key_).ok());
}

TEST_F(SlotListTest, MalformedSlotsAreFormatErrorsBeforeAnyDerivation) {
  std::vector<SlotList> bad;
  auto edit = [&](auto fn) {
    SlotList copy = list_;
    fn(copy);
    bad.push_back(std::move(copy));
  };
  edit([](SlotList& l) { l.slots[1].sealed.pop_back(); });
  edit([](SlotList& l) { l.slots[1].recipient.fill(0); });                   // low-order
  edit([](SlotList& l) { std::fill_n(l.slots[1].sealed.begin(), 32, 0); });  // low-order ephemeral
  edit([](SlotList& l) { l.slots[1].name = "bad name"; });
  edit([](SlotList& l) { l.slots[2].name = "alice"; });                  // duplicate name
  edit([&](SlotList& l) { l.slots[2].recipient = alice_.public_key; });  // duplicate key
  edit([](SlotList& l) { l.slots[0].passphrase.kdf.mem_bytes = 1ULL << 42; });
  edit([](SlotList& l) { l.slots[0].passphrase.salt.pop_back(); });
  edit([](SlotList& l) { l.slots[0].passphrase.vault_id[3] ^= 1; });  // another vault's slot
  edit([](SlotList& l) { l.slots[0].name = "admin"; });
  edit([](SlotList& l) { l.slots.push_back(l.slots[0]); });  // two passphrase slots
  edit([](SlotList& l) { l.slots.clear(); });
  const std::uint64_t before = KdfDerivationCount();
  for (std::size_t i = 0; i < bad.size(); ++i) {
    EXPECT_EQ(UnlockWithPassphrase(bad[i], Secret(kPass)).status().code(), Code::kFormat) << "case " << i;
  }
  EXPECT_EQ(KdfDerivationCount(), before);
}

TEST_F(SlotListTest, AddRefusesTakenNamesAndKeys) {
  BoxKeyPair carol = GenerateBoxKeyPair(rng_);
  EXPECT_EQ(AddRecipientSlot(list_, key_, "bob", carol.public_key, kNow, "alice").code(), Code::kConflict);
  EXPECT_EQ(AddRecipientSlot(list_, key_, "carol", bob_.public_key, kNow, "alice").code(), Code::kConflict);
  EXPECT_EQ(AddRecipientSlot(list_, key_, "passphrase", carol.public_key, kNow, "alice").code(), Code::kUsage);
  EXPECT_EQ(AddRecipientSlot(list_, key_, "ca rol", carol.public_key, kNow, "alice").code(), Code::kUsage);
  BoxPublicKey zero{};
  EXPECT_EQ(AddRecipientSlot(list_, key_, "carol", zero, kNow, "alice").code(), Code::kUsage);
  EXPECT_EQ(list_.slots.size(), 3u);
  EXPECT_TRUE(AddRecipientSlot(list_, key_, "carol", carol.public_key, kNow, "alice").ok());
  EXPECT_TRUE(UnlockWithIdentity(list_, carol).ok());
}

TEST_F(SlotListTest, RemoveRekeysAndTheRemovedIdentityOpensNothing) {
  const SlotList before = list_;
  auto unlocked = UnlockWithPassphrase(list_, Secret(kPass));
  ASSERT_TRUE(unlocked.ok());
  const std::uint64_t derivations = KdfDerivationCount();
  auto rekeyed = RekeySlots(list_, key_, std::string("bob"), &unlocked->kek, rng_);
  ASSERT_TRUE(rekeyed.ok()) << rekeyed.status().ToString();
  EXPECT_EQ(KdfDerivationCount(), derivations);  // the passphrase slot is re-wrapped without Argon2id
  EXPECT_EQ(rekeyed->slots.epoch, list_.epoch + 1);
  EXPECT_FALSE(rekeyed->vault_key.Equals(key_.span()));
  EXPECT_TRUE(rekeyed->dropped.empty());
  EXPECT_EQ(FindSlot(rekeyed->slots, "bob"), nullptr);
  EXPECT_EQ(UnlockWithIdentity(rekeyed->slots, bob_).status().code(), Code::kNoMatch);
  auto by_pass = UnlockWithPassphrase(rekeyed->slots, Secret(kPass));
  auto by_alice = UnlockWithIdentity(rekeyed->slots, alice_);
  for (auto* result : {&by_pass, &by_alice}) {
    ASSERT_TRUE(result->ok()) << result->status().ToString();
    EXPECT_TRUE((*result)->vault_key.Equals(rekeyed->vault_key.span()));
  }
  // Bob's old slot put back into the new list opens to the old key, under
  // which the new list does not verify.
  SlotList restored = rekeyed->slots;
  restored.slots.push_back(*FindSlot(before, "bob"));
  EXPECT_EQ(UnlockWithIdentity(restored, bob_).status().code(), Code::kTampered);
  // Alice's old slot (the old key) restored in place of her new one: refused.
  SlotList stale = rekeyed->slots;
  for (KeySlot& slot : stale.slots) {
    if (slot.name == "alice") slot = *FindSlot(before, "alice");
  }
  EXPECT_EQ(UnlockWithIdentity(stale, alice_).status().code(), Code::kTampered);
}

TEST_F(SlotListTest, RekeyWithoutTheKekDropsThePassphraseSlot) {
  auto rekeyed = RekeySlots(list_, key_, std::string("bob"), nullptr, rng_);
  ASSERT_TRUE(rekeyed.ok());
  ASSERT_EQ(rekeyed->dropped, std::vector<std::string>{"passphrase"});
  EXPECT_EQ(UnlockWithPassphrase(rekeyed->slots, Secret(kPass)).status().code(), Code::kNoMatch);
  EXPECT_TRUE(UnlockWithIdentity(rekeyed->slots, alice_).ok());
}

TEST_F(SlotListTest, RekeyRefusesUnknownNamesAndTheLastSlot) {
  EXPECT_EQ(RekeySlots(list_, key_, std::string("carol"), nullptr, rng_).status().code(), Code::kNotFound);
  auto only = CreateSlotList(rng_.Draw(kVaultIdBytes), Secret(kPass), kKdfInteractive, rng_, kNow);
  ASSERT_TRUE(only.ok());
  EXPECT_EQ(RekeySlots(only->slots, only->vault_key, std::string("passphrase"), nullptr, rng_).status().code(),
            Code::kUsage);
  // A plain re-key (nobody removed) keeps every slot.
  auto plain = RekeySlots(list_, key_, std::nullopt, nullptr, rng_);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->slots.slots.size(), 2u);
}

TEST_F(SlotListTest, LegacyListIsOnlyThePassphraseSlotAtEpochZero) {
  SlotList legacy;
  legacy.vault_id = list_.vault_id;
  legacy.epoch = 0;
  legacy.slots.push_back(*FindSlot(list_, "passphrase"));
  auto unlocked = UnlockWithPassphrase(legacy, Secret(kPass));
  ASSERT_TRUE(unlocked.ok()) << unlocked.status().ToString();
  SlotList with_admin = legacy;
  with_admin.slots.push_back(*FindSlot(list_, "alice"));
  EXPECT_EQ(UnlockWithIdentity(with_admin, alice_).status().code(), Code::kTampered);
  SealSlotList(legacy, unlocked->vault_key);
  EXPECT_EQ(legacy.epoch, 1u);
  EXPECT_TRUE(VerifySlotList(legacy, unlocked->vault_key).ok());
}

TEST(RecipientFingerprintTest, FourGroupsOfFiveStableAndKeyDependent) {
  ASSERT_TRUE(InitCrypto().ok());
  SeededRng rng(7);
  const BoxKeyPair a = GenerateBoxKeyPair(rng);
  const BoxKeyPair b = GenerateBoxKeyPair(rng);
  const std::string fa = RecipientFingerprint(a.public_key);
  ASSERT_EQ(fa.size(), 23u);
  for (std::size_t i : {5u, 11u, 17u}) EXPECT_EQ(fa[i], '-');
  EXPECT_EQ(fa, RecipientFingerprint(a.public_key));
  EXPECT_NE(fa, RecipientFingerprint(b.public_key));
  // A vector computed independently (Python's hashlib.blake2b over
  // "akvault/fingerprint" || pk, first 100 bits in Crockford base32) for the
  // public key 09 00 .. 00 (x = 9, the base point).
  BoxPublicKey nine{};
  nine[0] = 9;
  EXPECT_EQ(RecipientFingerprint(nine), "RSTST-1YP2N-6GCGA-RZ3FF");
}

}  // namespace
}  // namespace akv

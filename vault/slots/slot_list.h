// The authenticated list of a vault's key slots, and what is done with it:
// unlock through a slot, add an admin, re-key without one.
//
// Why a MAC over the whole list: whoever can write the database (a DB
// superuser, an attacker with the vault file) can add a slot row sealed to
// their own public key. Each slot alone cannot tell: crypto_box_seal
// authenticates no sender. So the list of slots is one authenticated object:
//
//   k_slots = crypto_kdf_derive_from_key(32, 1, "AKVSLOTS", vault key)
//   mac     = BLAKE2b-256_k_slots(canonical("akvault/slots/v1", vault_id,
//             epoch, n, then per slot in name order: name, kind, its wrap
//             fields, added_at, added_by))
//
// Every unlock recomputes it right after unwrapping the vault key (a few
// slots: microseconds) and refuses the vault (kTampered) when it fails: a
// planted, altered, dropped or restored slot is found at the first use, and
// a re-key, which re-wraps the new key to every slot in a list that
// verified, never wraps it to a planted key. The MAC also proves that the key
// the slot gave is the vault's current key: a slot restored from before a
// re-key opens to the old key, under which the list does not verify.
//
// The epoch counts re-keys (1 for a new vault). It is bound into the MAC, so a
// client that remembers the epoch it last saw can refuse one that goes down.
//
// A list without a MAC is a vault from before slots existed (its keyring
// moved into a passphrase slot by a migration that has no key to MAC with):
// it is accepted only as exactly one passphrase slot at epoch 0, and the
// first write that has the key seals it (SealSlotList).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vault/bytes.h"
#include "vault/crypto/mac.h"
#include "vault/slots/key_slot.h"

namespace akv {

struct SlotList {
  Bytes vault_id;           // 16
  std::uint64_t epoch = 1;  // +1 at every re-key; 0 only for an unsealed legacy list
  std::vector<KeySlot> slots;
  std::optional<Mac> mac;  // absent only for a legacy list
};

// The MAC over `list` (its `mac` field ignored) under the vault key.
Mac SlotListMac(const SecretBuffer& vault_key, const SlotList& list);
// Sets list.mac (and moves a legacy epoch 0 to 1).
void SealSlotList(SlotList& list, const SecretBuffer& vault_key);
// kTampered unless the MAC verifies under `vault_key` (or the list is a
// legacy one: exactly the passphrase slot at epoch 0).
Status VerifySlotList(const SlotList& list, const SecretBuffer& vault_key);
// kFormat for a slot of the wrong shape, two slots of one name, two slots
// of one public key, more than one passphrase slot, or no slot at all.
// Needs no key; every function below runs it first.
Status CheckSlotListShape(const SlotList& list);

// A new vault: a random vault key, epoch 1, the passphrase slot, sealed.
struct NewVaultKeys {
  SecretBuffer vault_key;
  SlotList slots;
};
Result<NewVaultKeys> CreateSlotList(ByteView vault_id, const SecretBuffer& passphrase, const KdfParams& kdf, Rng& rng,
                                    std::int64_t now);

// What an unlock gives: the vault key, the slot that opened it, and for the
// passphrase slot its KEK (for a later re-key; empty otherwise).
struct SlotUnlock {
  SecretBuffer vault_key;
  std::string slot_name;
  SecretBuffer kek;
};
// One Argon2id. kNoMatch when the vault has no passphrase slot, kAuth for a
// wrong passphrase, kTampered when the list does not verify.
Result<SlotUnlock> UnlockWithPassphrase(const SlotList& list, const SecretBuffer& passphrase);
// No Argon2id. kNoMatch naming the identity's public key when no slot is
// sealed to it, kTampered when a slot opens but the list does not verify.
Result<SlotUnlock> UnlockWithIdentity(const SlotList& list, const BoxKeyPair& identity);

// Adds a recipient slot for `name` and re-seals the list. Verifies the list
// first. kConflict when the name or the public key already has a slot.
Status AddRecipientSlot(SlotList& list, const SecretBuffer& vault_key, std::string name, const BoxPublicKey& recipient,
                        std::int64_t now, const std::string& added_by);

// A re-key: a new random vault key, epoch + 1, the slot `remove` gone (none
// when nullopt: a plain re-key), every other recipient slot sealed to its
// key again, the passphrase slot re-wrapped under `passphrase_kek` (same
// passphrase, no Argon2id) or, when that is null, dropped and named in
// `dropped`. The caller re-seals every record under the new key in the same
// transaction. Verifies the list first. kNotFound for an unknown `remove`,
// kUsage when no slot would be left.
struct Rekeyed {
  SecretBuffer vault_key;
  SlotList slots;
  std::vector<std::string> dropped;
};
Result<Rekeyed> RekeySlots(const SlotList& list, const SecretBuffer& vault_key,
                           const std::optional<std::string>& remove, const SecretBuffer* passphrase_kek, Rng& rng);

// The slot named `name`, or null.
const KeySlot* FindSlot(const SlotList& list, std::string_view name);

// A recipient key's fingerprint for out-of-band confirmation (read aloud,
// compared on the phone): BLAKE2b-256("akvault/fingerprint" || pk), its first
// 100 bits as 20 Crockford base32 symbols in 4 groups of 5.
std::string RecipientFingerprint(const BoxPublicKey& recipient);

}  // namespace akv

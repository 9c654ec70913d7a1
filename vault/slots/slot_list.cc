#include "vault/slots/slot_list.h"

#include <algorithm>

#include "vault/bundle/identity.h"
#include "vault/crypto/random.h"
#include "vault/encoding/canonical.h"
#include "vault/encoding/encoding.h"

namespace akv {
namespace {

constexpr char kSlotsContext[] = "AKVSLOTS";

std::vector<const KeySlot*> InNameOrder(const SlotList& list) {
  std::vector<const KeySlot*> order;
  order.reserve(list.slots.size());
  for (const KeySlot& slot : list.slots) order.push_back(&slot);
  std::sort(order.begin(), order.end(), [](const KeySlot* a, const KeySlot* b) { return a->name < b->name; });
  return order;
}

bool IsLegacy(const SlotList& list) { return !list.mac.has_value(); }

Status Planted(const std::string& what) {
  return Status::Tampered("the vault's key slots (its list of admins) were changed without the vault key: " + what,
                          "someone with write access to the vault's storage added, altered or restored a slot; "
                          "do not add keys until the slot table is restored from a trusted backup");
}

}  // namespace

Mac SlotListMac(const SecretBuffer& vault_key, const SlotList& list) {
  CanonicalWriter w("akvault/slots/v1");
  w.Field(list.vault_id)
      .Number(static_cast<std::int64_t>(list.epoch))
      .Number(static_cast<std::int64_t>(list.slots.size()));
  for (const KeySlot* slot : InNameOrder(list)) {
    w.Text(slot->name).Text(SlotKindName(slot->kind));
    if (slot->kind == SlotKind::kPassphrase) {
      const KeyringHeader& h = slot->passphrase;
      w.Number(h.kdf_alg).Number(h.kdf.ops).Number(static_cast<std::int64_t>(h.kdf.mem_bytes));
      w.Field(h.salt).Field(h.nonce).Field(h.wrapped);
    } else {
      w.Field(slot->recipient).Field(slot->sealed);
    }
    w.Number(slot->added_at).Text(slot->added_by);
  }
  const SecretBuffer key = DeriveSubkey(vault_key, 1, kSlotsContext);
  return KeyedHash(key, {w.bytes()});
}

void SealSlotList(SlotList& list, const SecretBuffer& vault_key) {
  if (list.epoch == 0) list.epoch = 1;
  list.mac = SlotListMac(vault_key, list);
}

Status CheckSlotListShape(const SlotList& list) {
  if (list.vault_id.size() != kVaultIdBytes) return Status::Format("the vault id has the wrong length");
  if (list.slots.empty()) {
    return Status::Format("the vault has no key slot at all", "restore the vault's slot table from a backup");
  }
  int passphrase_slots = 0;
  for (const KeySlot& slot : list.slots) {
    AKV_RETURN_IF_ERROR(CheckSlotShape(slot, list.vault_id));
    if (slot.kind == SlotKind::kPassphrase) ++passphrase_slots;
  }
  if (passphrase_slots > 1) return Status::Format("the vault has more than one passphrase slot");
  const auto order = InNameOrder(list);
  for (std::size_t i = 1; i < order.size(); ++i) {
    if (order[i]->name == order[i - 1]->name) {
      return Status::Format("two key slots are named '" + order[i]->name + "'");
    }
  }
  for (std::size_t i = 0; i < list.slots.size(); ++i) {
    for (std::size_t j = i + 1; j < list.slots.size(); ++j) {
      const KeySlot& a = list.slots[i];
      const KeySlot& b = list.slots[j];
      if (a.kind == SlotKind::kRecipient && b.kind == SlotKind::kRecipient && a.recipient == b.recipient) {
        return Status::Format("key slots '" + a.name + "' and '" + b.name + "' hold the same public key");
      }
    }
  }
  return Status::Ok();
}

Status VerifySlotList(const SlotList& list, const SecretBuffer& vault_key) {
  AKV_RETURN_IF_ERROR(CheckSlotListShape(list));
  if (IsLegacy(list)) {
    if (list.epoch == 0 && list.slots.size() == 1 && list.slots[0].kind == SlotKind::kPassphrase) return Status::Ok();
    return Planted("an unauthenticated slot list holds more than the passphrase slot");
  }
  if (list.epoch == 0) return Planted("an authenticated list at epoch 0");
  const Mac expected = SlotListMac(vault_key, list);
  if (!ConstantTimeEqual(expected, *list.mac)) {
    return Planted("the list's MAC does not verify under the vault key");
  }
  return Status::Ok();
}

Result<NewVaultKeys> CreateSlotList(ByteView vault_id, const SecretBuffer& passphrase, const KdfParams& kdf, Rng& rng,
                                    std::int64_t now) {
  NewVaultKeys out;
  out.vault_key = SecretBuffer(kVaultKeyBytes);
  rng.Fill(out.vault_key.span());
  out.slots.vault_id.assign(vault_id.begin(), vault_id.end());
  out.slots.epoch = 1;
  AKV_ASSIGN_OR_RETURN(KeySlot slot, MakePassphraseSlot(out.vault_key, passphrase, vault_id, kdf, rng, now, "init"));
  out.slots.slots.push_back(std::move(slot));
  SealSlotList(out.slots, out.vault_key);
  return out;
}

const KeySlot* FindSlot(const SlotList& list, std::string_view name) {
  for (const KeySlot& slot : list.slots) {
    if (slot.name == name) return &slot;
  }
  return nullptr;
}

Result<SlotUnlock> UnlockWithPassphrase(const SlotList& list, const SecretBuffer& passphrase) {
  AKV_RETURN_IF_ERROR(CheckSlotListShape(list));
  const KeySlot* slot = FindSlot(list, kPassphraseSlotName);
  if (slot == nullptr) {
    return Status::NoMatch("this vault has no passphrase slot (it was removed; admins unlock with their identity)",
                           "give --identity FILE, the key pair whose public key has an admin slot");
  }
  AKV_ASSIGN_OR_RETURN(PassphraseOpening opened, OpenPassphraseSlot(*slot, passphrase));
  AKV_RETURN_IF_ERROR(VerifySlotList(list, opened.vault_key));
  return SlotUnlock{std::move(opened.vault_key), slot->name, std::move(opened.kek)};
}

Result<SlotUnlock> UnlockWithIdentity(const SlotList& list, const BoxKeyPair& identity) {
  AKV_RETURN_IF_ERROR(CheckSlotListShape(list));
  // Public keys are public: a plain comparison finds the slot, so an
  // unlock costs one X25519, not one per admin.
  for (const KeySlot& slot : list.slots) {
    if (slot.kind != SlotKind::kRecipient || slot.recipient != identity.public_key) continue;
    AKV_ASSIGN_OR_RETURN(SecretBuffer vault_key, OpenRecipientSlot(slot, identity));
    AKV_RETURN_IF_ERROR(VerifySlotList(list, vault_key));
    return SlotUnlock{std::move(vault_key), slot.name, SecretBuffer()};
  }
  return Status::NoMatch(
      "no admin slot of this vault holds the identity's public key " + EncodeRecipient(identity.public_key),
      "ask an admin to run `akvault admin add NAME --recipient " + EncodeRecipient(identity.public_key) + "`");
}

Status AddRecipientSlot(SlotList& list, const SecretBuffer& vault_key, std::string name, const BoxPublicKey& recipient,
                        std::int64_t now, const std::string& added_by) {
  AKV_RETURN_IF_ERROR(VerifySlotList(list, vault_key));
  AKV_RETURN_IF_ERROR(ValidateAdminName(name));
  if (FindSlot(list, name) != nullptr) {
    return Status::Conflict("admin '" + name + "' already has a slot",
                            "remove it first (akvault admin remove " + name + ") or choose another name");
  }
  for (const KeySlot& slot : list.slots) {
    if (slot.kind == SlotKind::kRecipient && slot.recipient == recipient) {
      return Status::Conflict("this public key already has a slot, as admin '" + slot.name + "'");
    }
  }
  AKV_ASSIGN_OR_RETURN(KeySlot slot, MakeRecipientSlot(vault_key, std::move(name), recipient, now, added_by));
  list.slots.push_back(std::move(slot));
  SealSlotList(list, vault_key);
  return Status::Ok();
}

Result<Rekeyed> RekeySlots(const SlotList& list, const SecretBuffer& vault_key,
                           const std::optional<std::string>& remove, const SecretBuffer* passphrase_kek, Rng& rng) {
  AKV_RETURN_IF_ERROR(VerifySlotList(list, vault_key));
  if (remove && FindSlot(list, *remove) == nullptr) {
    return Status::NotFound("no admin named '" + *remove + "' has a slot in this vault",
                            "see the admins with: akvault admin list");
  }
  Rekeyed out;
  out.vault_key = SecretBuffer(kVaultKeyBytes);
  rng.Fill(out.vault_key.span());
  out.slots.vault_id = list.vault_id;
  out.slots.epoch = std::max<std::uint64_t>(list.epoch, 1) + 1;
  for (const KeySlot& slot : list.slots) {
    if (remove && slot.name == *remove) continue;
    if (slot.kind == SlotKind::kPassphrase) {
      if (passphrase_kek == nullptr) {
        out.dropped.push_back(slot.name);
        continue;
      }
      out.slots.slots.push_back(RewrapPassphraseSlot(slot, *passphrase_kek, out.vault_key, rng));
      continue;
    }
    KeySlot rewrapped = slot;
    AKV_ASSIGN_OR_RETURN(rewrapped.sealed, BoxSeal(slot.recipient, out.vault_key.span()));
    out.slots.slots.push_back(std::move(rewrapped));
  }
  if (out.slots.slots.empty()) {
    return Status::Usage("no key slot would be left: nobody could unlock the vault afterwards",
                         "add another admin first (akvault admin add NAME --recipient PUBKEY)");
  }
  SealSlotList(out.slots, out.vault_key);
  return out;
}

std::string RecipientFingerprint(const BoxPublicKey& recipient) {
  const Mac digest = Hash({AsBytes("akvault/fingerprint"), recipient});
  // 100 bits = 20 symbols: Base32Encode of 13 bytes gives 21 symbols, of
  // which the first 20 carry the first 100 bits.
  const std::string symbols = Base32Encode(ByteView(digest).first(13)).substr(0, 20);
  std::string out;
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    if (i > 0 && i % 5 == 0) out += '-';
    out += symbols[i];
  }
  return out;
}

}  // namespace akv

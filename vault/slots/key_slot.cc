#include "vault/slots/key_slot.h"

#include "vault/crypto/aead.h"
#include "vault/crypto/box_check.h"
#include "vault/crypto/kdf.h"
#include "vault/crypto/mac.h"
#include "vault/crypto/random.h"
#include "vault/key_record.h"

namespace akv {
namespace {

Status BadSlot(const std::string& name, const std::string& what) {
  return Status::Format("key slot '" + name + "' is damaged (" + what + ")",
                        "the vault's slot table was modified outside akvault; restore it from a backup");
}

}  // namespace

std::string_view SlotKindName(SlotKind kind) { return kind == SlotKind::kPassphrase ? "passphrase" : "recipient"; }

std::optional<SlotKind> ParseSlotKind(std::string_view name) {
  if (name == "passphrase") return SlotKind::kPassphrase;
  if (name == "recipient") return SlotKind::kRecipient;
  return std::nullopt;
}

Status ValidateAdminName(std::string_view name) {
  if (name.size() > kMaxSlotNameLength) {
    return Status::Usage("admin name is longer than " + std::to_string(kMaxSlotNameLength) + " characters");
  }
  AKV_RETURN_IF_ERROR(ValidateName("admin name", name));
  if (name == kPassphraseSlotName) {
    return Status::Usage("admin name 'passphrase' is reserved for the master passphrase's slot",
                         "choose the admin's own name, such as alice");
  }
  return Status::Ok();
}

Status CheckSlotShape(const KeySlot& slot, ByteView vault_id) {
  // The name is printed in messages: check it before quoting it anywhere.
  if (slot.kind == SlotKind::kPassphrase) {
    if (slot.name != kPassphraseSlotName) return BadSlot("?", "a passphrase slot with another name");
    const KeyringHeader& h = slot.passphrase;
    AKV_RETURN_IF_ERROR(CheckKdfBounds(h.kdf_alg, h.kdf).WithContext("key slot 'passphrase'"));
    if (h.vault_id.size() != kVaultIdBytes || h.salt.size() != kKdfSaltBytes || h.nonce.size() != kAeadNonceBytes ||
        h.wrapped.size() != kVaultKeyBytes + kAeadTagBytes) {
      return BadSlot(slot.name, "a field has the wrong length");
    }
    if (!ConstantTimeEqual(h.vault_id, vault_id)) return BadSlot(slot.name, "it belongs to another vault");
    return Status::Ok();
  }
  if (!ValidateAdminName(slot.name).ok()) return BadSlot("?", "its name is not a valid admin name");
  if (slot.sealed.size() != kRecipientSlotBytes) return BadSlot(slot.name, "the sealed key has the wrong length");
  if (IsLowOrderPoint(slot.recipient)) return BadSlot(slot.name, "its public key is a low-order point");
  if (IsLowOrderPoint(ByteView(slot.sealed).first(kBoxPublicKeyBytes))) {
    return BadSlot(slot.name, "its sealed key has a low-order ephemeral key");
  }
  return Status::Ok();
}

Result<KeySlot> MakePassphraseSlot(const SecretBuffer& vault_key, const SecretBuffer& passphrase, ByteView vault_id,
                                   const KdfParams& kdf, Rng& rng, std::int64_t now, std::string added_by) {
  AKV_ASSIGN_OR_RETURN(KeyringHeader header, WrapVaultKey(vault_key, passphrase, vault_id, kdf, rng));
  KeySlot slot;
  slot.name = std::string(kPassphraseSlotName);
  slot.kind = SlotKind::kPassphrase;
  slot.passphrase = std::move(header);
  slot.added_at = now;
  slot.added_by = std::move(added_by);
  return slot;
}

Result<KeySlot> MakeRecipientSlot(const SecretBuffer& vault_key, std::string name, const BoxPublicKey& recipient,
                                  std::int64_t now, std::string added_by) {
  AKV_RETURN_IF_ERROR(ValidateAdminName(name));
  if (IsLowOrderPoint(recipient)) {
    return Status::Usage("admin '" + name + "': the public key is a low-order point, which no real key pair has");
  }
  AKV_ASSIGN_OR_RETURN(Bytes sealed, BoxSeal(recipient, vault_key.span()));
  KeySlot slot;
  slot.name = std::move(name);
  slot.kind = SlotKind::kRecipient;
  slot.recipient = recipient;
  slot.sealed = std::move(sealed);
  slot.added_at = now;
  slot.added_by = std::move(added_by);
  return slot;
}

Result<PassphraseOpening> OpenPassphraseSlot(const KeySlot& slot, const SecretBuffer& passphrase) {
  if (slot.kind != SlotKind::kPassphrase) return Status::Internal("OpenPassphraseSlot on a recipient slot");
  const KeyringHeader& h = slot.passphrase;
  AKV_RETURN_IF_ERROR(CheckKdfBounds(h.kdf_alg, h.kdf).WithContext("vault key derivation parameters"));
  if (h.salt.size() != kKdfSaltBytes || h.nonce.size() != kAeadNonceBytes ||
      h.wrapped.size() != kVaultKeyBytes + kAeadTagBytes) {
    return BadSlot(slot.name, "a field has the wrong length");
  }
  AKV_ASSIGN_OR_RETURN(SecretBuffer kek, DeriveKeyFromPassphrase(passphrase.span(), h.salt, h.kdf));
  auto vault_key = AeadOpen(kek, h.nonce, h.wrapped, KeyringAssociatedData(h));
  if (!vault_key.ok()) {
    return Status::Auth("wrong passphrase (or the vault's keyring header was modified)",
                        "type the master passphrase again");
  }
  return PassphraseOpening{std::move(vault_key).value(), std::move(kek)};
}

Result<SecretBuffer> OpenRecipientSlot(const KeySlot& slot, const BoxKeyPair& identity) {
  if (slot.kind != SlotKind::kRecipient) return Status::Internal("OpenRecipientSlot on a passphrase slot");
  if (slot.sealed.size() != kRecipientSlotBytes) return BadSlot(slot.name, "the sealed key has the wrong length");
  auto key = BoxSealOpen(identity, slot.sealed);
  if (!key.ok()) {
    if (key.status().code() == Code::kFormat) return BadSlot(slot.name, "its sealed key has a low-order ephemeral key");
    return Status::NoMatch("key slot '" + slot.name + "' is not sealed to this identity");
  }
  if (key->size() != kVaultKeyBytes) return BadSlot(slot.name, "the sealed key has the wrong length");
  return std::move(key).value();
}

KeySlot RewrapPassphraseSlot(const KeySlot& slot, const SecretBuffer& kek, const SecretBuffer& new_vault_key,
                             Rng& rng) {
  KeySlot out = slot;
  out.passphrase.nonce = rng.Draw(kAeadNonceBytes);
  out.passphrase.wrapped =
      AeadSeal(kek, out.passphrase.nonce, new_vault_key.span(), KeyringAssociatedData(out.passphrase));
  return out;
}

}  // namespace akv

// Key slots: the ways to reach a vault's one random vault key.
//
// A vault has one vault key and any number of slots that wrap it:
//   - the passphrase slot (at most one): the keyring header of keyring.h,
//     i.e. Argon2id(passphrase, salt) -> KEK, XChaCha20-Poly1305 of the vault
//     key with the header as AAD. The same bytes as a single-passphrase
//     vault's wrap, so an existing vault's keyring becomes its passphrase
//     slot without re-encryption;
//   - recipient slots, one per admin: crypto_box_seal of the vault key to the
//     admin's X25519 public key from `akvault keygen` (32 + 48 = 80 bytes),
//     opened with `--identity FILE`.
// A slot on its own authenticates nothing about the list it is in: anyone
// can seal a key to a public key, and whoever writes the database can add a
// row. The list is authenticated as a whole under the vault key
// (slot_list.h); a slot is only ever trusted after that check.
//
// Everything here is pure: no storage, no terminal. Slots read from storage
// are untrusted and checked field by field (CheckSlotShape) before use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vault/bytes.h"
#include "vault/crypto/box.h"
#include "vault/crypto/secret.h"
#include "vault/keyring.h"
#include "vault/status.h"

namespace akv {

class Rng;

inline constexpr std::size_t kVaultKeyBytes = 32;
inline constexpr std::size_t kRecipientSlotBytes = kVaultKeyBytes + kBoxSealOverhead;  // 80
// The passphrase slot's fixed name; no admin may take it.
inline constexpr std::string_view kPassphraseSlotName = "passphrase";
inline constexpr std::size_t kMaxSlotNameLength = 64;

enum class SlotKind { kPassphrase, kRecipient };
std::string_view SlotKindName(SlotKind kind);  // "passphrase" | "recipient"
std::optional<SlotKind> ParseSlotKind(std::string_view name);

struct KeySlot {
  std::string name;  // admin name ([A-Za-z0-9._@-]), or "passphrase"
  SlotKind kind = SlotKind::kRecipient;
  // kPassphrase: the keyring header (vault id, KDF parameters, salt, nonce,
  // wrapped key). Unused for a recipient slot.
  KeyringHeader passphrase;
  // kRecipient: the admin's public key and the sealed vault key.
  BoxPublicKey recipient{};
  Bytes sealed;
  std::int64_t added_at = 0;  // Unix seconds
  std::string added_by;       // the slot name that added it ("init" for the first)
};

// kUsage unless `name` is a valid admin name (the owner-name alphabet, at most
// 64 characters) and not the reserved "passphrase".
Status ValidateAdminName(std::string_view name);

// kFormat naming the slot and the field when a slot read from storage has
// the wrong shape: bad name, a field of the wrong length, a passphrase slot
// not named "passphrase" or bound to another vault id, a low-order
// recipient key. KDF bounds are checked too (before any Argon2id).
Status CheckSlotShape(const KeySlot& slot, ByteView vault_id);

// The passphrase slot for `vault_key`: a fresh salt and nonce, one Argon2id.
Result<KeySlot> MakePassphraseSlot(const SecretBuffer& vault_key, const SecretBuffer& passphrase, ByteView vault_id,
                                   const KdfParams& kdf, Rng& rng, std::int64_t now, std::string added_by);
// A recipient slot sealing `vault_key` to `recipient`. kUsage for an invalid
// name or a low-order key.
Result<KeySlot> MakeRecipientSlot(const SecretBuffer& vault_key, std::string name, const BoxPublicKey& recipient,
                                  std::int64_t now, std::string added_by);

// What opening the passphrase slot yields: the vault key, and the KEK, so a
// re-key can re-wrap the passphrase slot for the new key without a second
// Argon2id and without asking for the passphrase again.
struct PassphraseOpening {
  SecretBuffer vault_key;
  SecretBuffer kek;
};
// One Argon2id. kAuth for a wrong passphrase or a modified header (the two
// are indistinguishable by design, as in keyring.h).
Result<PassphraseOpening> OpenPassphraseSlot(const KeySlot& slot, const SecretBuffer& passphrase);
// kNoMatch when the slot is not sealed to `identity`, kFormat for a crafted
// ephemeral key.
Result<SecretBuffer> OpenRecipientSlot(const KeySlot& slot, const BoxKeyPair& identity);

// The passphrase slot re-wrapped for `new_vault_key` under the same KEK and
// salt with a fresh nonce (no Argon2id): the passphrase still opens it.
KeySlot RewrapPassphraseSlot(const KeySlot& slot, const SecretBuffer& kek, const SecretBuffer& new_vault_key, Rng& rng);

}  // namespace akv

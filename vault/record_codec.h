// Sealing and opening one key record, and its contribution to the
// vault-state MAC. Format details: docs/vault-format.md, "Key records".
//
// The secret and the note are sealed together with XChaCha20-Poly1305 under
// the records subkey, a fresh random nonce, and associated data that binds
// every metadata column plus the vault id, the record's uuid and its row
// version. Editing a column, swapping two ciphertexts, copying a row from
// another vault or putting back an older version of a row all fail to open.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "vault/bytes.h"
#include "vault/crypto/mac.h"
#include "vault/crypto/secret.h"
#include "vault/key_record.h"
#include "vault/status.h"

namespace akv {

class Rng;

inline constexpr std::uint32_t kRecordFormatVersion = 1;

// The associated data of a stored key (docs/vault-format.md).
Bytes RecordAssociatedData(ByteView vault_id, const StoredKey& key);

// The secret and note of an opened record, both in secure memory.
struct RecordSecret {
  SecretBuffer secret;
  std::string note;  // not a secret, but only readable with the vault key
};

// Seals `secret` and `note` into key.nonce / key.sealed using key.meta,
// key.uuid and key.version as they are.
void SealRecord(const SecretBuffer& record_key, ByteView vault_id, StoredKey& key,
                std::span<const std::uint8_t> secret, std::string_view note, Rng& rng);
// Re-seals a record whose metadata changes: opens `current` (verifying it),
// then seals the same secret and note under `new_meta` with the row version
// bumped and a new nonce. The result keeps the uuid.
Result<StoredKey> ResealRecord(const SecretBuffer& record_key, ByteView vault_id, const StoredKey& current,
                               const KeyMetadata& new_meta, Rng& rng);

// kTampered naming the AccessKey ID when the record does not verify.
Result<RecordSecret> OpenRecord(const SecretBuffer& record_key, ByteView vault_id, const StoredKey& key);

// The record's element of the vault-state multiset MAC.
Mac RecordStateElement(const SecretBuffer& state_key, ByteView vault_id, const StoredKey& key);

// The same operations for many records in a row (import, check), with the
// same bytes out. The functions above allocate a secure buffer per record and
// build the associated data once for the seal and again for the state
// element; at 100,000 records the sodium_malloc/sodium_free pairs alone
// (mmap, mprotect, mlock and the TLB shootdowns of munmap) took seconds. A
// codec keeps one secure scratch buffer for every plaintext, wiped after each
// record and freed (wiped again) with the codec, and one buffer for the
// associated data, built once per record for both uses.
//
// The keys and the vault id are borrowed: they must outlive the codec. One
// codec per operation; not thread-safe.
class RecordCodec {
 public:
  RecordCodec(const SecretBuffer& record_key, const SecretBuffer& state_key, ByteView vault_id);
  RecordCodec(const RecordCodec&) = delete;
  RecordCodec& operator=(const RecordCodec&) = delete;

  // SealRecord (a fresh nonce from `rng`), returning the record's state element.
  Mac Seal(StoredKey& key, std::span<const std::uint8_t> secret, std::string_view note, Rng& rng);
  // OpenRecord without keeping anything: the plaintext is checked and wiped
  // at once. kTampered as OpenRecord, else the record's state element.
  Result<Mac> Verify(const StoredKey& key);

 private:
  // A date's text, kept while consecutive records share the date (all of an
  // import's keys, most of a vault's): Date::ToString is an snprintf.
  struct DateText {
    std::int64_t days = std::numeric_limits<std::int64_t>::min();
    std::string text;
  };
  const Bytes& BuildAssociatedData(const StoredKey& key);
  std::span<std::uint8_t> Scratch(std::size_t size);

  const SecretBuffer& record_key_;
  KeyedHasher state_mac_;
  ByteView vault_id_;
  SecretBuffer scratch_;
  Bytes aad_;
  DateText created_, due_, since_;
};

}  // namespace akv

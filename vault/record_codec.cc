#include "vault/record_codec.h"

#include <cstring>

#include "vault/crypto/aead.h"
#include "vault/crypto/random.h"
#include "vault/encoding/canonical.h"

namespace akv {
namespace {

std::optional<std::string> DateText(const std::optional<Date>& d) {
  return d ? std::optional<std::string>(d->ToString()) : std::nullopt;
}

// Plaintext layout: u32 secret length, secret, note (the rest).
SecretBuffer EncodePlaintext(std::span<const std::uint8_t> secret, std::string_view note) {
  SecretBuffer plain(4 + secret.size() + note.size());
  std::uint8_t* p = plain.data();
  const auto n = static_cast<std::uint32_t>(secret.size());
  p[0] = static_cast<std::uint8_t>(n >> 24);
  p[1] = static_cast<std::uint8_t>(n >> 16);
  p[2] = static_cast<std::uint8_t>(n >> 8);
  p[3] = static_cast<std::uint8_t>(n);
  if (!secret.empty()) std::memcpy(p + 4, secret.data(), secret.size());
  if (!note.empty()) std::memcpy(p + 4 + secret.size(), note.data(), note.size());
  return plain;
}

}  // namespace

Bytes RecordAssociatedData(ByteView vault_id, const StoredKey& key) {
  const KeyMetadata& m = key.meta;
  CanonicalWriter w("akvault/record");
  w.Number(kRecordFormatVersion)
      .Field(vault_id)
      .Field(key.uuid)
      .Number(key.version)
      .Text(m.akid)
      .Text(m.owner)
      .OptionalText(m.app)
      .Text(KeyStatusName(m.status))
      .Text(m.created.ToString())
      .Number(m.rotate_days)
      .OptionalText(DateText(m.due_date))
      .OptionalText(DateText(m.status_since))
      .OptionalText(m.predecessor)
      .OptionalText(m.successor)
      .Number(m.main_account ? 1 : 0);
  return w.bytes();
}

void SealRecord(const SecretBuffer& record_key, ByteView vault_id, StoredKey& key,
                std::span<const std::uint8_t> secret, std::string_view note, Rng& rng) {
  key.nonce = rng.Draw(kAeadNonceBytes);
  SecretBuffer plain = EncodePlaintext(secret, note);
  key.sealed = AeadSeal(record_key, key.nonce, plain.span(), RecordAssociatedData(vault_id, key));
}

Result<StoredKey> ResealRecord(const SecretBuffer& record_key, ByteView vault_id, const StoredKey& current,
                               const KeyMetadata& new_meta, Rng& rng) {
  AKV_ASSIGN_OR_RETURN(RecordSecret opened, OpenRecord(record_key, vault_id, current));
  StoredKey next;
  next.meta = new_meta;
  next.uuid = current.uuid;
  next.version = current.version + 1;
  SealRecord(record_key, vault_id, next, opened.secret.span(), opened.note, rng);
  return next;
}

Result<RecordSecret> OpenRecord(const SecretBuffer& record_key, ByteView vault_id, const StoredKey& key) {
  if (key.nonce.size() != kAeadNonceBytes) {
    return Status::Tampered("record of " + key.meta.akid + " has a damaged nonce",
                            "run akvault check; restore the vault from a backup");
  }
  auto opened = AeadOpen(record_key, key.nonce, key.sealed, RecordAssociatedData(vault_id, key));
  if (!opened.ok()) {
    return Status::Tampered("record of " + key.meta.akid + " failed authentication (its metadata or secret was modified)",
                            "run akvault check; restore the vault from a backup");
  }
  SecretBuffer& plain = opened.value();
  if (plain.size() < 4) return Status::Tampered("record of " + key.meta.akid + " is malformed");
  const std::uint32_t n = ReadU32BE(plain.data());
  if (n > plain.size() - 4) return Status::Tampered("record of " + key.meta.akid + " is malformed");
  RecordSecret out;
  out.secret = SecretBuffer::CopyOf(std::span<const std::uint8_t>(plain.data() + 4, n));
  out.note.assign(reinterpret_cast<const char*>(plain.data() + 4 + n), plain.size() - 4 - n);
  return out;
}

Mac RecordStateElement(const SecretBuffer& state_key, ByteView vault_id, const StoredKey& key) {
  Bytes aad = RecordAssociatedData(vault_id, key);
  return KeyedHash(state_key, {AsBytes("akvault/state/key"), aad, key.nonce, key.sealed});
}

}  // namespace akv

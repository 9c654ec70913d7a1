#include "vault/record_codec.h"

#include <algorithm>
#include <cstring>

#include "vault/crypto/aead.h"
#include "vault/crypto/random.h"
#include "vault/encoding/canonical.h"

namespace akv {
namespace {

constexpr std::string_view kRecordDomain = "akvault/record";
constexpr std::string_view kStateKeyDomain = "akvault/state/key";
// One page: a console secret is 30 bytes and a note rarely more than a line.
constexpr std::size_t kScratchBytes = 4096;

// docs/vault-format.md, "Key records": the order is the format.
void WriteAssociatedData(Bytes& out, ByteView vault_id, const StoredKey& key, const std::string& created,
                         const std::string* due_date, const std::string* status_since) {
  const KeyMetadata& m = key.meta;
  CanonicalWriter(out, kRecordDomain)
      .Number(kRecordFormatVersion)
      .Field(vault_id)
      .Field(key.uuid)
      .Number(key.version)
      .Text(m.akid)
      .Text(m.owner)
      .OptionalText(m.app)
      .Text(KeyStatusName(m.status))
      .Text(created)
      .Number(m.rotate_days)
      .OptionalText(due_date)
      .OptionalText(status_since)
      .OptionalText(m.predecessor)
      .OptionalText(m.successor)
      .Number(m.main_account ? 1 : 0);
}

Bytes BuildAssociatedData(ByteView vault_id, const StoredKey& key) {
  const KeyMetadata& m = key.meta;
  const std::string due = m.due_date ? m.due_date->ToString() : std::string();
  const std::string since = m.status_since ? m.status_since->ToString() : std::string();
  Bytes out;
  WriteAssociatedData(out, vault_id, key, m.created.ToString(), m.due_date ? &due : nullptr,
                      m.status_since ? &since : nullptr);
  return out;
}

// Plaintext layout: u32 secret length, secret, note (the rest).
std::size_t PlaintextSize(std::span<const std::uint8_t> secret, std::string_view note) {
  return 4 + secret.size() + note.size();
}

void EncodePlaintext(std::span<std::uint8_t> out, std::span<const std::uint8_t> secret, std::string_view note) {
  std::uint8_t* p = out.data();
  const auto n = static_cast<std::uint32_t>(secret.size());
  p[0] = static_cast<std::uint8_t>(n >> 24);
  p[1] = static_cast<std::uint8_t>(n >> 16);
  p[2] = static_cast<std::uint8_t>(n >> 8);
  p[3] = static_cast<std::uint8_t>(n);
  if (!secret.empty()) std::memcpy(p + 4, secret.data(), secret.size());
  if (!note.empty()) std::memcpy(p + 4 + secret.size(), note.data(), note.size());
}

// The secret's length from a decrypted plaintext, or nullopt when the
// length prefix does not fit (only a bug or a forged key could seal that).
std::optional<std::uint32_t> SecretLength(std::span<const std::uint8_t> plain) {
  if (plain.size() < 4) return std::nullopt;
  const std::uint32_t n = ReadU32BE(plain.data());
  if (n > plain.size() - 4) return std::nullopt;
  return n;
}

Mac StateElement(const SecretBuffer& state_key, ByteView aad, const StoredKey& key) {
  return KeyedHash(state_key, {AsBytes(kStateKeyDomain), aad, key.nonce, key.sealed});
}

Status DamagedNonce(const StoredKey& key) {
  return Status::Tampered("record of " + key.meta.akid + " has a damaged nonce",
                          "run akvault check; restore the vault from a backup");
}
Status FailedAuthentication(const StoredKey& key) {
  return Status::Tampered("record of " + key.meta.akid + " failed authentication (its metadata or secret was modified)",
                          "run akvault check; restore the vault from a backup");
}
Status Malformed(const StoredKey& key) { return Status::Tampered("record of " + key.meta.akid + " is malformed"); }

}  // namespace

Bytes RecordAssociatedData(ByteView vault_id, const StoredKey& key) { return BuildAssociatedData(vault_id, key); }

void SealRecord(const SecretBuffer& record_key, ByteView vault_id, StoredKey& key,
                std::span<const std::uint8_t> secret, std::string_view note, Rng& rng) {
  key.nonce = rng.Draw(kAeadNonceBytes);
  SecretBuffer plain(PlaintextSize(secret, note));
  EncodePlaintext(plain.span(), secret, note);
  key.sealed = AeadSeal(record_key, key.nonce, plain.span(), BuildAssociatedData(vault_id, key));
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
  if (key.nonce.size() != kAeadNonceBytes) return DamagedNonce(key);
  auto opened = AeadOpen(record_key, key.nonce, key.sealed, BuildAssociatedData(vault_id, key));
  if (!opened.ok()) return FailedAuthentication(key);
  SecretBuffer& plain = opened.value();
  const std::optional<std::uint32_t> n = SecretLength(plain.span());
  if (!n) return Malformed(key);
  RecordSecret out;
  out.note.assign(reinterpret_cast<const char*>(plain.data() + 4 + *n), plain.size() - 4 - *n);
  // The secret moves to the front of the plaintext's own buffer, which
  // Truncate then wipes past it: one secure allocation per open, not two.
  std::memmove(plain.data(), plain.data() + 4, *n);
  plain.Truncate(*n);
  out.secret = std::move(plain);
  return out;
}

Mac RecordStateElement(const SecretBuffer& state_key, ByteView vault_id, const StoredKey& key) {
  return StateElement(state_key, BuildAssociatedData(vault_id, key), key);
}

// ---- RecordCodec -------------------------------------------------------------

RecordCodec::RecordCodec(const SecretBuffer& record_key, const SecretBuffer& state_key, ByteView vault_id)
    : record_key_(record_key), state_mac_(state_key), vault_id_(vault_id), scratch_(kScratchBytes) {
  aad_.reserve(512);
}

std::span<std::uint8_t> RecordCodec::Scratch(std::size_t size) {
  // Only an unusually long note outgrows the page; the old buffer is wiped
  // as it is freed.
  if (size > scratch_.size()) scratch_ = SecretBuffer(std::max(size, 2 * scratch_.size()));
  return scratch_.span().first(size);
}

const Bytes& RecordCodec::BuildAssociatedData(const StoredKey& key) {
  auto text = [](DateText& slot, const std::optional<Date>& date) -> const std::string* {
    if (!date) return nullptr;
    if (slot.days != date->days()) {
      slot.text = date->ToString();
      slot.days = date->days();
    }
    return &slot.text;
  };
  const KeyMetadata& m = key.meta;
  const std::string* created = text(created_, m.created);
  WriteAssociatedData(aad_, vault_id_, key, *created, text(due_, m.due_date), text(since_, m.status_since));
  return aad_;
}

Mac RecordCodec::Seal(StoredKey& key, std::span<const std::uint8_t> secret, std::string_view note, Rng& rng) {
  key.nonce.resize(kAeadNonceBytes);
  rng.Fill(key.nonce);
  const std::span<std::uint8_t> plain = Scratch(PlaintextSize(secret, note));
  EncodePlaintext(plain, secret, note);
  const Bytes& aad = BuildAssociatedData(key);
  key.sealed = AeadSeal(record_key_, key.nonce, plain, aad);
  Wipe(plain);
  return state_mac_({AsBytes(kStateKeyDomain), aad, key.nonce, key.sealed});
}

Result<Mac> RecordCodec::Verify(const StoredKey& key) {
  if (key.nonce.size() != kAeadNonceBytes) return DamagedNonce(key);
  if (key.sealed.size() < kAeadTagBytes) return FailedAuthentication(key);
  const std::span<std::uint8_t> out = Scratch(key.sealed.size() - kAeadTagBytes);
  const Bytes& aad = BuildAssociatedData(key);
  auto opened = AeadOpenInto(record_key_, key.nonce, key.sealed, aad, out);
  const bool well_formed = opened.ok() && SecretLength(out.first(*opened)).has_value();
  Wipe(out);
  if (!opened.ok()) return FailedAuthentication(key);
  if (!well_formed) return Malformed(key);
  return state_mac_({AsBytes(kStateKeyDomain), aad, key.nonce, key.sealed});
}

}  // namespace akv

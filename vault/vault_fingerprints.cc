// Vault: the leak scan's fingerprints (schema/006_fingerprints.sql).
//
// Written in the transaction that adds a key (add, import, rotate), and
// backfilled by Unlock() for keys added before schema version 6. Only a
// secret of exactly 30 characters (what the cloud issues, and the only
// token scan looks for) gets a secret fingerprint: a short secret typed by
// hand could be guessed from its fingerprint, one of 30 random alphanumerics
// cannot (docs/design.md, "Leak scan").
#include "vault/crypto/random.h"
#include "vault/scan/fingerprint.h"
#include "vault/scan/id_rules.h"
#include "vault/vault_write.h"

namespace akv {

Result<const SecretBuffer*> Vault::ScanKeyForWrite() {
  AKV_RETURN_IF_ERROR(RequireUnlocked());
  if (scan_key_) return &*scan_key_;
  AKV_ASSIGN_OR_RETURN(Statement read, db_->Prepare("SELECT fp_key, mac FROM scan_key WHERE singleton = 1"));
  AKV_ASSIGN_OR_RETURN(bool row, read.Step());
  if (row) {
    const Bytes key = read.Blob(0);
    if (key.size() != scan::kScanKeyBytes ||
        !ConstantTimeEqual(scan::ScanKeyMac(subkeys_->state, keyring_.vault_id, key), read.Blob(1))) {
      return Status::Tampered("vault " + path_ + ": the leak scan's fingerprint key failed authentication",
                              "run `akvault check`; restore the vault from a backup");
    }
    scan_key_ = SecretBuffer::CopyOf(key);
    return &*scan_key_;
  }
  SecretBuffer key(scan::kScanKeyBytes);
  rng_.Fill(key.span());
  AKV_ASSIGN_OR_RETURN(Statement insert,
                       db_->Prepare("INSERT INTO scan_key (singleton, fp_key, mac) VALUES (1, ?1, ?2)"));
  insert.BindBlob(1, key.span());
  insert.BindBlob(2, scan::ScanKeyMac(subkeys_->state, keyring_.vault_id, key.span()));
  AKV_RETURN_IF_ERROR(insert.Run());
  scan_key_ = std::move(key);
  return &*scan_key_;
}

Status Vault::WriteFingerprints(const std::vector<std::pair<std::string_view, ByteView>>& keys) {
  AKV_ASSIGN_OR_RETURN(const SecretBuffer* fp_key, ScanKeyForWrite());
  const KeyedHasher hasher(*fp_key);
  AKV_ASSIGN_OR_RETURN(Statement insert,
                       db_->Prepare("INSERT OR REPLACE INTO scan_fingerprints (akid, id_fp, secret_fp, mac) "
                                    "VALUES (?1, ?2, ?3, ?4)"));
  for (const auto& [akid, secret] : keys) {
    const Mac id_fp = scan::IdFingerprint(hasher, akid);
    Mac secret_fp{};
    ByteView secret_view;
    if (secret.size() == scan::kSecretLength) {
      secret_fp = scan::SecretFingerprint(hasher, secret);
      secret_view = secret_fp;
    }
    insert.Bind(1, akid);
    insert.BindBlob(2, id_fp);
    insert.BindBlob(3, secret_view);
    insert.BindBlob(4, scan::FingerprintRowMac(subkeys_->state, keyring_.vault_id, akid, id_fp, secret_view));
    AKV_RETURN_IF_ERROR(insert.Run());
  }
  return Status::Ok();
}

Status Vault::DeleteFingerprint(const std::string& akid) {
  AKV_ASSIGN_OR_RETURN(Statement del, db_->Prepare("DELETE FROM scan_fingerprints WHERE akid = ?1"));
  del.Bind(1, akid);
  return del.Run();
}

Status Vault::BackfillFingerprints() {
  AKV_ASSIGN_OR_RETURN(
      const std::int64_t missing,
      db_->QueryInt("SELECT count(*) FROM keys WHERE akid NOT IN (SELECT akid FROM scan_fingerprints)"));
  if (missing == 0) return Status::Ok();
  AKV_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*db_));
  AKV_ASSIGN_OR_RETURN(Statement keys, db_->Prepare(std::string("SELECT ") + vault_internal::kKeyColumns +
                                                    " FROM keys WHERE akid NOT IN (SELECT akid FROM "
                                                    "scan_fingerprints) ORDER BY akid"));
  for (;;) {
    AKV_ASSIGN_OR_RETURN(bool row, keys.Step());
    if (!row) break;
    AKV_ASSIGN_OR_RETURN(StoredKey key, vault_internal::RowToKey(keys));
    // Only an authentic record's secret is fingerprinted.
    AKV_ASSIGN_OR_RETURN(RecordSecret opened, OpenRecord(subkeys_->records, keyring_.vault_id, key));
    AKV_RETURN_IF_ERROR(WriteFingerprints({{key.meta.akid, opened.secret.span()}}));
  }
  return txn->Commit();
}

Result<scan::ScanIndex> Vault::LoadScanIndex() {
  scan::ScanIndex index;
  AKV_ASSIGN_OR_RETURN(const std::int64_t has_tables,
                       db_->QueryInt("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
                                     "('scan_key', 'scan_fingerprints')"));
  if (has_tables != 2) {  // a read-only vault of an older schema
    AKV_ASSIGN_OR_RETURN(const std::int64_t keys, db_->QueryInt("SELECT count(*) FROM keys"));
    index.keys_without_fingerprint = static_cast<std::size_t>(keys);
    return index;
  }
  AKV_RETURN_IF_ERROR(db_->Exec("BEGIN"));  // one snapshot for the three reads
  struct EndRead {
    Database& db;
    ~EndRead() { (void)db.Exec("COMMIT"); }
  } end_read{*db_};
  AKV_ASSIGN_OR_RETURN(Statement key, db_->Prepare("SELECT fp_key FROM scan_key WHERE singleton = 1"));
  AKV_ASSIGN_OR_RETURN(bool has_key, key.Step());
  if (has_key) {
    const Bytes bytes = key.Blob(0);
    if (bytes.size() != scan::kScanKeyBytes) {
      return Status::Tampered("vault " + path_ + ": the leak scan's fingerprint key is damaged", "run `akvault check`");
    }
    index.key = SecretBuffer::CopyOf(bytes);
    AKV_ASSIGN_OR_RETURN(Statement rows, db_->Prepare("SELECT akid, id_fp, secret_fp FROM scan_fingerprints"));
    for (;;) {
      AKV_ASSIGN_OR_RETURN(bool row, rows.Step());
      if (!row) break;
      scan::FingerprintRow fp;
      fp.akid = rows.Text(0);
      const Bytes id_fp = rows.Blob(1);
      const Bytes secret_fp = rows.Blob(2);
      if (id_fp.size() != kMacBytes || (!secret_fp.empty() && secret_fp.size() != kMacBytes)) {
        return Status::Tampered("vault " + path_ + ": the fingerprint of " + fp.akid + " is damaged",
                                "run `akvault check`");
      }
      std::copy(id_fp.begin(), id_fp.end(), fp.id_fp.begin());
      if (!secret_fp.empty()) std::copy(secret_fp.begin(), secret_fp.end(), fp.secret_fp.begin());
      index.rows.push_back(std::move(fp));
    }
  }
  AKV_ASSIGN_OR_RETURN(
      const std::int64_t missing,
      db_->QueryInt("SELECT count(*) FROM keys WHERE akid NOT IN (SELECT akid FROM scan_fingerprints)"));
  index.keys_without_fingerprint = static_cast<std::size_t>(missing);
  return index;
}

void Vault::CheckFingerprints(std::vector<std::string>& problems) {
  auto fail = [&](std::string text) { problems.push_back(std::move(text)); };
  auto key_row = db_->Prepare("SELECT fp_key, mac FROM scan_key WHERE singleton = 1");
  if (!key_row.ok()) return;  // an older schema, read-only
  auto has_key = key_row->Step();
  if (!has_key.ok() || !*has_key) return;  // no key yet: nothing fingerprinted
  const Bytes fp_key = key_row->Blob(0);
  if (fp_key.size() != scan::kScanKeyBytes ||
      !ConstantTimeEqual(scan::ScanKeyMac(subkeys_->state, keyring_.vault_id, fp_key), key_row->Blob(1))) {
    fail("leak scan fingerprint key: failed authentication");
    return;
  }
  const SecretBuffer key = SecretBuffer::CopyOf(fp_key);
  const KeyedHasher hasher(key);
  auto rows = db_->Prepare(std::string("SELECT f.akid, f.id_fp, f.secret_fp, f.mac, ") +
                           "k.nonce IS NULL FROM "
                           "scan_fingerprints f LEFT JOIN keys k ON k.akid = f.akid ORDER BY f.akid");
  if (!rows.ok()) return fail("leak scan fingerprints: " + rows.status().message());
  for (;;) {
    auto row = rows->Step();
    if (!row.ok() || !*row) break;
    const std::string akid = rows->Text(0);
    const Bytes id_fp = rows->Blob(1), secret_fp = rows->Blob(2);
    // A fingerprint whose key row is gone: the deleted row is what `check`
    // reports (the vault state no longer matches); scan reports such an ID
    // as unknown, since it finds no key for it.
    if (rows->Int(4) != 0) continue;
    if (!ConstantTimeEqual(scan::FingerprintRowMac(subkeys_->state, keyring_.vault_id, akid, id_fp, secret_fp),
                           rows->Blob(3)) ||
        !ConstantTimeEqual(scan::IdFingerprint(hasher, akid), id_fp)) {
      fail("fingerprint of " + akid + ": failed authentication");
      continue;
    }
    auto stored = FindKey(akid);
    if (!stored.ok() || !*stored) continue;
    auto opened = OpenRecord(subkeys_->records, keyring_.vault_id, **stored);
    if (!opened.ok()) continue;  // reported with the key's record
    const bool want = opened->secret.size() == scan::kSecretLength;
    if (want != !secret_fp.empty() ||
        (want && !ConstantTimeEqual(scan::SecretFingerprint(hasher, opened->secret.span()), secret_fp))) {
      fail("fingerprint of " + akid + ": does not match the key's secret");
    }
  }
}

}  // namespace akv

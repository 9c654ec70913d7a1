// Vault: one SQLite file of per-owner, per-application AccessKeys, encrypted
// at rest. The public face of the library for everything a command does to a
// vault.
//
// Life cycle: Open() checks permissions (file 0600, folder 0700, both ours,
// no loose ancestor), opens SQLite and migrates an older schema. Metadata
// reads (list, due, log) work right away with no passphrase. Unlock() runs
// the one Argon2id derivation of the command; after it, every operation that
// reads a secret or changes the vault is available. Each change is one
// BEGIN IMMEDIATE transaction that also updates the vault-state MAC and
// appends its audit entry, so a crash leaves the old state or the new one.
//
// Failure: every method returns a Status/Result; nothing throws for bad
// input. Messages name keys and paths, never secrets.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vault/audit.h"
#include "vault/bytes.h"
#include "vault/crypto/kdf.h"
#include "vault/crypto/secret.h"
#include "vault/key_record.h"
#include "vault/keyring.h"
#include "vault/record_codec.h"
#include "vault/state_mac.h"
#include "vault/status.h"

namespace akv {

class Clock;
class Database;
class Rng;

struct KeyFilter {
  std::optional<std::string> owner;
  std::optional<std::string> app;
  bool include_retired = false;
};

// A key to add: its metadata and secret (note optional).
struct NewKey {
  KeyMetadata meta;
  SecretBuffer secret;
  std::string note;
};

// A key to import: the secret is a view into the caller's secure buffer
// (the whole CSV file), because 100,000 separate sodium_malloc allocations
// would exhaust the kernel's mapping limit (each has guard pages).
struct ImportKey {
  KeyMetadata meta;
  std::span<const std::uint8_t> secret;
};
// A key of an import whose keys differ only in ID and secret (the console
// CSV's case: one owner, app, creation day and period): views into the
// caller's buffer, no metadata per key.
struct ImportRow {
  std::string_view akid;
  std::span<const std::uint8_t> secret;
};

// The order in which ImportKeys inserts rows (by AccessKey ID). Sorting
// 100,000 IDs takes a few milliseconds, so `akvault import` computes it on a
// second core while Argon2id unlocks the vault.
struct ImportOrder {
  std::vector<std::uint32_t> rows;  // indexes into the rows, in insertion order
};
// kConflict when an ID appears twice. Needs no vault.
Result<ImportOrder> OrderImportRows(const std::vector<ImportRow>& rows, const std::string& source);

// One row of a key's distribution history: a bundle that carried it.
struct Distribution {
  std::string bundle_id;  // hex
  std::string akid;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  std::string mode;                     // password | recipients | recipients+password
  std::vector<std::string> recipients;  // public keys, as printed by keygen
  std::string destination;              // the bundle path as given to --out
};

// What `check` found: empty problems means the vault verified.
struct CheckReport {
  std::int64_t keys_checked = 0;
  std::int64_t audit_entries_checked = 0;
  std::vector<std::string> problems;
};

// A progress callback for long operations: (done, total).
using ProgressFn = std::function<void(std::size_t, std::size_t)>;

class Vault {
 public:
  enum class Access { kReadOnly, kReadWrite };

  // `init`: creates the folder (0700) if missing and the vault file (0600,
  // O_EXCL: never overwrites), a random vault key and vault id, and wraps the
  // key under `passphrase` with `kdf`. kConflict if the file exists.
  static Status Create(const std::string& path, const SecretBuffer& passphrase, const KdfParams& kdf, Rng& rng,
                       Clock& clock);

  // Opens an existing vault (see the life cycle above). kNotFound when there
  // is none ("run akvault init"), kPermission, kFormat for junk or a newer
  // schema. kReadOnly falls back to an immutable read of read-only media.
  // A file whose schema holds any object akvault's migrations do not create
  // (a trigger, a view, a changed table) is refused with kTampered naming it.
  static Result<std::unique_ptr<Vault>> Open(const std::string& path, Access access, Rng& rng, Clock& clock);
  // Open for `check` only: a foreign schema object is not refused here but
  // reported by Check() (triggers and views never run on akvault's
  // connections, so reading such a file is safe).
  static Result<std::unique_ptr<Vault>> OpenForCheck(const std::string& path, Rng& rng, Clock& clock);
  ~Vault();

  // The one Argon2id of the command. kAuth on a wrong passphrase.
  Status Unlock(const SecretBuffer& passphrase);
  bool unlocked() const { return subkeys_.has_value(); }
  const std::string& path() const { return path_; }
  const KdfParams& kdf() const { return keyring_.kdf; }

  // ---- The session unlock cache (vault/session/unlock_cache.h; these are
  // in vault_session.cc).
  const Bytes& vault_id() const { return keyring_.vault_id; }
  // A digest of the stored keyring (KDF parameters, salt, wrapped key): it
  // changes with every `passwd` or re-key, so an unlock cached before one is
  // refused as stale instead of used.
  Mac KeyringDigest() const;
  // Unlocks with a vault key the cache gave back (no Argon2id). kTampered
  // for a key of the wrong size.
  Status UnlockWithKey(SecretBuffer vault_key);
  // The vault key, for `akvault unlock` to cache. Needs Unlock().
  Result<const SecretBuffer*> VaultKeyForCache() const;

  // ---- Metadata reads: no passphrase needed. Rows stream to the callback;
  // returning a failed Status from it stops the walk with that Status.
  Result<std::optional<StoredKey>> FindKey(const std::string& akid);
  Status ForEachKey(const KeyFilter& filter, const std::function<Status(const StoredKey&)>& fn);
  // Keys with a due date on or before `limit` (active keys past or near their
  // deadline, superseded keys past their grace period), earliest first.
  Status ForEachDue(Date limit, const KeyFilter& filter, const std::function<Status(const StoredKey&)>& fn);
  // The same two walks for listings (`list`, `due`): the same rows in the
  // same order, metadata only (no uuid, version, nonce or sealed is read).
  Status ForEachKeyMetadata(const KeyFilter& filter, const std::function<Status(const KeyMetadata&)>& fn);
  Status ForEachDueMetadata(Date limit, const KeyFilter& filter,
                            const std::function<Status(const KeyMetadata&)>& fn);
  Status ForEachAuditEntry(const std::function<Status(const AuditEntry&)>& fn);
  Status ForEachDistribution(const std::string& akid, const std::function<Status(const Distribution&)>& fn);
  // A config value as stored (unverified; Unlock + VerifiedConfig to trust it).
  Result<std::optional<std::string>> ConfigValue(const std::string& name);

  // ---- Everything below needs Unlock().
  // Adds one key. kConflict naming the owner and app if the ID exists.
  Status AddKey(const NewKey& key);
  // Adds all keys in one transaction, or none. kConflict naming the first
  // duplicate (in the vault or within the batch).
  Status ImportKeys(const std::vector<ImportKey>& keys, const std::string& source, const ProgressFn& progress);
  // The same for rows that share `shared` (its akid is ignored). `order`,
  // from OrderImportRows, saves sorting the rows again here; an order that
  // does not fit `rows` is ignored.
  Status ImportKeys(const KeyMetadata& shared, const std::vector<ImportRow>& rows, const std::string& source,
                    const ProgressFn& progress, const ImportOrder* order = nullptr);
  // Verifies and decrypts a key's record; appends a `reveal` audit entry
  // naming `purpose` (show, export, exec, credential-process).
  Result<RecordSecret> RevealKey(const std::string& akid, const std::string& purpose);
  // Verifies and decrypts a key's record WITHOUT an audit entry: for
  // checks and for callers that record their own event (export records the
  // bundle). A caller that shows the secret must use RevealKey instead.
  Result<RecordSecret> OpenKeyRecord(const StoredKey& key);
  Status RemoveKey(const std::string& akid);
  // Records `replacement` (active, same owner/app) and marks `old_akid`
  // superseded with a due date `grace_days` after today, in one transaction.
  // kConflict if old is not active (lost a race, or already rotated).
  Status RotateKey(const std::string& old_akid, const NewKey& replacement, int grace_days);
  Status RetireKey(const std::string& akid);
  // Records that `exported` went out in a bundle (distributions + audit).
  // In the same write transaction, before anything is recorded, every key
  // is re-read: it must still be active and the very row the bundle was
  // sealed from (same uuid and version). Otherwise kConflict (a rotate,
  // retire or remove won the race) and nothing changes: the caller must then
  // not publish the bundle.
  Status RecordExport(const std::vector<Distribution>& rows, const std::vector<StoredKey>& exported);
  // Verified config value: kTampered if its MAC fails.
  Result<std::optional<std::string>> VerifiedConfig(const std::string& name);
  Status SetConfig(const std::string& name, const std::string& value);
  // Re-wraps the vault key under `new_passphrase` (same KDF cost unless
  // `new_kdf` is given, never below the floor), then checkpoints so no copy
  // of the old wrap stays in the -wal or in freed pages.
  Status ChangePassphrase(const SecretBuffer& new_passphrase, const std::optional<KdfParams>& new_kdf);
  // `passwd --rekey`: a new random vault key wrapped under `new_passphrase`;
  // every record re-sealed, every distribution and config row and the whole
  // audit chain re-MACed under the new subkeys, in one write transaction that
  // first verifies every row against the vault state (a tampered row is never
  // laundered into the new key: kTampered). Then VACUUM and a truncating
  // checkpoint, so no page of the file or its -wal keeps the old wrap or an
  // old ciphertext: an old backup's keyring with the old passphrase opens
  // nothing written afterwards. Returns the number of records re-sealed.
  // kConflict if another akvault changed the keyring meanwhile.
  Result<std::int64_t> Rekey(const SecretBuffer& new_passphrase, const std::optional<KdfParams>& new_kdf);
  // Verifies everything: SQLite integrity, every record, every distribution
  // and config row, the audit chain and the vault-state tag.
  Result<CheckReport> Check();

 private:
  class Write;
  Vault(std::unique_ptr<Database> db, std::string path, Rng& rng, Clock& clock);
  static Result<std::unique_ptr<Vault>> OpenImpl(const std::string& path, Access access, bool refuse_foreign_schema,
                                                 Rng& rng, Clock& clock);
  Status LoadKeyring();
  // Both ImportKeys, over either shape of input (vault_import.cc).
  template <class Rows>
  Status ImportRows(const Rows& rows, const std::string& source, const ProgressFn& progress,
                    const ImportOrder* order);
  Status RequireUnlocked() const;
  Status Checkpoint();
  Mac DistributionMac(const Distribution& row) const;
  Mac ConfigMac(const std::string& name, const std::string& value) const;

  std::unique_ptr<Database> db_;
  std::string path_;
  Rng& rng_;
  Clock& clock_;
  KeyringHeader keyring_;
  SecretBuffer vault_key_;  // kept for passwd, which re-wraps it
  std::optional<VaultSubkeys> subkeys_;
};

// The default vault path: $HOME/.akvault/vault.db.
std::string DefaultVaultPath();

}  // namespace akv

#include "vault/vault.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "vault/clock.h"
#include "vault/crypto/aead.h"
#include "vault/crypto/random.h"
#include "vault/encoding/json_dump.h"
#include "vault/fs/secure_file.h"
#include "vault/keyring_row.h"
#include "vault/storage/schema.h"
#include "vault/storage/schema_check.h"
#include "vault/vault_write.h"

namespace akv {
namespace {

Status CheckVaultFiles(const std::string& path) {
  const std::string folder = ParentOf(path);
  int dir_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0 && errno == ENOENT) {
    // A fresh account: the usual first contact (`akvault list` before init).
    return Status::NotFound("no vault at " + path, "create one with `akvault init`, or pass --vault PATH");
  }
  if (dir_fd < 0) return Status::FromErrno(errno, "cannot open vault folder", folder);
  Status folder_ok = CheckOwnerOnly(dir_fd, folder, PathKind::kVaultFolder);
  ::close(dir_fd);
  AKV_RETURN_IF_ERROR(folder_ok);
  AKV_RETURN_IF_ERROR(CheckAncestors(folder));
  // The vault and SQLite's side files (which hold recent pages of it).
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const std::string file = path + suffix;
    int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      int err = errno;
      if (err == ENOENT && *suffix != '\0') continue;
      if (err == ENOENT) {
        return Status::NotFound("no vault at " + path, "create one with `akvault init`, or pass --vault PATH");
      }
      if (err == ELOOP) return Status::Permission("vault " + file + " is a symbolic link", "give the real path with --vault");
      return Status::FromErrno(err, "cannot open vault", file);
    }
    struct stat st;
    Status ok = Status::Ok();
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ok = Status::Format("vault " + file + " is not a regular file");
    } else {
      ok = CheckOwnerOnly(fd, file, PathKind::kVaultFile);
    }
    ::close(fd);
    AKV_RETURN_IF_ERROR(ok);
  }
  return Status::Ok();
}

// A write that lost the race with passwd (H2-6).
Status ConcurrentKeyringChange(const std::string& path) {
  return Status::Conflict("the master passphrase or vault key of " + path +
                              " was changed by another akvault while this command ran",
                          "nothing was changed; run the command again (with the current passphrase)");
}

}  // namespace

std::string DefaultVaultPath() {
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.akvault/vault.db";
}

Vault::Vault(std::unique_ptr<Database> db, std::string path, Rng& rng, Clock& clock)
    : db_(std::move(db)), path_(std::move(path)), rng_(rng), clock_(clock) {}

Vault::~Vault() = default;

Status Vault::Create(const std::string& path, const SecretBuffer& passphrase, const KdfParams& kdf, Rng& rng,
                     Clock& clock) {
  AKV_RETURN_IF_ERROR(CheckKdfBounds(kKdfAlgArgon2id13, kdf));
  const std::string folder = ParentOf(path);
  if (PathExists(path)) {
    return Status::Conflict("a vault already exists at " + path, "refusing to overwrite it; use another --vault path");
  }
  // Ancestors first, so a refused init leaves no folder behind.
  AKV_RETURN_IF_ERROR(CheckAncestors(folder));
  AKV_RETURN_IF_ERROR(EnsurePrivateFolder(folder));

  // All the slow work before the file exists: a crash here leaves nothing.
  SecretBuffer vault_key(32);
  rng.Fill(vault_key.span());
  const Bytes vault_id = rng.Draw(kVaultIdBytes);
  AKV_ASSIGN_OR_RETURN(KeyringHeader header, WrapVaultKey(vault_key, passphrase, vault_id, kdf, rng));

  AKV_RETURN_IF_ERROR(CreateEmptyPrivateFile(path));
  auto build = [&]() -> Status {
    AKV_ASSIGN_OR_RETURN(auto db, Database::Open(path, Database::Mode::kReadWrite));
    // 16 KiB pages, set before the first table exists (it cannot change
    // later in WAL mode): a bulk import writes a quarter of the WAL frames
    // of SQLite's default 4 KiB, and was 15% faster for it. Older vaults keep
    // their page size.
    AKV_RETURN_IF_ERROR(db->Exec("PRAGMA page_size=16384; PRAGMA journal_mode=WAL"));
    AKV_RETURN_IF_ERROR(ApplyMigrationsUpTo(*db, CurrentSchemaVersion()));
    Vault vault(std::move(db), path, rng, clock);
    vault.keyring_ = header;
    vault.subkeys_ = DeriveVaultSubkeys(vault_key);
    vault.vault_key_ = SecretBuffer::CopyOf(vault_key.span());
    AKV_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*vault.db_));
    AKV_ASSIGN_OR_RETURN(Statement insert,
                         vault.db_->Prepare("INSERT INTO meta (singleton, format, vault_id, kdf_alg, kdf_ops, kdf_mem, "
                                            "kdf_salt, wrap_nonce, wrapped_key, state_sum, state_count, state_tag, "
                                            "created_at) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?10, ?11)"));
    const VaultState empty;
    const Mac genesis = AuditGenesis(vault.subkeys_->audit, vault_id);
    insert.Bind(1, std::int64_t{kRecordFormatVersion})
        .BindBlob(2, vault_id)
        .Bind(3, std::int64_t{header.kdf_alg})
        .Bind(4, std::int64_t{header.kdf.ops})
        .Bind(5, static_cast<std::int64_t>(header.kdf.mem_bytes))
        .BindBlob(6, header.salt)
        .BindBlob(7, header.nonce)
        .BindBlob(8, header.wrapped)
        .BindBlob(9, empty.sum)
        .BindBlob(10, StateTag(vault.subkeys_->state, vault_id, empty, genesis, 0))
        .Bind(11, clock.NowUnixSeconds());
    AKV_RETURN_IF_ERROR(insert.Run());
    AKV_RETURN_IF_ERROR(txn->Commit());
    // The first audit entry goes through the ordinary write path.
    AKV_ASSIGN_OR_RETURN(auto write, Write::Begin(vault));
    nlohmann::json detail = {{"kdf", KdfPresetName(kdf)}, {"ops", kdf.ops}, {"mem", kdf.mem_bytes}};
    AKV_RETURN_IF_ERROR(write->Audit("init", std::nullopt, DumpJson(detail)));
    return write->Commit();
  };
  Status built = build();
  if (!built.ok()) {
    // We created the file with O_EXCL, so it is ours to remove.
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) ::unlink((path + suffix).c_str());
  }
  return built;
}

namespace {

// A main file that is not a whole number of pages has lost its tail (a
// truncated copy). SQLite reads the missing bytes as zeros, so a listing
// that never touches the last page would answer as if nothing were wrong.
// With frames in the -wal, recovery may still rewrite that page: then it is
// left to SQLite (and to `check`).
Status CheckWholePages(Database& db, const std::string& path) {
  struct stat main_file {}, wal {};
  if (::stat(path.c_str(), &main_file) != 0) return Status::Ok();  // reported by the next read
  if (::stat((path + "-wal").c_str(), &wal) == 0 && wal.st_size > 0) return Status::Ok();
  AKV_ASSIGN_OR_RETURN(const std::int64_t page_size, db.QueryInt("PRAGMA page_size"));
  if (page_size > 0 && main_file.st_size % page_size != 0) {
    return Status::Format("vault " + path + " is damaged: it ends in the middle of a database page (truncated)",
                          "restore the vault from a backup");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Vault>> Vault::Open(const std::string& path, Access access, Rng& rng, Clock& clock) {
  return OpenImpl(path, access, /*refuse_foreign_schema=*/true, rng, clock);
}

Result<std::unique_ptr<Vault>> Vault::OpenForCheck(const std::string& path, Rng& rng, Clock& clock) {
  return OpenImpl(path, Access::kReadWrite, /*refuse_foreign_schema=*/false, rng, clock);
}

Result<std::unique_ptr<Vault>> Vault::OpenImpl(const std::string& path, Access access, bool refuse_foreign_schema,
                                               Rng& rng, Clock& clock) {
  AKV_RETURN_IF_ERROR(CheckVaultFiles(path));
  const bool read_only = access == Access::kReadOnly;
  std::int64_t version = 0;
  auto open_at = [&](Database::Mode mode) -> Result<std::unique_ptr<Database>> {
    AKV_ASSIGN_OR_RETURN(auto db, Database::Open(path, mode));
    // The first read loads the schema, and with it the WAL index.
    AKV_ASSIGN_OR_RETURN(version, db->QueryInt("PRAGMA user_version"));
    return db;
  };
  auto opened = open_at(read_only ? Database::Mode::kReadOnly : Database::Mode::kReadWrite);
  if (!opened.ok() && read_only && opened.status().code() == Code::kIo) {
    // Read-only media: SQLite cannot create the -shm that WAL needs, and
    // fails on the connection's first statement. Read the file as it is,
    // unless a -wal with frames holds committed changes (left by a crash,
    // or a copy taken while the vault was open): immutable=1 would not see
    // them and would answer from an older vault.
    struct stat wal {};
    if (::lstat((path + "-wal").c_str(), &wal) == 0 && wal.st_size > 0) {
      return Status::Io("vault " + path + " has changes in " + path +
                            "-wal that were never merged into it, and its folder is read-only",
                        "open it once where its folder is writable (any command merges them), then read it here");
    }
    opened = open_at(Database::Mode::kReadOnlyImmutable);
  }
  if (!opened.ok()) return opened.status();
  std::unique_ptr<Database> db = std::move(*opened);
  if (version == 0) {
    return Status::Format("vault " + path + " is empty or not an akvault vault",
                          "check the --vault path; create a vault with `akvault init`");
  }
  // Many programs set user_version; only a file with akvault's own tables
  // is a vault, and only a vault is ever migrated.
  AKV_ASSIGN_OR_RETURN(
      const std::int64_t vault_tables,
      db->QueryInt("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('meta', 'keys', 'audit')"));
  if (vault_tables != 3) {
    return Status::Format("vault " + path + " is an SQLite database but not an akvault vault",
                          "check the --vault path; create a vault with `akvault init`");
  }
  AKV_RETURN_IF_ERROR(CheckWholePages(*db, path));
  if (refuse_foreign_schema && version <= CurrentSchemaVersion()) {
    // Before any migration runs on it: the file is compared with what the
    // migrations up to its own version create (H2-1).
    AKV_ASSIGN_OR_RETURN(std::vector<std::string> foreign, SchemaDifferences(*db, version));
    if (!foreign.empty()) {
      return Status::Tampered("vault " + path + " holds a schema object akvault does not create: " + foreign.front() +
                                  (foreign.size() > 1 ? " (and " + std::to_string(foreign.size() - 1) + " more)" : ""),
                              "someone else wrote to this file; `akvault check` lists every difference; restore the "
                              "vault from a backup");
    }
  }
  if (version < CurrentSchemaVersion()) {
    if (read_only) {
      // Upgrade in place if we can write; otherwise read what this version has.
      auto writable = Database::Open(path, Database::Mode::kReadWrite);
      if (writable.ok()) AKV_RETURN_IF_ERROR(MigrateToCurrent(**writable));
    } else {
      AKV_RETURN_IF_ERROR(MigrateToCurrent(*db));
    }
  } else if (version > CurrentSchemaVersion()) {
    return MigrateToCurrent(*db);  // reports "newer than this akvault"
  }
  std::unique_ptr<Vault> vault(new Vault(std::move(db), path, rng, clock));
  vault->writable_ = !read_only;
  AKV_RETURN_IF_ERROR(vault->LoadKeyring());
  return vault;
}

Status Vault::LoadKeyring() {
  auto stmt = db_->Prepare(
      "SELECT vault_id, kdf_alg, kdf_ops, kdf_mem, kdf_salt, wrap_nonce, wrapped_key, typeof(kdf_ops), "
      "typeof(kdf_mem) FROM meta WHERE singleton = 1");
  if (!stmt.ok()) {
    return Status::Format("vault " + path_ + " is not an akvault vault (no keyring table)",
                          "check the --vault path");
  }
  AKV_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) {
    return Status::Format("vault " + path_ + " has no keyring (an interrupted init?)",
                          "if it holds no keys, delete it and run `akvault init` again");
  }
  const std::int64_t alg = stmt->Int(1), ops = stmt->Int(2), mem = stmt->Int(3);
  if (alg < 0 || alg > 255 || ops < 0 || ops > 0xFFFFFFFFLL || mem < 0) {
    return Status::Format("vault " + path_ + " has out-of-range key derivation parameters");
  }
  keyring_.vault_id = stmt->Blob(0);
  keyring_.kdf_alg = static_cast<std::uint8_t>(alg);
  keyring_.kdf = KdfParams{static_cast<std::uint32_t>(ops), static_cast<std::uint64_t>(mem)};
  keyring_.salt = stmt->Blob(4);
  keyring_.nonce = stmt->Blob(5);
  keyring_.wrapped = stmt->Blob(6);
  return Status::Ok();
}

Status Vault::Unlock(const SecretBuffer& passphrase) {
  AKV_ASSIGN_OR_RETURN(SecretBuffer vault_key, UnwrapVaultKey(keyring_, passphrase));
  subkeys_ = DeriveVaultSubkeys(vault_key);
  vault_key_ = std::move(vault_key);
  // Best effort: a vault that cannot be written now (a busy lock, a full
  // disk) gets its fingerprints at a later unlock; `scan` counts the keys
  // that have none and says so.
  if (writable_) (void)BackfillFingerprints();
  return Status::Ok();
}

Status Vault::RequireUnlocked() const {
  if (!unlocked()) return Status::Internal("vault operation needs the vault to be unlocked first");
  return Status::Ok();
}

Status Vault::Checkpoint() {
  // Copies the WAL into the main file and truncates it, so replaced pages
  // (an old wrapped key, a removed record) leave the -wal; secure_delete has
  // already zeroed them in freed space. Best effort: a concurrent reader can
  // keep old frames alive until it finishes, which `check` does not flag.
  Status merged = db_->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  if (merged.ok()) return merged;
  // The transaction has committed by now: say so, never "nothing was changed".
  return merged.WithContext("the change was saved, but merging the write-ahead log into the vault failed")
      .WithHint("the change is in effect; fix the disk, and the next akvault command that changes the vault "
                "completes the merge");
}

Status Vault::ChangePassphrase(const SecretBuffer& new_passphrase, const std::optional<KdfParams>& new_kdf) {
  AKV_RETURN_IF_ERROR(RequireUnlocked());
  const KdfParams kdf = new_kdf.value_or(keyring_.kdf);
  // Never re-wrap below the floor, whatever the file said before.
  AKV_RETURN_IF_ERROR(CheckKdfBounds(kKdfAlgArgon2id13, kdf));
  AKV_ASSIGN_OR_RETURN(KeyringHeader header, WrapVaultKey(vault_key_, new_passphrase, keyring_.vault_id, kdf, rng_));
  AKV_ASSIGN_OR_RETURN(auto write, Write::Begin(*this));
  // Two passwd at once: the second would overwrite the first one's wrap,
  // and the passphrase the first was told is in effect would open nothing.
  if (write->keyring_changed()) return ConcurrentKeyringChange(path_);
  AKV_RETURN_IF_ERROR(vault_internal::StoreKeyringHeader(*db_, header, "storing the new passphrase wrap"));
  nlohmann::json detail = {{"kdf", KdfPresetName(kdf)}, {"ops", kdf.ops}, {"mem", kdf.mem_bytes}};
  AKV_RETURN_IF_ERROR(write->Audit("passwd", std::nullopt, DumpJson(detail)));
  AKV_RETURN_IF_ERROR(write->Commit());
  keyring_ = std::move(header);
  return Checkpoint();
}

// ---- Write -----------------------------------------------------------------

Result<std::unique_ptr<Vault::Write>> Vault::Write::Begin(Vault& vault) {
  AKV_RETURN_IF_ERROR(vault.RequireUnlocked());
  AKV_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*vault.db_));
  std::unique_ptr<Write> write(new Write(vault, std::move(txn)));
  AKV_ASSIGN_OR_RETURN(Statement meta, vault.db_->Prepare("SELECT state_sum, state_count, state_tag, kdf_salt, "
                                                          "wrap_nonce, wrapped_key FROM meta WHERE singleton=1"));
  AKV_ASSIGN_OR_RETURN(bool row, meta.Step());
  if (!row) return Status::Tampered("vault " + vault.path_ + " has lost its keyring row");
  // Re-read under the write lock (H2-6): what this command unlocked may no
  // longer be the vault's keyring.
  write->keyring_changed_ = meta.Blob(3) != vault.keyring_.salt || meta.Blob(4) != vault.keyring_.nonce ||
                            meta.Blob(5) != vault.keyring_.wrapped;
  Bytes sum = meta.Blob(0);
  Bytes stored_tag = meta.Blob(2);
  if (sum.size() != kMacBytes) return Status::Tampered("vault " + vault.path_ + " has a damaged state sum");
  std::copy(sum.begin(), sum.end(), write->state_.sum.begin());
  write->state_.count = meta.Int(1);

  AKV_ASSIGN_OR_RETURN(Statement last, vault.db_->Prepare("SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1"));
  AKV_ASSIGN_OR_RETURN(bool has_audit, last.Step());
  if (has_audit) {
    write->audit_seq_ = last.Int(0);
    Bytes mac = last.Blob(1);
    if (mac.size() != kMacBytes) return Status::Tampered("vault " + vault.path_ + " has a damaged audit entry");
    std::copy(mac.begin(), mac.end(), write->audit_head_.begin());
  } else {
    write->audit_head_ = AuditGenesis(vault.subkeys_->audit, vault.keyring_.vault_id);
  }
  const Mac expected =
      StateTag(vault.subkeys_->state, vault.keyring_.vault_id, write->state_, write->audit_head_, write->audit_seq_);
  if (!ConstantTimeEqual(expected, stored_tag) && write->keyring_changed_) {
    // Not tampering: `passwd --rekey` replaced the vault key after this
    // command unlocked the old one.
    return ConcurrentKeyringChange(vault.path_);
  }
  if (!ConstantTimeEqual(expected, stored_tag)) {
    return Status::Tampered("vault " + vault.path_ + " failed its integrity check (rows or audit entries were added, "
                                "removed or rolled back outside akvault)",
                            "run `akvault check` to see what, and restore the vault from a backup");
  }
  return write;
}

Status Vault::Write::Audit(const std::string& event, const std::optional<std::string>& akid,
                           const std::string& detail_json) {
  AuditEntry entry;
  entry.seq = audit_seq_ + 1;
  entry.at = vault_.clock_.NowUnixSeconds();
  entry.event = event;
  entry.akid = akid;
  entry.detail = detail_json;
  entry.mac = AuditEntryMac(vault_.subkeys_->audit, audit_head_, entry);
  AKV_ASSIGN_OR_RETURN(Statement insert,
                       vault_.db_->Prepare("INSERT INTO audit (seq, at, event, akid, detail, mac) VALUES (?1, ?2, ?3, "
                                           "?4, ?5, ?6)"));
  insert.Bind(1, entry.seq).Bind(2, entry.at).Bind(3, entry.event).BindOptional(4, entry.akid).Bind(5, entry.detail);
  insert.BindBlob(6, entry.mac);
  AKV_RETURN_IF_ERROR(insert.RunChanging(1, "appending an audit entry"));
  audit_seq_ = entry.seq;
  audit_head_ = entry.mac;
  return Status::Ok();
}

Status Vault::Write::Commit() {
  const Mac tag = StateTag(vault_.subkeys_->state, vault_.keyring_.vault_id, state_, audit_head_, audit_seq_);
  AKV_ASSIGN_OR_RETURN(Statement update,
                       vault_.db_->Prepare("UPDATE meta SET state_sum=?1, state_count=?2, state_tag=?3 WHERE singleton=1"));
  update.BindBlob(1, state_.sum).Bind(2, state_.count).BindBlob(3, tag);
  AKV_RETURN_IF_ERROR(update.RunChanging(1, "storing the vault-state tag"));
  return txn_->Commit();
}

}  // namespace akv

-- Schema version 6 (leak scan): keyed fingerprints of each key's ID and
-- secret, so that `akvault scan` finds the vault's keys in files without the
-- master passphrase and without any secret in clear outside the vault.
-- Why a fingerprint tells no one the secret: docs/design.md, "Leak scan".
-- Independent of every other migration: two new tables, nothing else.

-- One row: the per-vault random key of the fingerprints (BLAKE2b key). Kept
-- in clear on purpose, since scan runs without the passphrase; `mac` (vault
-- state subkey) lets an unlocked vault verify it.
CREATE TABLE scan_key (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  fp_key    BLOB NOT NULL,               -- 32 random bytes
  mac       BLOB NOT NULL                -- keyed MAC over vault_id and fp_key
) STRICT;

-- One row per key: BLAKE2b-256(fp_key, domain || ID) and (fp_key, domain ||
-- secret). Written with the key (add, import, rotate), backfilled on unlock.
CREATE TABLE scan_fingerprints (
  akid      TEXT PRIMARY KEY,
  id_fp     BLOB NOT NULL,               -- 32 bytes
  secret_fp BLOB NOT NULL,               -- 32 bytes; empty when the secret is not 30 characters
  mac       BLOB NOT NULL                -- keyed MAC over vault_id, akid and both fingerprints
) STRICT, WITHOUT ROWID;

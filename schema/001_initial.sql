-- akvault vault schema, version 1: the keyring, the keys, the audit trail.
-- Byte-level layout and the meaning of every column: docs/vault-format.md.
-- STRICT tables: SQLite refuses a value of the wrong type instead of storing it.

-- One row: what is needed to unlock the vault and to verify its whole state.
CREATE TABLE meta (
  singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
  format      INTEGER NOT NULL,          -- record/AAD format version (1)
  vault_id    BLOB NOT NULL,             -- 16 random bytes, bound into every AAD
  kdf_alg     INTEGER NOT NULL,          -- 2 = Argon2id 1.3
  kdf_ops     INTEGER NOT NULL,          -- Argon2 passes, 2..10
  kdf_mem     INTEGER NOT NULL,          -- Argon2 memory in bytes, 64 MiB..1 GiB
  kdf_salt    BLOB NOT NULL,             -- 16 bytes
  wrap_nonce  BLOB NOT NULL,             -- 24 bytes
  wrapped_key BLOB NOT NULL,             -- vault key (32) + tag (16), AAD = keyring header
  state_sum   BLOB NOT NULL,             -- 32 bytes: sum mod 2^256 of every element MAC
  state_count INTEGER NOT NULL,          -- number of elements in that sum
  state_tag   BLOB NOT NULL,             -- keyed MAC over sum, count and audit head
  created_at  INTEGER NOT NULL           -- Unix seconds
) STRICT;

-- One row per AccessKey. Every column but id is bound into the AAD of
-- `sealed` (the secret and note), so editing any of them breaks decryption.
CREATE TABLE keys (
  id             INTEGER PRIMARY KEY,
  akid           TEXT NOT NULL UNIQUE,   -- one AccessKey belongs to one owner, ever
  uuid           BLOB NOT NULL,          -- 16 random bytes, new for every added key
  version        INTEGER NOT NULL,       -- +1 on every re-seal: an old row cannot be put back
  owner          TEXT NOT NULL,
  app            TEXT,                   -- NULL: a personal key
  status         TEXT NOT NULL CHECK (status IN ('active', 'superseded', 'retired')),
  created        TEXT NOT NULL,          -- YYYY-MM-DD, UTC calendar day
  rotate_days    INTEGER NOT NULL,
  due_date       TEXT,                   -- active: created + rotate_days; superseded: end of grace; retired: NULL
  status_since   TEXT,                   -- day it was superseded or retired
  predecessor    TEXT,                   -- AKID this key replaced
  successor      TEXT,                   -- AKID that replaced this key
  main_account   INTEGER NOT NULL DEFAULT 0,
  nonce          BLOB NOT NULL,          -- 24 bytes
  sealed         BLOB NOT NULL           -- XChaCha20-Poly1305(secret, note) + tag
) STRICT;

-- Append-only, each entry chained to the previous one by a keyed MAC.
CREATE TABLE audit (
  seq     INTEGER PRIMARY KEY,           -- 1, 2, 3, ... without gaps
  at      INTEGER NOT NULL,              -- Unix seconds
  event   TEXT NOT NULL,                 -- init, add, import, reveal, export, rotate, retire, remove, passwd, config
  akid    TEXT,
  detail  TEXT NOT NULL,                 -- JSON object, never a secret
  mac     BLOB NOT NULL
) STRICT;

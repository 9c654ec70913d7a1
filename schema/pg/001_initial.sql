-- akvault PostgreSQL vault schema, version 1 (docs/vault-format.md, "On
-- PostgreSQL"). The same rows as the SQLite vault, in a schema of their own
-- (akv), plus the key slots. The server is untrusted: every row is
-- authenticated by akvault's cryptography (record AEAD, row MACs, the state
-- tag, the audit chain, the slot list's MAC); constraints here only keep
-- honest mistakes out. Text that akvault sorts is COLLATE "C", so listings
-- come out in the same byte order as on SQLite whatever the database's locale.
-- Every write transaction starts with SELECT ... FROM akv.vault ... FOR UPDATE:
-- one writer per vault at a time, so the state tag and the audit chain advance
-- in order (docs/design.md, "Team vault on PostgreSQL").

-- One row per vault: what verifies its whole state.
CREATE TABLE akv.vault (
  vault_id     bytea PRIMARY KEY CHECK (length(vault_id) = 16),
  format       bigint NOT NULL,                 -- record/AAD format version (1)
  created_at   bigint NOT NULL,                 -- Unix seconds
  created_by   text COLLATE "C" NOT NULL DEFAULT session_user,  -- the login role that ran init
  state_digest bytea NOT NULL CHECK (length(state_digest) = 32),
  state_count  bigint NOT NULL,
  state_tag    bytea NOT NULL CHECK (length(state_tag) = 32),
  key_epoch    bigint NOT NULL DEFAULT 1,       -- +1 at every re-key
  slots_mac    bytea CHECK (length(slots_mac) = 32),  -- MAC of the slot list under the vault key
  head_seq     bigint NOT NULL DEFAULT 0,       -- the newest audit entry, kept by the hardening trigger
  head_mac     bytea
);

-- The ways to reach the vault key: the passphrase slot (the keyring) and
-- one recipient slot per admin (crypto_box_seal to their X25519 key).
CREATE TABLE akv.slot (
  vault_id    bytea NOT NULL REFERENCES akv.vault (vault_id),
  name        text COLLATE "C" NOT NULL,        -- admin name, or 'passphrase'
  kind        text NOT NULL CHECK (kind IN ('passphrase', 'recipient')),
  kdf_alg     smallint,                         -- passphrase: 2 = Argon2id 1.3
  kdf_ops     bigint,
  kdf_mem     bigint,
  kdf_salt    bytea,                            -- 16
  wrap_nonce  bytea,                            -- 24
  public_key  bytea,                            -- recipient: 32
  wrapped     bytea NOT NULL,                   -- passphrase: 32 + 16; recipient: 32 + 48
  added_at    bigint NOT NULL,
  added_by    text COLLATE "C" NOT NULL,
  db_role     text COLLATE "C",                 -- the admin's login role, for the optional hardening
  PRIMARY KEY (vault_id, name),
  CHECK ((kind = 'passphrase') = (name = 'passphrase')),
  CHECK (kind <> 'passphrase' OR (kdf_alg IS NOT NULL AND kdf_ops IS NOT NULL AND kdf_mem IS NOT NULL
                                  AND length(kdf_salt) = 16 AND length(wrap_nonce) = 24 AND length(wrapped) = 48)),
  CHECK (kind <> 'recipient' OR (length(public_key) = 32 AND length(wrapped) = 80))
);

-- One row per AccessKey: metadata in clear (list and due need no passphrase),
-- the secret and note sealed with the metadata as associated data.
CREATE TABLE akv.key (
  vault_id     bytea NOT NULL REFERENCES akv.vault (vault_id),
  akid         text COLLATE "C" NOT NULL,
  uuid         bytea NOT NULL CHECK (length(uuid) = 16),
  version      bigint NOT NULL,
  owner        text COLLATE "C" NOT NULL,
  app          text COLLATE "C",
  status       text NOT NULL CHECK (status IN ('active', 'superseded', 'retired')),
  created      text COLLATE "C" NOT NULL,      -- YYYY-MM-DD
  rotate_days  bigint NOT NULL,
  due_date     text COLLATE "C",
  status_since text COLLATE "C",
  predecessor  text COLLATE "C",
  successor    text COLLATE "C",
  main_account boolean NOT NULL DEFAULT false,
  nonce        bytea NOT NULL CHECK (length(nonce) = 24),
  sealed       bytea NOT NULL,
  updated_by   text COLLATE "C" NOT NULL DEFAULT session_user,
  PRIMARY KEY (vault_id, akid)
);
-- The two listings, in their exact order, as on SQLite (personal keys, with
-- no app, first: NULLS FIRST).
CREATE INDEX key_by_due_date_akid ON akv.key (vault_id, due_date, akid) WHERE due_date IS NOT NULL;
CREATE INDEX key_by_owner_app_akid ON akv.key (vault_id, owner, app NULLS FIRST, akid);

CREATE TABLE akv.distribution (
  vault_id    bytea NOT NULL REFERENCES akv.vault (vault_id),
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- insertion order: "oldest first"
  bundle_id   text COLLATE "C" NOT NULL,
  akid        text COLLATE "C" NOT NULL,
  created_at  bigint NOT NULL,
  expires_at  bigint NOT NULL,
  mode        text NOT NULL CHECK (mode IN ('password', 'recipients', 'recipients+password')),
  recipients  text NOT NULL,                    -- JSON array of akvpub1... strings
  destination text NOT NULL,
  mac         bytea NOT NULL CHECK (length(mac) = 32)
);
CREATE INDEX distribution_by_akid ON akv.distribution (vault_id, akid, id);

CREATE TABLE akv.config (
  vault_id bytea NOT NULL REFERENCES akv.vault (vault_id),
  name     text COLLATE "C" NOT NULL,
  value    text NOT NULL,
  mac      bytea NOT NULL CHECK (length(mac) = 32),
  PRIMARY KEY (vault_id, name)
);

-- Append-only (enforced by the optional hardening, schema/pg/hardening.sql),
-- each entry chained to the previous one by a keyed MAC.
CREATE TABLE akv.audit (
  vault_id bytea NOT NULL REFERENCES akv.vault (vault_id),
  seq      bigint NOT NULL CHECK (seq >= 1),
  at       bigint NOT NULL,
  event    text COLLATE "C" NOT NULL,
  akid     text COLLATE "C",
  detail   text NOT NULL,
  mac      bytea NOT NULL CHECK (length(mac) = 32),
  db_role  text COLLATE "C" NOT NULL DEFAULT session_user,  -- who wrote it (not authenticated by akvault)
  PRIMARY KEY (vault_id, seq)
);

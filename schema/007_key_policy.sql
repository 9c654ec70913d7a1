-- Schema version 7: each key's network policy (`akvault policy`), the
-- sources it may be used from. One row per key that has one; `policy` is
-- the canonical JSON array of entries (docs/vault-format.md), `mac` a keyed
-- MAC over the vault id, the key's AKID and uuid and the policy, summed into
-- meta.state_sum like every other authenticated row. Independent of
-- migrations 005, 006 and 008+: it only adds this table.
CREATE TABLE IF NOT EXISTS key_policy (
  akid    TEXT PRIMARY KEY,              -- the key it restricts (keys.akid)
  policy  TEXT NOT NULL,                 -- canonical JSON array of "CIDR", "vpc-ID", "vpc-ID:CIDR"
  mac     BLOB NOT NULL
) STRICT;

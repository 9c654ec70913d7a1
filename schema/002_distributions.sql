-- Schema version 2: where each key went. One row per key per exported bundle,
-- so that a leaked key can be traced to the bundles that carried it.
CREATE TABLE distributions (
  id          INTEGER PRIMARY KEY,
  bundle_id   TEXT NOT NULL,             -- hex of the bundle's 16-byte id
  akid        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,          -- Unix seconds
  expires_at  INTEGER NOT NULL,
  mode        TEXT NOT NULL CHECK (mode IN ('password', 'recipients', 'recipients+password')),
  recipients  TEXT NOT NULL,             -- JSON array of recipient public keys (may be empty)
  destination TEXT NOT NULL,             -- the --out path as given
  mac         BLOB NOT NULL              -- keyed MAC over the row, also summed into meta.state_sum
) STRICT;
CREATE INDEX distributions_by_akid ON distributions(akid);

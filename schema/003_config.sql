-- Schema version 3: vault-wide settings (rotate-days, max-rotate-days), each
-- authenticated like a key record, and an index that lets `due` stream keys
-- in deadline order without sorting the whole vault.
CREATE TABLE config (
  name   TEXT PRIMARY KEY,
  value  TEXT NOT NULL,
  mac    BLOB NOT NULL
) STRICT;
CREATE INDEX keys_by_due_date ON keys(due_date) WHERE due_date IS NOT NULL;

-- Schema version 4: indexes in the exact order of the two listings, so that
-- `due` and `list` stream rows straight off an index with no sort, and their
-- memory stays flat whatever the number of keys.
--
-- `due` orders by (due_date, akid). The index of version 3 held due_date
-- alone, so every run of keys sharing one date (100,000 after one big import)
-- was sorted in a temporary B-tree. This one replaces it: it serves every
-- query the old one did, and one index fewer to update on each write.
DROP INDEX keys_by_due_date;
CREATE INDEX keys_by_due_date_akid ON keys(due_date, akid) WHERE due_date IS NOT NULL;
-- `list` orders by (owner, app, akid); --owner (and --app) become a range of it.
CREATE INDEX keys_by_owner_app_akid ON keys(owner, app, akid);

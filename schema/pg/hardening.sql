-- Optional hardening of an akvault vault on PostgreSQL (docs/howto-team.md).
--
-- Defence in depth only. akvault's cryptography already keeps every secret
-- unreadable and every changed, deleted, restored or planted row detectable
-- for anyone who controls the server, superusers included (they bypass row
-- level security, and a table owner can switch it off). What this adds is the
-- server itself refusing what an admin's role should never do:
--   - one LOGIN role per admin, all in the group role akv_member; the schema
--     and tables owned by akv_owner (NOLOGIN), not by any admin;
--   - FORCE ROW LEVEL SECURITY on every table: a role sees and writes a
--     vault's rows only while an admin slot of that vault names it
--     (akv.slot.db_role); removing the slot revokes it at once;
--   - a key row can only be written in the writer's own name (updated_by);
--   - the audit table is append-only (no UPDATE, DELETE or TRUNCATE, not even
--     by its owner without first dropping the trigger), each entry must
--     follow the newest one, and its db_role is set by the server;
--   - an admin cannot move the audit head the server keeps (head_seq).
--
-- Run it as a superuser (or the database owner holding akv_owner), after the
-- vault exists (akvault init --vault postgresql://... created the akv schema):
--   psql -v ON_ERROR_STOP=1 -d DBNAME -f hardening.sql
-- It is idempotent. Then per admin:
--   CREATE ROLE alice LOGIN IN ROLE akv_member;   -- password in their ~/.pgpass
-- and on removal (after `akvault admin remove bob`, which already locks bob
-- out of the vault's rows): REVOKE akv_member FROM bob; ALTER ROLE bob NOLOGIN;
-- Schema upgrades of a hardened vault run as a role in akv_owner.

BEGIN;

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'akv_owner') THEN
    CREATE ROLE akv_owner NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'akv_member') THEN
    CREATE ROLE akv_member NOLOGIN;
  END IF;
END $$;

ALTER SCHEMA akv OWNER TO akv_owner;
ALTER TABLE akv.migration OWNER TO akv_owner;
ALTER TABLE akv.vault OWNER TO akv_owner;
ALTER TABLE akv.slot OWNER TO akv_owner;
ALTER TABLE akv.key OWNER TO akv_owner;
ALTER TABLE akv.distribution OWNER TO akv_owner;
ALTER TABLE akv.config OWNER TO akv_owner;
ALTER TABLE akv.audit OWNER TO akv_owner;

-- Membership: a slot of the vault names the session's login role, or (only
-- while the vault has no slot yet: the moment of `init`) the role created
-- the vault. SECURITY DEFINER so that the check itself reads akv.slot as its
-- owner (no recursion through the policies below); session_user, not
-- current_user, because a SECURITY DEFINER context changes current_user.
CREATE OR REPLACE FUNCTION akv.is_member(v bytea) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, akv AS $$
  SELECT EXISTS (SELECT 1 FROM akv.slot s WHERE s.vault_id = v AND s.db_role = session_user)
      OR (EXISTS (SELECT 1 FROM akv.vault x WHERE x.vault_id = v AND x.created_by = session_user)
          AND NOT EXISTS (SELECT 1 FROM akv.slot s WHERE s.vault_id = v))
$$;
ALTER FUNCTION akv.is_member(bytea) OWNER TO akv_owner;
REVOKE ALL ON FUNCTION akv.is_member(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION akv.is_member(bytea) TO akv_member;

-- Row level security on every table, forced (so the owner is subject to it
-- too, through an explicit policy of its own).
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['vault', 'slot', 'key', 'distribution', 'config', 'audit'] LOOP
    EXECUTE format('ALTER TABLE akv.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE akv.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('DROP POLICY IF EXISTS owner_all ON akv.%I', t);
    EXECUTE format('CREATE POLICY owner_all ON akv.%I TO akv_owner USING (true) WITH CHECK (true)', t);
    EXECUTE format('DROP POLICY IF EXISTS member_rows ON akv.%I', t);
    IF t = 'key' THEN
      EXECUTE 'CREATE POLICY member_rows ON akv.key TO akv_member USING (akv.is_member(vault_id))'
              ' WITH CHECK (akv.is_member(vault_id) AND updated_by = session_user)';
    ELSE
      EXECUTE format('CREATE POLICY member_rows ON akv.%I TO akv_member USING (akv.is_member(vault_id))'
                     ' WITH CHECK (akv.is_member(vault_id))', t);
    END IF;
  END LOOP;
END $$;
-- `init`: the first row of a vault, in the creator's own name.
DROP POLICY IF EXISTS member_create ON akv.vault;
CREATE POLICY member_create ON akv.vault FOR INSERT TO akv_member WITH CHECK (created_by = session_user);

-- Privileges: what a member may do at all (the policies above say on which rows).
REVOKE ALL ON SCHEMA akv FROM PUBLIC;
GRANT USAGE ON SCHEMA akv TO akv_member;
REVOKE ALL ON ALL TABLES IN SCHEMA akv FROM PUBLIC, akv_member;
GRANT SELECT ON akv.migration TO akv_member;
GRANT SELECT, INSERT ON akv.vault TO akv_member;
-- The columns a write changes; UPDATE on them also allows SELECT ... FOR
-- UPDATE, the lock every writer takes. Not head_seq/head_mac (the trigger's).
GRANT UPDATE (state_digest, state_count, state_tag, key_epoch, slots_mac) ON akv.vault TO akv_member;
GRANT SELECT, INSERT, UPDATE, DELETE ON akv.slot TO akv_member;
GRANT SELECT, INSERT, UPDATE, DELETE ON akv.key TO akv_member;
GRANT SELECT, INSERT, DELETE ON akv.distribution TO akv_member;
GRANT UPDATE (mac) ON akv.distribution TO akv_member;   -- a re-key re-MACs every row
GRANT SELECT, INSERT, UPDATE, DELETE ON akv.config TO akv_member;
GRANT SELECT, INSERT ON akv.audit TO akv_member;        -- append-only

-- The audit head the server keeps: each entry must follow the newest one,
-- under the vault row's lock, and its db_role is the session's login role.
-- 40001 (serialization failure) when it does not follow, so a client that
-- skipped the meta-row lock retries instead of failing.
CREATE OR REPLACE FUNCTION akv.audit_append() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, akv AS $$
DECLARE
  head bigint;
BEGIN
  SELECT head_seq INTO head FROM akv.vault WHERE vault_id = NEW.vault_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'akvault: audit entry for a vault that does not exist' USING ERRCODE = '23503';
  END IF;
  IF NEW.seq <> head + 1 THEN
    RAISE EXCEPTION 'akvault: audit entry % does not follow the newest entry %', NEW.seq, head
      USING ERRCODE = '40001';
  END IF;
  NEW.db_role := session_user;
  UPDATE akv.vault SET head_seq = NEW.seq, head_mac = NEW.mac WHERE vault_id = NEW.vault_id;
  RETURN NEW;
END $$;
ALTER FUNCTION akv.audit_append() OWNER TO akv_owner;
REVOKE ALL ON FUNCTION akv.audit_append() FROM PUBLIC;

CREATE OR REPLACE FUNCTION akv.audit_immutable() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
  RAISE EXCEPTION 'akvault: the audit trail is append-only' USING ERRCODE = '42501';
END $$;
ALTER FUNCTION akv.audit_immutable() OWNER TO akv_owner;

DROP TRIGGER IF EXISTS audit_append ON akv.audit;
CREATE TRIGGER audit_append BEFORE INSERT ON akv.audit FOR EACH ROW EXECUTE FUNCTION akv.audit_append();
DROP TRIGGER IF EXISTS audit_no_change ON akv.audit;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON akv.audit FOR EACH ROW EXECUTE FUNCTION akv.audit_immutable();
DROP TRIGGER IF EXISTS audit_no_truncate ON akv.audit;
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON akv.audit FOR EACH STATEMENT EXECUTE FUNCTION akv.audit_immutable();

-- Start the server's head where the trail already is.
UPDATE akv.vault v
   SET head_seq = coalesce((SELECT max(a.seq) FROM akv.audit a WHERE a.vault_id = v.vault_id), 0),
       head_mac = (SELECT a.mac FROM akv.audit a WHERE a.vault_id = v.vault_id ORDER BY a.seq DESC LIMIT 1);

COMMIT;

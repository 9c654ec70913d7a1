"""Hostile and broken vaults, passphrase files and filesystems
(../shared/spec/attack-catalogue.md, sections B, C and F): every refusal is
one error line with a documented status, and leaves every file as it was."""

import os
import re
import shutil
import subprocess
import time
import unittest

from harness import (AKVAULT, PASSPHRASE, SQLITE3, VAULT_FAULTINJECT, VaultTestCase, error_lines, fake_id,
                     fake_secret, faulty_env)

K1, K2, K3, K7, K8 = fake_id(1), fake_id(2), fake_id(3), fake_id(7), fake_id(8)
S1, S2, S3 = fake_secret(1), fake_secret(2), fake_secret(3)
# Argon2id's memory cost at --kdf interactive (64 MiB), in KiB as ru_maxrss counts.
KDF_INTERACTIVE_KIB = 64 * 1024
AUTH_LINE = ("akvault: error: wrong passphrase (or the vault's keyring header was modified); "
             "type the master passphrase again")
KEY_COLUMNS = ("akid, uuid, version, owner, app, status, created, rotate_days, due_date, status_since, "
               "predecessor, successor, main_account, nonce, sealed")


def is_root():
    return os.geteuid() == 0


class VaultBadInputTest(VaultTestCase):
    def setUp(self):
        super().setUp()
        if SQLITE3 is None:
            self.skipTest("the sqlite3 command-line tool is not installed")

    def three_key_vault(self):
        """A vault with three keys and a copy of its file as it was (no -wal left)."""
        self.init_vault()
        self.add_secret_key(1, "alice", "billing")
        self.add_secret_key(2, "bob", "web")
        self.add_secret_key(3, "carol", None)
        self.assertFalse(os.path.exists(self.vault + "-wal"))
        self.pristine = self.path("pristine.db")
        shutil.copyfile(self.vault, self.pristine)

    def restore(self):
        for suffix in ("-wal", "-shm"):
            if os.path.exists(self.vault + suffix):
                os.unlink(self.vault + suffix)
        shutil.copyfile(self.pristine, self.vault)
        os.chmod(self.vault, 0o600)

    # ---- B5 ----------------------------------------------------------------------
    # B5: KDF parameters are in the keyring's AAD: lowering (or raising) them
    # within bounds makes the unwrap fail with the ordinary E_AUTH.
    def test_kdf_parameters_edited_within_bounds_B5(self):
        self.ok("--passphrase-file", self.passfile, "init", "--kdf", "moderate")  # 3 passes, 256 MiB
        self.assertEqual(self.sqlite_value("SELECT kdf_ops, kdf_mem FROM meta"), "3|268435456")
        original = self.path("moderate.db")
        shutil.copyfile(self.vault, original)
        for sql in ("UPDATE meta SET kdf_ops = 2, kdf_mem = 67108864",  # the attacker's cheap guesses
                    "UPDATE meta SET kdf_ops = 2",
                    "UPDATE meta SET kdf_mem = 67108864",
                    "UPDATE meta SET kdf_ops = 4"):
            shutil.copyfile(original, self.vault)
            self.sqlite(sql)
            r = self.refused("E_AUTH", "check", "--passphrase-file", self.passfile)
            self.assertEqual(error_lines(r), [AUTH_LINE], sql)
            self.refused("E_AUTH", "add", "--owner", "a", "--id", K1, "--passphrase-file", self.passfile,
                         input=S1 + "\n")
        shutil.copyfile(original, self.vault)
        self.check_ok()

    # B5, A7: out-of-bounds parameters are E_FORMAT before any Argon2 work (fast).
    def test_kdf_parameters_out_of_bounds_are_refused_before_work_B5(self):
        self.init_vault()
        original = self.path("v.db")
        shutil.copyfile(self.vault, original)
        _, unlock_peak = self.run_akvault_peak_memory("check", "--passphrase-file", self.passfile)
        self.assertGreaterEqual(unlock_peak, KDF_INTERACTIVE_KIB, "a correct unlock runs Argon2id")
        cases = {
            "UPDATE meta SET kdf_mem = 4398046511104": "memory",  # 4 TiB
            "UPDATE meta SET kdf_mem = 1048576": "memory",  # 1 MiB, under the floor
            "UPDATE meta SET kdf_mem = 67108865": "memory",  # not whole KiB
            "UPDATE meta SET kdf_mem = 2147483648": "memory",  # 2 GiB, over the cap
            "UPDATE meta SET kdf_mem = -1": "out-of-range",
            "UPDATE meta SET kdf_ops = 0": "passes",
            "UPDATE meta SET kdf_ops = 1": "passes",
            "UPDATE meta SET kdf_ops = 11": "passes",
            "UPDATE meta SET kdf_ops = 4294967295": "passes",
            "UPDATE meta SET kdf_ops = 4294967296": "out-of-range",
            "UPDATE meta SET kdf_alg = 1": "algorithm",
            "UPDATE meta SET kdf_salt = x'00'": "wrong length",
            "UPDATE meta SET wrap_nonce = x'0011'": "wrong length",
        }
        for sql, needle in cases.items():
            shutil.copyfile(original, self.vault)
            self.sqlite(sql)
            before = self.snapshot()
            r, peak = self.run_akvault_peak_memory("check", "--passphrase-file", self.passfile, timeout=60)
            self.assertEqual(r.code, 8, (sql, r))
            self.assertEqual(len(error_lines(r)), 1, r)
            self.assertIn(needle, r.err, sql)
            self.assertEqual(self.snapshot(), before, sql)
            # No Argon2 ran: the process never touched the KDF's memory
            # (checked by peak memory, not by time, so a busy machine cannot
            # make this flaky).
            self.assertLess(peak, KDF_INTERACTIVE_KIB // 2, (sql, peak))
            # Metadata reads need no KDF and still work (the range check of
            # the stored integers is done when the vault is opened).
            if needle != "out-of-range":
                self.ok("list")

    # ---- B6 / F6 -----------------------------------------------------------------
    # B6, F6: every wrong passphrase costs the full KDF and gets the same line
    # and status; so does every edit of the keyring header.
    def test_wrong_passphrase_one_message_full_cost_B6_F6(self):
        self.init_vault()
        wrong_files = [self.write_secret_file("wrong%d" % i, "wrong passphrase number %d\n" % i) for i in range(20)]
        wrong_files.append(self.write_secret_file("near", PASSPHRASE[:-1] + "E\n"))
        wrong_files.append(self.write_secret_file("prefix", PASSPHRASE + " \n"))
        # "Full cost" is checked by peak memory: Argon2id touches every one
        # of its 64 MiB, so a process that rejected the passphrase any other
        # way stays far below it. Unlike a timing, this does not depend on
        # how busy the machine is.
        for f in wrong_files:
            r, peak = self.run_akvault_peak_memory("check", "--passphrase-file", f)
            self.assertEqual(r.code, 3, r)
            self.assertEqual(error_lines(r), [AUTH_LINE])
            self.assertEqual(r.out, "")
            self.assertGreaterEqual(peak, KDF_INTERACTIVE_KIB, (f, peak))
        # The same for a damaged header with the right passphrase: no faster path, same words.
        original = self.path("v.db")
        shutil.copyfile(self.vault, original)
        for sql in ("UPDATE meta SET wrapped_key = zeroblob(48)",
                    "UPDATE meta SET kdf_salt = randomblob(16)",
                    "UPDATE meta SET wrap_nonce = randomblob(24)",
                    "UPDATE meta SET vault_id = randomblob(16)"):
            shutil.copyfile(original, self.vault)
            self.sqlite(sql)
            r, peak = self.run_akvault_peak_memory("check", "--passphrase-file", self.passfile)
            self.assertEqual(r.code, 3, (sql, r))
            self.assertEqual(error_lines(r), [AUTH_LINE], sql)
            self.assertGreaterEqual(peak, KDF_INTERACTIVE_KIB, (sql, peak))

    # ---- B7 ----------------------------------------------------------------------
    # B7: junk at the vault path is E_FORMAT naming the path, for every command; no crash, no change.
    def test_damaged_or_foreign_vault_files_B7(self):
        self.three_key_vault()
        with open(self.pristine, "rb") as f:
            good = f.read()
        page_size = int.from_bytes(good[16:18], "big")  # SQLite header: 1 stands for 65536
        page_size = 65536 if page_size == 1 else page_size
        self.assertEqual(len(good) % page_size, 0)
        self.assertGreater(len(good), 3 * page_size)
        foreign = self.path("foreign.db")
        self.sqlite("CREATE TABLE notes(x); INSERT INTO notes VALUES ('hello')", foreign)
        with open(foreign, "rb") as f:
            foreign_bytes = f.read()
        v3_no_meta = self.path("v3.db")
        self.sqlite("CREATE TABLE notes(x); PRAGMA user_version = 3", v3_no_meta)
        with open(v3_no_meta, "rb") as f:
            v3_bytes = f.read()
        cases = {
            "empty": b"",
            "random": os.urandom(40960),
            "text": b"this is not a vault\n" * 100,
            "truncated-in-header": good[:100],
            "truncated-mid-page": good[:2 * 4096 + 1234],
            "truncated-page-boundary": good[:len(good) - page_size],
            "truncated-mid-last-page": good[:len(good) - 4096],
            "foreign-sqlite": foreign_bytes,
            "sqlite-schema-3-without-keyring": v3_bytes,
        }
        for name, content in cases.items():
            with open(self.vault, "wb") as f:
                f.write(content)
            os.chmod(self.vault, 0o600)
            for args in (["list"], ["due"], ["log"], ["show", K1],
                         ["check", "--passphrase-file", self.passfile],
                         ["add", "--owner", "a", "--id", K7, "--passphrase-file", self.passfile]):
                with self.subTest(file=name, command=args[0]):
                    r = self.refused("E_FORMAT", *args, input=fake_secret(7) + "\n")
                    self.assertIn(self.vault, r.err)
                    self.assertRegex(r.err, "damaged|not an akvault vault|not a vault|empty")

    def test_vault_path_not_a_regular_file_B7(self):
        os.makedirs(os.path.dirname(self.vault), mode=0o700)
        os.chmod(os.path.dirname(self.vault), 0o700)
        os.mkfifo(self.vault, 0o600)
        start = time.monotonic()
        r = self.refused("E_FORMAT", "list")
        self.assertLess(time.monotonic() - start, 5)  # never blocks on a FIFO
        self.assertIn("not a regular file", r.err)
        os.unlink(self.vault)
        os.mkdir(self.vault, 0o700)
        self.refused("E_FORMAT", "list")

    def test_foreign_sqlite_with_a_low_user_version_is_format_B7(self):
        os.makedirs(os.path.dirname(self.vault), mode=0o700)
        os.chmod(os.path.dirname(self.vault), 0o700)
        self.sqlite("CREATE TABLE notes(x); INSERT INTO notes VALUES (1); PRAGMA user_version = 1")
        os.chmod(self.vault, 0o600)
        r = self.refused("E_FORMAT", "list")
        self.assertIn("not an akvault vault", r.err)

    # ---- B8 ----------------------------------------------------------------------
    def test_newer_schema_is_refused_B8(self):
        self.three_key_vault()
        self.sqlite("PRAGMA user_version = 99")
        for args in (["list"], ["due"], ["check", "--passphrase-file", self.passfile],
                     ["add", "--owner", "a", "--id", K7, "--passphrase-file", self.passfile]):
            r = self.refused("E_FORMAT", *args, input=fake_secret(7) + "\n")
            self.assertIn("schema version 99", r.err)
            self.assertIn("upgrade akvault", r.err)

    def test_older_schema_is_migrated_B8(self):
        self.three_key_vault()
        # Back to what schema version 1 created (001_initial.sql alone).
        self.sqlite("DROP INDEX keys_by_due_date_akid; DROP INDEX keys_by_owner_app_akid; DROP TABLE config; "
                    "DROP INDEX distributions_by_akid; DROP TABLE distributions; DROP TABLE key_policy; "
                    "DROP TABLE scan_fingerprints; DROP TABLE scan_key; "
                    "PRAGMA user_version = 1")
        self.assertEqual([k["akid"] for k in self.list_json()], [K1, K2, K3])
        # The newest migration's number (schema/NNN_*.sql): numbers are reserved per work stream.
        newest = max(int(f[:3]) for f in os.listdir(os.path.join(os.environ["AKVAULT_SOURCE_DIR"], "schema"))
                     if re.match(r"^\d{3}_.*\.sql$", f))
        self.assertEqual(self.sqlite_value("PRAGMA user_version"), str(newest))
        names = self.sqlite_value("SELECT group_concat(name) FROM sqlite_master").split(",")
        for name in ("config", "distributions", "keys_by_due_date_akid", "keys_by_owner_app_akid", "key_policy",
                     "scan_key", "scan_fingerprints"):
            self.assertIn(name, names)
        self.assertNotIn("keys_by_due_date", names)
        self.add_secret_key(7, "dave", "ops")
        self.check_ok()

    # ---- B1..B4 --------------------------------------------------------------------
    # B1: swapping two rows' ciphertexts (CVE-2020-28086): each record fails with its own name.
    def test_swapped_ciphertexts_B1(self):
        self.three_key_vault()
        self.sqlite("CREATE TEMP TABLE t AS SELECT id, nonce, sealed FROM keys; "
                    "UPDATE keys SET nonce = (SELECT nonce FROM t WHERE t.id = 3 - keys.id), "
                    "sealed = (SELECT sealed FROM t WHERE t.id = 3 - keys.id) WHERE id IN (1, 2)")
        r = self.check_tampered("key %s: record failed authentication" % K1,
                                "key %s: record failed authentication" % K2)
        self.assertNotIn("key %s:" % K3, r.out)
        for akid in (K1, K2):
            r = self.refused("E_TAMPERED", "show", akid, "--reveal", "--passphrase-file", self.passfile)
            self.assertIn("record of %s failed authentication" % akid, r.err)
            self.assertNotIn(S1, r.out + r.err)
            self.assertNotIn(S2, r.out + r.err)
        r = self.refused("E_TAMPERED", "export", K1, "--out", self.path("b.akb"), "--password-file",
                         self.path("b.pw"), "--passphrase-file", self.passfile)
        self.assertIn(K1, r.err)
        self.assertEqual(self.reveal(K3), S3)

    # B2: metadata is AAD: any edit of any column is found, naming the record.
    def test_metadata_edits_B2(self):
        self.three_key_vault()
        edits = {
            "UPDATE keys SET owner = 'mallory' WHERE akid = '%s'" % K1: K1,
            "UPDATE keys SET app = 'other' WHERE akid = '%s'" % K1: K1,
            "UPDATE keys SET app = NULL WHERE akid = '%s'" % K1: K1,
            "UPDATE keys SET app = 'stolen' WHERE akid = '%s'" % K3: K3,
            "UPDATE keys SET created = '2020-01-01' WHERE akid = '%s'" % K1: K1,
            "UPDATE keys SET rotate_days = 3650, due_date = date(created, '+3650 days') WHERE akid = '%s'" % K1: K1,
            "UPDATE keys SET status = 'retired', due_date = NULL WHERE akid = '%s'" % K1: K1,
            "UPDATE keys SET due_date = '2099-01-01' WHERE akid = '%s'" % K1: K1,
            "UPDATE keys SET main_account = 1 WHERE akid = '%s'" % K2: K2,
            "UPDATE keys SET predecessor = '%s' WHERE akid = '%s'" % (K7, K2): K2,
            "UPDATE keys SET version = version + 1 WHERE akid = '%s'" % K2: K2,
            "UPDATE keys SET uuid = randomblob(16) WHERE akid = '%s'" % K2: K2,
            "UPDATE keys SET akid = '%s' WHERE akid = '%s'" % (K8, K2): K8,
        }
        for sql, akid in edits.items():
            with self.subTest(sql=sql):
                self.restore()
                self.sqlite(sql)
                r = self.check_tampered("key %s: record failed authentication" % akid)
                self.assertIn("FAILED: " + self.vault, r.out)
                r = self.refused("E_TAMPERED", "show", akid, "--reveal", "--passphrase-file", self.passfile)
                self.assertIn(akid, r.err)

    # B3: a row copied from another vault does not authenticate here (vault_id is in the AAD).
    def test_row_copied_from_another_vault_B3(self):
        self.three_key_vault()
        other = self.path("other", "vault.db")
        self.ok("--vault", other, "--passphrase-file", self.passfile, "init", "--kdf", "interactive")
        for n in (1, 7):
            self.watcher.watch(fake_secret(70 + n))
            self.ok("add", "--vault", other, "--owner", "alice", "--app", "billing", "--id", fake_id(n),
                    "--passphrase-file", self.passfile, input=fake_secret(70 + n) + "\n")
        # (a) a new row from the other vault.
        self.sqlite("ATTACH '%s' AS w; INSERT INTO keys (%s) SELECT %s FROM w.keys WHERE akid = '%s'"
                    % (other, KEY_COLUMNS, KEY_COLUMNS, K7))
        self.check_tampered("key %s: record failed authentication" % K7)
        self.refused("E_TAMPERED", "show", K7, "--reveal", "--passphrase-file", self.passfile)
        # (b) the same AccessKey ID's row replaced by the other vault's.
        self.restore()
        self.sqlite("ATTACH '%s' AS w; DELETE FROM keys WHERE akid = '%s'; INSERT INTO keys (%s) SELECT %s "
                    "FROM w.keys WHERE akid = '%s'" % (other, K1, KEY_COLUMNS, KEY_COLUMNS, K1))
        self.check_tampered("key %s: record failed authentication" % K1)
        r = self.refused("E_TAMPERED", "show", K1, "--reveal", "--passphrase-file", self.passfile)
        self.assertNotIn(fake_secret(71), r.out + r.err)

    # B4: rows deleted or rolled back, audit entries deleted, edited, reordered, forged.
    def test_deleted_rows_and_rollbacks_B4(self):
        self.three_key_vault()
        self.sqlite("DELETE FROM keys WHERE akid = '%s'" % K2)
        self.check_tampered("3 authenticated rows expected, 2 found")
        # Undo a rotation: put K1's row back as it was before `rotate`.
        self.restore()
        saved = self.path("k1row.db")
        self.sqlite("ATTACH '%s' AS s; CREATE TABLE s.k AS SELECT * FROM keys WHERE akid = '%s'" % (saved, K1))
        self.watcher.watch(fake_secret(8))
        r = self.ok("rotate", K1, "--new-id", K8, "--passphrase-file", self.passfile, input=fake_secret(8) + "\n")
        self.assertEqual(self.keys_by_id()[K1]["status"], "superseded")
        self.sqlite("ATTACH '%s' AS s; DELETE FROM keys WHERE akid = '%s'; INSERT INTO keys SELECT * FROM s.k"
                    % (saved, K1))
        self.assertEqual(self.keys_by_id()[K1]["status"], "active")
        self.check_tampered("a row was replaced by an older or foreign version")

    def test_audit_trail_edits_B4(self):
        self.three_key_vault()
        self.assertEqual(self.sqlite_value("SELECT count(*) FROM audit"), "4")
        cases = {
            "DELETE FROM audit WHERE seq = 2": "audit trail: entry 2 is missing or out of order",
            "UPDATE audit SET detail = '{\"owner\":\"mallory\"}' WHERE seq = 2": "audit trail: entry 2 (add) was edited",
            "UPDATE audit SET at = at - 86400 WHERE seq = 3": "audit trail: entry 3 (add) was edited",
            "UPDATE audit SET akid = '%s' WHERE seq = 4" % K1: "audit trail: entry 4 (add) was edited",
            # Reorder: entries 2 and 3 swap places.
            "UPDATE audit SET seq = -seq WHERE seq IN (2, 3); UPDATE audit SET seq = 3 WHERE seq = -2; "
            "UPDATE audit SET seq = 2 WHERE seq = -3": "audit trail: entry 2 (add) was edited, inserted or moved",
            # Truncate: the last entry dropped (the chain itself is still intact).
            "DELETE FROM audit WHERE seq = 4": "the audit trail was truncated",
            # Forge: a copy of the last entry appended.
            "INSERT INTO audit (seq, at, event, akid, detail, mac) SELECT 5, at, event, akid, detail, mac "
            "FROM audit WHERE seq = 4": "audit trail: entry 5 (add) was edited",
        }
        for sql, needle in cases.items():
            with self.subTest(sql=sql):
                self.restore()
                self.sqlite(sql)
                self.check_tampered(needle)

    def test_check_finds_an_edited_state_sum_or_count(self):
        self.three_key_vault()
        for sql in ("UPDATE meta SET state_count = state_count + 1", "UPDATE meta SET state_sum = zeroblob(32)"):
            with self.subTest(sql=sql):
                self.restore()
                self.sqlite(sql)
                self.refused("E_TAMPERED", "add", "--owner", "a", "--id", K7, "--passphrase-file", self.passfile,
                             input=fake_secret(7) + "\n")
                self.check_tampered("vault state")

    # A write refuses a vault whose stored integrity tag does not verify.
    def test_writes_refuse_a_vault_whose_state_tag_fails(self):
        self.three_key_vault()
        for sql in ("DELETE FROM audit WHERE seq = 4", "UPDATE meta SET state_count = 7",
                    "UPDATE audit SET mac = zeroblob(32) WHERE seq = 4"):
            with self.subTest(sql=sql):
                self.restore()
                self.sqlite(sql)
                for args, stdin in ((["add", "--owner", "a", "--id", K7], fake_secret(7) + "\n"),
                                    (["remove", K1], None), (["retire", K2], None),
                                    (["show", K3, "--reveal"], None),
                                    (["rotate", K1, "--new-id", K8], fake_secret(8) + "\n")):
                    r = self.refused("E_TAMPERED", *args, "--passphrase-file", self.passfile, input=stdin)
                    self.assertIn("failed its integrity check", r.err)

    # ---- B9 / B10 ----------------------------------------------------------------------
    # B9: after passwd, the old wrapped key is in neither the .db nor the -wal.
    def test_passwd_leaves_no_old_wrapped_key_B9(self):
        self.three_key_vault()
        old_wrap = bytes.fromhex(self.sqlite_value("SELECT hex(wrapped_key) FROM meta"))
        old_salt = bytes.fromhex(self.sqlite_value("SELECT hex(kdf_salt) FROM meta"))
        self.assertEqual(len(old_wrap), 48)
        self.assertTrue(any(old_wrap in c for c in self.vault_files_bytes().values()))
        newfile = self.write_secret_file("new", "a brand new passphrase\n")
        self.watcher.watch("a brand new passphrase")
        r = self.ok("passwd", "--new-passphrase-file", newfile, "--passphrase-file", self.passfile)
        self.assertIn("Changed the master passphrase of " + self.vault, r.out)
        self.assertBytesNowhere(old_wrap, what="the old wrapped vault key")
        self.assertBytesNowhere(old_salt, what="the old KDF salt")
        self.assertBytesNowhere(PASSPHRASE.encode(), what="the old passphrase")
        self.assertBytesNowhere(b"a brand new passphrase", what="the new passphrase")
        self.refused("E_AUTH", "check", "--passphrase-file", self.passfile)
        self.check_ok(newfile)
        self.assertEqual(self.reveal(K2, newfile), S2)
        self.assertEqual(self.log_json()[-2]["event"], "passwd")

    # B10: after remove, the removed ciphertext is in no file of the folder.
    def test_remove_leaves_no_ciphertext_B10(self):
        self.three_key_vault()
        sealed = bytes.fromhex(self.sqlite_value("SELECT hex(sealed) FROM keys WHERE akid = '%s'" % K2))
        nonce = bytes.fromhex(self.sqlite_value("SELECT hex(nonce) FROM keys WHERE akid = '%s'" % K2))
        self.assertTrue(any(sealed in c for c in self.vault_files_bytes().values()))
        self.ok("remove", K2, "--passphrase-file", self.passfile)
        self.assertBytesNowhere(sealed, what="the removed key's ciphertext")
        self.assertBytesNowhere(nonce, what="the removed key's nonce")
        for secret in (S1, S2, S3):
            self.assertBytesNowhere(secret.encode(), what="a secret in clear")
        self.check_ok()

    # ---- C2 / C3 / C4 ---------------------------------------------------------------
    # C2: loose modes on the vault, its side files, its folder or an ancestor.
    def test_loose_permissions_C2(self):
        self.three_key_vault()
        folder = self.vault_folder()
        for mode in (0o640, 0o604, 0o660, 0o644, 0o601, 0o610):
            os.chmod(self.vault, mode)
            for args in (["list"], ["due"], ["add", "--owner", "a", "--id", K7, "--passphrase-file", self.passfile]):
                r = self.refused("E_PERM", *args, input=fake_secret(7) + "\n")
                self.assertIn("vault file %s is accessible to group or others (mode %04o)" % (self.vault, mode), r.err)
                self.assertIn("run: chmod 600 " + self.vault, r.err)
        os.chmod(self.vault, 0o600)
        for mode in (0o755, 0o770, 0o750, 0o701, 0o707):
            os.chmod(folder, mode)
            r = self.refused("E_PERM", "list")
            self.assertIn("vault folder %s is accessible to group or others" % folder, r.err)
            self.assertIn("run: chmod 700 " + folder, r.err)
        os.chmod(folder, 0o700)
        # A side file SQLite left behind, readable by others.
        wal = self.vault + "-wal"
        with open(wal, "wb"):
            pass
        os.chmod(wal, 0o644)
        r = self.refused("E_PERM", "list")
        self.assertIn("chmod 600 " + wal, r.err)
        os.unlink(wal)
        # A group-writable ancestor without the sticky bit.
        for mode in (0o775, 0o757):
            os.chmod(self.home, mode)
            r = self.refused("E_PERM", "list")
            self.assertIn("folder %s above" % self.home, r.err)
            self.assertIn("run: chmod go-w " + self.home, r.err)
        os.chmod(self.home, 0o1777)  # like /tmp: fine
        self.ok("list")
        os.chmod(self.home, 0o755)
        # A symlink as the vault.
        link = self.path("link.db")
        os.symlink(self.vault, link)
        r = self.refused("E_PERM", "list", "--vault", link)
        self.assertIn("symbolic link", r.err)
        self.check_ok()

    # C3: another user's vault, folder, ancestor or passphrase file (fstat on the open fd).
    def test_files_owned_by_another_user_C3(self):
        if not is_root():
            self.skipTest("needs root to chown files to uid 65534")
        self.three_key_vault()
        for path in (self.vault, self.vault_folder()):
            os.chown(path, 65534, 65534)
            r = self.refused("E_PERM", "list")
            self.assertIn("%s is owned by uid 65534" % path, r.err)
            r = self.refused("E_PERM", "check", "--passphrase-file", self.passfile)
            os.chown(path, 0, 0)
        os.chown(self.home, 65534, 65534)
        r = self.refused("E_PERM", "list")
        self.assertIn("folder %s above" % self.home, r.err)
        os.chown(self.home, 0, 0)
        os.chown(self.passfile, 65534, 65534)
        r = self.refused("E_PERM", "check", "--passphrase-file", self.passfile)
        self.assertIn("secret input file %s is owned by uid 65534" % self.passfile, r.err)
        os.chown(self.passfile, 0, 0)
        self.check_ok()

    # C4: the passphrase file must be an owner-only regular file; a FIFO never blocks.
    def test_passphrase_file_kinds_C4(self):
        self.three_key_vault()
        loose = self.write_secret_file("loose", PASSPHRASE + "\n", mode=0o644)
        group = self.write_secret_file("group", PASSPHRASE + "\n", mode=0o640)
        link_to_loose = self.path("link")
        os.symlink(loose, link_to_loose)
        fifo = self.path("fifo")
        os.mkfifo(fifo, 0o600)
        folder = self.path("folder")
        os.mkdir(folder, 0o700)
        for f, needle in ((loose, "mode 0644"), (group, "mode 0640"), (link_to_loose, "mode 0644"),
                          (fifo, "not a regular file"), (folder, "not a regular file"),
                          ("/dev/null", "not a regular file"), ("/dev/zero", "not a regular file")):
            for args in (["check"], ["add", "--owner", "a", "--id", K7]):
                start = time.monotonic()
                r = self.refused("E_PERM", *args, "--passphrase-file", f, input=fake_secret(7) + "\n", timeout=30)
                self.assertLess(time.monotonic() - start, 10, f)
                self.assertIn(needle, r.err)
                self.assertIn(f, r.err)
        r = self.refused("E_PERM", "passwd", "--new-passphrase-file", loose, "--passphrase-file", self.passfile)
        self.assertIn("chmod 600 " + loose, r.err)
        r = self.refused("E_NOTFOUND", "check", "--passphrase-file", self.path("missing"))
        self.check_ok()

    # ---- F3 ---------------------------------------------------------------------------
    # F3: first line only; one "\n" or "\r\n" stripped; empty or over 1 KiB refused.
    def test_passphrase_file_lines_F3(self):
        self.init_vault()
        for n, content in enumerate((PASSPHRASE + "\r\n", PASSPHRASE, PASSPHRASE + "\nsecond line\n",
                                     PASSPHRASE + "\r\nsecond line")):
            self.check_ok(self.write_secret_file("ok%d" % n, content))
        for n, content in enumerate((PASSPHRASE + " \n", PASSPHRASE + "\r\r\n", " " + PASSPHRASE + "\n")):
            self.refused("E_AUTH", "check", "--passphrase-file", self.write_secret_file("bad%d" % n, content))
        for n, content in enumerate(("", "\n", "\r\n", "x" * (1 << 20), "x" * (1 << 20) + "\n", "y" * 1025 + "\n",
                                     "\nsecond line\n")):
            r = self.refused("E_INPUT", "check", "--passphrase-file", self.write_secret_file("in%d" % n, content))
            self.assertRegex(r.err, "is empty|longer than 1024 bytes")
        # 1024 bytes is the longest accepted line.
        longest = "p" * 1024
        self.watcher.watch(longest)
        f = self.write_secret_file("longest", longest + "\r\n")
        vault = self.path("v1024", "vault.db")
        self.ok("--vault", vault, "--passphrase-file", f, "init", "--kdf", "interactive")
        self.check_ok(f, "--vault", vault)
        self.refused("E_AUTH", "check", "--vault", vault, "--passphrase-file",
                     self.write_secret_file("shorter", "p" * 1023 + "\n"))

    # ---- C10 --------------------------------------------------------------------------
    def state(self):
        """(akids, audit entries) as committed."""
        keys = set(self.sqlite("SELECT akid FROM keys").split())
        return keys, int(self.sqlite_value("SELECT count(*) FROM audit"))

    def fault_series(self, command, call, errno_name, max_at, make_args):
        """Runs `command` with the at-th `call` failing, for at = 1..max_at
        (stopping after 6 successes in a row: no more calls to fail). After
        each: E_IO or success; the change wholly there or wholly absent;
        integrity_check and `check` pass."""
        successes_in_a_row = 0
        failures = 0
        for at in range(1, max_at + 1):
            args, stdin, expect_added, expect_removed = make_args(at)
            keys_before, audit_before = self.state()
            r = self.run_akvault(*args, "--passphrase-file", self.passfile, input=stdin,
                                 env=faulty_env(call, errno_name, at))
            label = "%s with %s #%d failing with %s: %r" % (command, call, at, errno_name, r)
            self.assertIn(r.code, (0, 11), label)
            keys_after, audit_after = self.state()
            old = keys_after == keys_before and audit_after == audit_before
            new = keys_after == (keys_before | expect_added) - expect_removed and audit_after == audit_before + 1
            self.assertTrue(old or new, label)
            self.assertFalse(old and new, label)
            if r.code == 0:
                self.assertTrue(new, label)
                successes_in_a_row += 1
            else:
                failures += 1
                successes_in_a_row = 0
                self.assertEqual(len(error_lines(r)), 1, label)
                self.assertIn(self.vault, r.err, label)
            self.integrity_ok()
            if at % 3 == 0:  # `check` (one Argon2id) every third run, and at the end
                self.check_ok()
            if successes_in_a_row >= 6:
                break
        self.check_ok()
        self.assertGreater(failures, 0, "no %s call of %s failed: is the fault injector loaded?" % (call, command))

    # C10: ENOSPC/EIO at every pwrite and fdatasync of add, import and remove
    # (SQLite writes with pwrite64 and syncs with fdatasync; it does not use
    # write or fsync on the vault, which is checked once too).
    def fault_setup(self):
        if not VAULT_FAULTINJECT or not os.path.exists(VAULT_FAULTINJECT):
            self.skipTest("AKVAULT_FAULTINJECT is not set (run through ctest)")
        self.three_key_vault()
        self.counter = 100

    def next_key(self):
        self.counter += 1
        self.watcher.watch(fake_secret(self.counter))
        return fake_id(self.counter), fake_secret(self.counter)

    def add_args(self, at):
        akid, secret = self.next_key()
        return ["add", "--owner", "f", "--id", akid], secret + "\n", {akid}, set()

    def test_disk_faults_during_add_C10(self):
        self.fault_setup()
        self.fault_series("add", "fdatasync", "EIO", 10, self.add_args)
        self.fault_series("add", "pwrite", "ENOSPC", 30, self.add_args)
        self.fault_series("add", "pwrite", "EIO", 4, self.add_args)
        for call in ("write", "fsync"):
            args, stdin, added, _ = self.add_args(1)
            r = self.run_akvault(*args, "--passphrase-file", self.passfile, input=stdin, env=faulty_env(call, "EIO", 1))
            self.assertIn(r.code, (0, 11), r)
            self.assertEqual(added <= set(self.list_json_ids()), r.code == 0, r)
        self.check_ok()

    def list_json_ids(self):
        return [k["akid"] for k in self.list_json("--all")]

    def test_disk_faults_during_import_C10(self):
        self.fault_setup()

        def import_args(at):
            ids, lines = [], ["AccessKey ID,AccessKey Secret"]
            for _ in range(3):
                akid, secret = self.next_key()
                ids.append(akid)
                lines.append("%s,%s" % (akid, secret))
            csv = self.write_secret_file("import%d.csv" % self.counter, "\n".join(lines) + "\n")
            return ["import", csv, "--owner", "f"], None, set(ids), set()

        self.fault_series("import", "fdatasync", "EIO", 10, import_args)
        self.fault_series("import", "pwrite", "ENOSPC", 30, import_args)

    def test_disk_faults_during_remove_C10(self):
        self.fault_setup()

        # The keys to remove, added in one import (one unlock instead of one per run).
        victims, lines = [], ["AccessKey ID,AccessKey Secret"]
        for _ in range(45):
            akid, secret = self.next_key()
            victims.append(akid)
            lines.append("%s,%s" % (akid, secret))
        self.ok("import", self.write_secret_file("victims.csv", "\n".join(lines) + "\n"), "--owner", "f",
                "--passphrase-file", self.passfile)

        def remove_args(at):
            akid = victims.pop()
            return ["remove", akid], None, set(), {akid}

        self.fault_series("remove", "fdatasync", "EIO", 10, remove_args)
        self.fault_series("remove", "pwrite", "ENOSPC", 30, remove_args)

    def test_io_error_after_commit_does_not_claim_nothing_changed_C10(self):
        if not VAULT_FAULTINJECT or not os.path.exists(VAULT_FAULTINJECT):
            self.skipTest("AKVAULT_FAULTINJECT is not set (run through ctest)")
        self.init_vault()
        new = self.write_secret_file("new", "the next passphrase\n")
        current, other = self.passfile, new
        committed_with_error = 0
        for at in range(1, 8):
            r = self.run_akvault("passwd", "--new-passphrase-file", other, "--passphrase-file", current,
                                 env=faulty_env("fdatasync", "EIO", at))
            changed = self.run_akvault("config", "get", "rotate-days", "--passphrase-file", other).code == 0
            if r.code == 11 and changed:
                committed_with_error += 1
                self.assertNotIn("nothing was changed", r.err, "passwd at fdatasync #%d: %r" % (at, r))
            if changed:
                current, other = other, current
        self.assertGreater(committed_with_error, 0)

    # ---- C11 --------------------------------------------------------------------------
    def run_on_readonly_mount(self, *args, input=None):
        """Runs akvault in a private mount namespace where the vault's folder is read-only."""
        folder = self.vault_folder()
        script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 97; shift; exec "$@"'
        proc = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", folder,
                               AKVAULT] + [str(a) for a in args],
                              input=(input or "").encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=self.env(), cwd=self.home, timeout=60)
        return proc

    def readonly_mount_or_skip(self):
        if not is_root() or shutil.which("unshare") is None:
            self.skipTest("needs root and unshare(1) to make a read-only bind mount")
        folder = self.vault_folder()
        probe = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                                'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 97; '
                                'touch "$1/probe" 2>/dev/null && { rm -f "$1/probe"; exit 98; }; exit 0', "sh", folder],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        if probe.returncode != 0:
            self.skipTest("cannot make a read-only bind mount here (unshare -m: %s)" % probe.stderr.decode().strip())

    # C11: on a read-only filesystem, a change is a clear E_IO and nothing else happens.
    def test_readonly_filesystem_write_is_a_clear_error_C11(self):
        self.three_key_vault()
        self.readonly_mount_or_skip()
        before = self.snapshot()
        for args, stdin in ((["add", "--owner", "a", "--id", K7], fake_secret(7) + "\n"), (["remove", K1], None)):
            proc = self.run_on_readonly_mount(*args, "--passphrase-file", self.passfile, input=stdin)
            err = proc.stderr.decode()
            self.assertEqual(proc.returncode, 11, err)
            self.assertEqual(len([l for l in err.splitlines() if l.startswith("akvault: error:")]), 1, err)
            self.assertRegex(err, "read-only|writable")
        self.assertEqual(self.snapshot(), before)
        self.check_ok()

    def test_readonly_filesystem_list_and_due_still_work_C11(self):
        self.three_key_vault()
        self.readonly_mount_or_skip()
        proc = self.run_on_readonly_mount("list")
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        self.assertIn(K1, proc.stdout.decode())
        proc = self.run_on_readonly_mount("due", "--within", "100")
        self.assertEqual(proc.returncode, 13, proc.stderr.decode())
        proc = self.run_on_readonly_mount("log")
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())

    # C11: a vault whose -wal still holds committed changes (a crash, or a copy taken while it was
    # open) and no -shm, on read-only media: E_IO saying so, not an answer from the older main file.
    def test_readonly_filesystem_with_unmerged_wal_is_a_clear_error_C11(self):
        import sqlite3
        self.three_key_vault()
        self.readonly_mount_or_skip()
        holder = sqlite3.connect(self.vault)  # a second connection: akvault's close does not merge the -wal
        try:
            holder.execute("SELECT count(*) FROM keys").fetchall()
            self.add_secret_key(7, "dave", "ops")
            self.assertGreater(os.path.getsize(self.vault + "-wal"), 0)
            copies = {suffix: self.path("copy" + suffix) for suffix in ("", "-wal")}
            for suffix, dst in copies.items():
                shutil.copyfile(self.vault + suffix, dst)
        finally:
            holder.close()
        for suffix in ("-wal", "-shm"):
            if os.path.exists(self.vault + suffix):
                os.unlink(self.vault + suffix)
        for suffix, src in copies.items():
            os.replace(src, self.vault + suffix)
            os.chmod(self.vault + suffix, 0o600)
        before = self.snapshot()
        for args in (["list"], ["due", "--within", "100"], ["log"]):
            proc = self.run_on_readonly_mount(*args)
            err = proc.stderr.decode()
            self.assertEqual(proc.returncode, 11, err)
            self.assertEqual(len([l for l in err.splitlines() if l.startswith("akvault: error:")]), 1, err)
            self.assertIn("-wal that were never merged", err)
            self.assertNotIn(K1, proc.stdout.decode())
        self.assertEqual(self.snapshot(), before)
        # Where the folder is writable, the change is there.
        self.assertIn(K7, [k["akid"] for k in self.list_json("--all")])
        self.check_ok()


if __name__ == "__main__":
    unittest.main()

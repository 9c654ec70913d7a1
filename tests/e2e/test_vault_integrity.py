"""Issue 9 items 1, 2, 6 and 7 (`passwd --rekey`): a vault file written by
someone else, rows restored or rolled back, concurrent writers. Each test
names its case (H2-1a, ...); docs/testing.md lists them beside the
attack catalogue (../shared/spec/attack-catalogue.md)."""

import json
import os
import subprocess
import time
import unittest

from harness import (AKVAULT, BUNDLE_PASSWORD_RE, EXIT, FAULTINJECT, PASSPHRASE, Result, VaultTestCase, fake_id,
                     fake_secret, fault_env, temp_leftovers)

K1, K2 = fake_id(1), fake_id(2)


class VaultSchemaDefenceTest(VaultTestCase):
    """Item 1: SQLite's defences against a file an attacker has written."""

    def setUp(self):
        super().setUp()
        self.init_vault()
        self.add_secret_key(1, "alice", "billing")
        self.add_secret_key(2, "bob", "web")

    # H2-1a: a trigger swallowing the UPDATE of the wrap made passwd say "Changed".
    def test_planted_trigger_on_meta_refuses_passwd_H2_1a(self):
        self.sqlite("CREATE TRIGGER k BEFORE UPDATE ON meta WHEN new.wrapped_key IS NOT old.wrapped_key "
                    "BEGIN SELECT RAISE(IGNORE); END")
        newpass = self.write_secret_file("new", "another long passphrase\n")
        r = self.refused("E_TAMPERED", "passwd", "--passphrase-file", self.passfile, "--new-passphrase-file", newpass)
        self.assertIn("trigger k on meta", r.err)
        self.assertNotIn("Changed", r.out)
        r = self.check_tampered("trigger k on meta")
        self.assertIn("akvault never creates it", r.out)

    # H2-1b: a trigger swallowing the DELETE made remove report success.
    def test_planted_trigger_on_keys_refuses_remove_H2_1b(self):
        self.sqlite("CREATE TRIGGER keep BEFORE DELETE ON keys BEGIN SELECT RAISE(IGNORE); END")
        r = self.refused("E_TAMPERED", "remove", K1, "--passphrase-file", self.passfile)
        self.assertIn("trigger keep on keys", r.err)
        self.assertEqual(self.sqlite_value("SELECT count(*) FROM keys WHERE akid = '%s'" % K1), "1")
        # Every command refuses it, metadata reads too.
        for args in (["list"], ["due"], ["show", K1, "--reveal", "--passphrase-file", self.passfile]):
            self.refused("E_TAMPERED", *args)

    # H2-1c: a harmless foreign view or trigger is reported by check.
    def test_harmless_foreign_objects_reported_by_check_H2_1c(self):
        self.sqlite("CREATE VIEW v AS SELECT akid FROM keys; CREATE TRIGGER t AFTER INSERT ON audit BEGIN SELECT 1; END")
        r = self.check_tampered("view v", "trigger t on audit")
        report = json.loads(self.fails("E_TAMPERED", "check", "--json", "--passphrase-file", self.passfile).out)
        self.assertFalse(report["ok"])
        self.assertIn("schema: view v (akvault never creates it)", report["problems"])
        self.sqlite("DROP VIEW v; DROP TRIGGER t")
        self.check_ok()

    # H2-1d: a table re-defined (a column added) is as foreign as a trigger.
    def test_changed_table_definition_H2_1d(self):
        self.sqlite("ALTER TABLE audit ADD COLUMN extra TEXT")
        self.refused("E_TAMPERED", "list")
        self.check_tampered("table audit (its definition differs")



class ConcurrentWritersTest(VaultTestCase):
    """Item 6: no lost update, no publish after a conflict."""

    def setUp(self):
        super().setUp()
        self.init_vault()
        self.add_secret_key(1, "alice", "billing")

    def race(self, *commands):
        """Starts every command at once; returns their results in order."""
        procs = [self.spawn(*c) for c in commands]
        out = []
        for p in procs:
            o, e = p.communicate(timeout=300)
            out.append((p.returncode, o.decode(), e.decode()))
        return out

    # H2-6a: two passwd at once: at most one says it changed the passphrase,
    # and that one's passphrase opens the vault; the loser changed nothing.
    def test_two_passwd_at_once_H2_6a(self):
        files = [self.write_secret_file("p%d" % i, "new passphrase number %d\n" % i) for i in range(2)]
        for i in range(2):
            self.watcher.watch("new passphrase number %d" % i)
        for attempt in range(3):
            current = self.passfile if attempt == 0 else winner_file
            results = self.race(*[("passwd", "--passphrase-file", current, "--new-passphrase-file", f) for f in files])
            codes = [r[0] for r in results]
            self.assertEqual(codes.count(0), 1, results)
            for code, out, err in results:
                if code != 0:
                    self.assertIn(code, (EXIT["E_CONFLICT"], EXIT["E_AUTH"]), err)
            winner_file = files[codes.index(0)]
            loser_file = files[1 - codes.index(0)]
            self.check_ok(winner_file)
            self.fails("E_AUTH", "check", "--passphrase-file", loser_file)
            self.fails("E_AUTH", "check", "--passphrase-file", current)
            self.assertEqual(self.reveal(K1, winner_file), fake_secret(1))
            # Next round from the winner's passphrase to the two new files again.
            files = [self.write_secret_file("p%d_%d" % (attempt, i), "round %d passphrase %d\n" % (attempt, i))
                     for i in range(2)]
            for i in range(2):
                self.watcher.watch("round %d passphrase %d" % (attempt, i))

    def export_held_open(self, *extra):
        """Starts an export of K1 whose --password-command waits for a go file:
        the export has selected, unlocked and sealed, and has not recorded yet."""
        self.gate = self.path("go")
        self.delivered = self.path("delivered")
        cmd = "cat > '%s'; while [ ! -e '%s' ]; do sleep 0.05; done" % (self.delivered, self.gate)
        self.out = self.path("k1.akb")
        proc = self.spawn("export", K1, "--out", self.out, "--password-command", cmd, "--passphrase-file",
                          self.passfile, *extra)
        deadline = time.monotonic() + 120
        while not os.path.exists(self.delivered) or os.path.getsize(self.delivered) == 0:
            if proc.poll() is not None:
                self.fail("export ended early: %r" % (proc.communicate(),))
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.05)
        return proc

    def finish(self, proc):
        with open(self.gate, "w"):
            pass
        out, err = proc.communicate(timeout=120)
        return proc.returncode, out.decode(), err.decode()

    def assert_export_lost(self, result, word):
        code, out, err = result
        self.assertEqual(code, EXIT["E_CONFLICT"], err)
        self.assertIn(word, err)
        self.assertFalse(os.path.exists(self.out), "a bundle was published after the conflict")
        self.assertEqual(temp_leftovers(self.tmp), [])
        self.assertEqual(self.sqlite_value("SELECT count(*) FROM distributions"), "0")
        self.check_ok()

    # H2-6b: a rotate landing while an export runs: the superseded key's bundle is never published.
    def test_rotate_during_export_H2_6b(self):
        proc = self.export_held_open()
        self.ok("rotate", K1, "--new-id", fake_id(2), "--passphrase-file", self.passfile, input=fake_secret(2) + "\n")
        self.secrets[fake_id(2)] = fake_secret(2)
        self.watcher.watch(fake_secret(2))
        self.assert_export_lost(self.finish(proc), "was rotated")

    # H2-6c: a remove landing while an export runs: no bundle, no orphan distribution row.
    def test_remove_during_export_H2_6c(self):
        proc = self.export_held_open()
        self.ok("remove", K1, "--passphrase-file", self.passfile)
        self.assert_export_lost(self.finish(proc), "was removed")

    # H2-6d: check reports a distribution row whose key is gone.
    def test_check_reports_orphan_distribution_rows_H2_6d(self):
        self.add_secret_key(2, "bob", "web")
        out = self.path("k2.akb")
        self.ok("export", fake_id(2), "--out", out, "--password-file", self.path("k2.pw"),
                "--passphrase-file", self.passfile)
        # The key row goes behind akvault's back; its history row, whose MAC
        # still verifies, must not pass unnoticed.
        self.sqlite("DELETE FROM keys WHERE akid = '%s'" % fake_id(2))
        self.check_tampered("its key is not in the vault")

    # H2-6e: a failing export removes every file it created, whatever step
    # failed (each write, fsync and rename in turn, to the end).
    def test_failing_export_leaves_no_file_H2_6e(self):
        if not FAULTINJECT or not os.path.exists(FAULTINJECT):
            self.skipTest("AKVAULT_FAULTINJECT is not set (run through ctest)")
        out, pw = self.path("b.akb"), self.path("b.pw")
        for call, limit in (("write", 40), ("fsync", 12), ("rename", 4)):
            for at in range(1, limit + 1):
                what = "%s #%d" % (call, at)
                r = self.run_akvault("export", K1, "--out", out, "--password-file", pw, "--passphrase-file",
                                     self.passfile, env=fault_env(call, "EIO", at))
                self.assertEqual(temp_leftovers(self.tmp), [], what)
                self.assertEqual(BUNDLE_PASSWORD_RE.findall(r.out + r.err), [], what)
                if os.path.exists(pw):
                    self.watch_password(pw)
                if r.code == 0 or os.path.exists(out):
                    # Published: both files are there, whole.
                    self.assertTrue(os.path.exists(out) and os.path.exists(pw), "%s: %r" % (what, r))
                    if r.code != 0:
                        self.assertIn("could not flush its folder", r.err, what)
                else:
                    self.assertFalse(os.path.exists(pw), "%s: a password file without its bundle" % what)
                for p in (out, pw):
                    if os.path.exists(p):
                        os.unlink(p)
                if r.code == 0:
                    break
        self.integrity_ok()
        self.check_ok()

    def watch_password(self, path):
        with open(path) as f:
            self.watcher.watch(f.read().strip())

    # H2-6f: an export that dies of an exception (here a --out name that is
    # not UTF-8, which the JSON of its audit entry could not hold) leaves no
    # file behind: either it succeeds with both files, or neither remains.
    def test_export_failing_anywhere_leaves_no_file_H2_6f(self):
        out = os.path.join(self.tmp.encode(), b"bundle-\xff.akb")
        pw = os.path.join(self.tmp.encode(), b"pw-\xfe")
        proc = subprocess.run([AKVAULT.encode(), b"export", K1.encode(), b"--out", out, b"--password-file", pw,
                               b"--passphrase-file", self.passfile.encode()], stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env(), cwd=self.home,
                              timeout=120, start_new_session=True)
        r = Result(proc)
        self.assertGreaterEqual(r.code, 0, "died of a signal: %r" % r)
        if r.code == 0:
            self.assertTrue(os.path.exists(out) and os.path.exists(pw))
            with open(pw) as f:
                self.watcher.watch(f.read().strip())
        else:
            self.assertFalse(os.path.exists(out), r)
            self.assertFalse(os.path.exists(pw), r)
        self.assertEqual(temp_leftovers(self.tmp), [])



class RekeyTest(VaultTestCase):
    """Item 7: `passwd --rekey`."""

    def setUp(self):
        super().setUp()
        self.init_vault()
        self.add_secret_key(1, "alice", "billing")
        self.newpass = self.write_secret_file("newpass", "the passphrase after the leak\n")
        self.watcher.watch("the passphrase after the leak")

    def wrap(self):
        return self.sqlite_value("SELECT hex(kdf_salt) || ',' || hex(wrap_nonce) || ',' || hex(wrapped_key) FROM meta")

    def put_back(self, wrap):
        salt, nonce, wrapped = wrap.split(",")
        self.sqlite("UPDATE meta SET kdf_salt = x'%s', wrap_nonce = x'%s', wrapped_key = x'%s'" % (salt, nonce, wrapped))

    # H2-7a: an old backup's keyring plus the old passphrase opens nothing
    # written after `passwd --rekey` (after a plain passwd it opens all).
    def test_old_keyring_opens_nothing_after_rekey_H2_7a(self):
        old_wrap = self.wrap()
        old_sealed = bytes.fromhex(self.sqlite_value("SELECT hex(sealed) FROM keys"))
        r = self.ok("passwd", "--rekey", "--json", "--passphrase-file", self.passfile, "--new-passphrase-file",
                    self.newpass)
        self.assertEqual(json.loads(r.out)["records"], 1)
        self.assertTrue(json.loads(r.out)["rekey"])
        self.assertBytesNowhere(bytes.fromhex(old_wrap.split(",")[2]), what="the old wrap")
        self.assertBytesNowhere(old_sealed, what="the old ciphertext")
        self.add_secret_key(2, "bob", "web", passfile=self.newpass)
        self.assertEqual(self.reveal(K1, self.newpass), fake_secret(1))
        self.check_ok(self.newpass)
        self.put_back(old_wrap)
        for akid in (K1, K2):
            r = self.run_akvault("show", akid, "--reveal", "--passphrase-file", self.passfile)
            self.assertNotEqual(r.code, 0, r)
            self.assertNoSecretsIn(r)

    # H2-7b: the same attack after a plain passwd is what --rekey is for.
    def test_plain_passwd_keeps_the_vault_key_H2_7b(self):
        old_wrap = self.wrap()
        self.ok("passwd", "--passphrase-file", self.passfile, "--new-passphrase-file", self.newpass)
        self.add_secret_key(2, "bob", "web", passfile=self.newpass)
        self.put_back(old_wrap)
        self.assertEqual(self.reveal(K2, self.passfile), fake_secret(2))

    # H2-7c: the audit trail, the settings and the history survive a re-key, verified.
    def test_rekey_keeps_everything_verified_H2_7c(self):
        self.ok("config", "set", "rotate-days", "60", "--passphrase-file", self.passfile)
        self.ok("export", K1, "--out", self.path("k1.akb"), "--password-file", self.path("k1.pw"),
                "--passphrase-file", self.passfile)
        with open(self.path("k1.pw")) as f:
            self.watcher.watch(f.read().strip())
        before = len(self.log_json())
        r = self.ok("passwd", "--rekey", "--passphrase-file", self.passfile, "--new-passphrase-file", self.newpass)
        self.assertIn("1 record(s) re-sealed", r.out)
        self.assertEqual(self.check_ok(self.newpass)["audit_entries"], before + 1)
        entry = self.log_json()[-1]
        self.assertEqual(entry["event"], "passwd")
        self.assertEqual(self.sqlite_value("SELECT count(*) FROM distributions"), "1")
        self.fails("E_AUTH", "check", "--passphrase-file", self.passfile)


if __name__ == "__main__":
    unittest.main()

"""The files that export, open and keygen write and read, end to end
(attack catalogue C3-C10, D6, D7): symlinks, existing files, hard links,
temporary files, injected disk faults, --chown, kill -9 at random moments,
and secret inputs that are not private regular files. Everything runs under
umask 000 (the harness sets it)."""

import json
import os
import random
import re
import shutil
import stat
import subprocess
import sys
import time
import unittest

from harness import (BUNDLE_PASSWORD_RE, EXIT, FAULTINJECT, BundleTestCase, fake_id, unique_secret, fault_env,
                     temp_leftovers)

K1, K2 = fake_id(1), fake_id(2)
S1, S2 = unique_secret(), unique_secret()
NEW_ENV = ("ALIBABA_CLOUD_ACCESS_KEY_ID=%s\nALIBABA_CLOUD_ACCESS_KEY_SECRET=%s\n" % (K1, S1)).encode()
IDENTITY_FILE_RE = re.compile(r"# akvault identity, created \S+\n# public key: akvpub1[0-9a-hjkmnp-tv-z]{58}\n"
                              r"AKVAULT-IDENTITY-1[0-9A-HJKMNP-TV-Z]{58}\n")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data, mode=0o600):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)
    return path


class BundleFilesTest(BundleTestCase):
    def setUp(self):
        super().setUp()
        self.init_vault()
        self.add_key(K1, "alice", "billing", S1)
        self.srv = self.make_home("server")
        self.identity, self.pub = self.keygen(self.srv)
        local = self.path("r.akb")
        self.ok("export", K1, "--recipient", self.pub, "--out", local, "--passphrase-file", self.passfile)
        self.bundle = self.deliver(local, self.srv)

    # ---- helpers ---------------------------------------------------------------
    def open_args(self, out, *extra):
        return ["open", self.bundle, "--identity", self.identity, "--out", out, *extra]

    def srv_kw(self, env=None):
        return self.in_home(self.srv, env=env)

    def assertUntouched(self, path, content, inode=None, mode=0o600):
        st = os.lstat(path)
        self.assertTrue(stat.S_ISREG(st.st_mode), path)
        self.assertEqual(read(path), content, path)
        self.assertEqual(oct(stat.S_IMODE(st.st_mode)), oct(mode), path)
        if inode is not None:
            self.assertEqual(st.st_ino, inode, "%s was replaced" % path)

    def assertNoTemps(self, *folders):
        for folder in folders or (self.srv,):
            self.assertEqual(temp_leftovers(folder), [], folder)

    def export_exports(self):
        return [e for e in json.loads(self.ok("log", "--json").out) if e["event"] == "export"]

    def need_faultinject(self):
        if not FAULTINJECT or not os.path.exists(FAULTINJECT):
            self.skipTest("AKVAULT_FAULTINJECT is not set (run through ctest)")

    # ---- C5: --out is a symlink ----------------------------------------------------
    def test_c5_symlink_out_refused_and_target_unchanged(self):  # C5
        victim = write(os.path.join(self.srv, "victim"), b"attacker can read this\n", 0o644)
        to_file = os.path.join(self.srv, "link-to-file")
        os.symlink(victim, to_file)
        dangling = os.path.join(self.srv, "dangling")
        dangling_target = os.path.join(self.srv, "would-be-created")
        os.symlink(dangling_target, dangling)
        for link, target in ((to_file, victim), (dangling, dangling_target)):
            # With --force: E_PERM, the link is not followed and not replaced.
            r = self.fails("E_PERM", *self.open_args(link, "--force"), **self.srv_kw())
            self.assertIn("symbolic link", r.err)
            # Without --force: refused too.
            r = self.run_akvault(*self.open_args(link), **self.srv_kw())
            self.assertIn(r.code, (EXIT["E_PERM"], EXIT["E_CONFLICT"]), r)
            self.assertTrue(os.path.islink(link))
            self.assertEqual(os.readlink(link), target)
            self.assertNotIn(S1, r.out + r.err)
        self.assertUntouched(victim, b"attacker can read this\n", mode=0o644)
        self.assertFalse(os.path.exists(dangling_target))
        # The same for keygen and export.
        r = self.fails("E_PERM", "keygen", "--out", to_file, "--force", **self.srv_kw())
        self.assertUntouched(victim, b"attacker can read this\n", mode=0o644)
        self.fails("E_PERM", "keygen", "--out", dangling, "--force", **self.srv_kw())
        self.assertFalse(os.path.exists(dangling_target))
        local_link = self.path("bundle-link")
        os.symlink(victim, local_link)
        self.fails("E_PERM", "export", K1, "--recipient", self.pub, "--out", local_link, "--force",
                   "--passphrase-file", self.passfile)
        self.assertUntouched(victim, b"attacker can read this\n", mode=0o644)
        # A password file is never written through a link (nor over anything).
        pw_link = self.path("pw-link")
        os.symlink(dangling_target, pw_link)
        r = self.fails("E_PERM", "export", K1, "--out", self.path("x.akb"), "--password-file", pw_link,
                       "--passphrase-file", self.passfile)
        self.assertIn("symbolic link", r.err)
        self.assertFalse(os.path.exists(dangling_target))
        self.assertFalse(os.path.exists(self.path("x.akb")))
        self.assertNoTemps(self.srv, self.tmp)

    def test_c5_symlink_out_without_force_is_eperm(self):  # C5
        dangling = os.path.join(self.srv, "dangling")
        os.symlink(os.path.join(self.srv, "nowhere"), dangling)
        r = self.fails("E_PERM", *self.open_args(dangling), **self.srv_kw())
        self.assertIn("symbolic link", r.err)

    # ---- C6: --out's folder is a symlink -------------------------------------------------
    def test_c6_out_folder_is_a_symlink(self):  # C6
        real = os.path.join(self.srv, "real")
        os.mkdir(real, 0o700)
        link = os.path.join(self.srv, "linked")
        os.symlink(real, link)
        r = self.fails("E_PERM", *self.open_args(os.path.join(link, "creds.env")), **self.srv_kw())
        self.assertIn("symbolic link", r.err)
        self.fails("E_PERM", "keygen", "--out", os.path.join(link, "id"), **self.srv_kw())
        self.fails("E_PERM", "export", K1, "--recipient", self.pub, "--out", os.path.join(link, "b.akb"),
                   "--passphrase-file", self.passfile)
        self.assertEqual(os.listdir(real), [])
        # A path through a non-folder.
        plain = write(os.path.join(self.srv, "plain"), b"x")
        r = self.run_akvault(*self.open_args(os.path.join(plain, "creds.env")), **self.srv_kw())
        self.assertNotEqual(r.code, 0, r)
        self.assertEqual(read(plain), b"x")

    # ---- C7: existing files --------------------------------------------------------------
    def test_c7_existing_out_without_force(self):  # C7
        out = write(os.path.join(self.srv, "creds.env"), b"OLD\n", 0o640)
        inode = os.stat(out).st_ino
        r = self.fails("E_CONFLICT", *self.open_args(out), **self.srv_kw())
        self.assertIn("--force", r.err)
        self.assertUntouched(out, b"OLD\n", inode, 0o640)
        ident = write(os.path.join(self.srv, "id2"), b"OLD IDENTITY\n")
        self.fails("E_CONFLICT", "keygen", "--out", ident, **self.srv_kw())
        self.assertUntouched(ident, b"OLD IDENTITY\n")
        # export onto an existing bundle: refused before anything is written.
        before = self.export_exports()
        old_bundle = write(self.path("old.akb"), b"OLD BUNDLE\n")
        pw = self.path("new.pw")
        self.fails("E_CONFLICT", "export", K1, "--out", old_bundle, "--password-file", pw, "--passphrase-file",
                   self.passfile)
        self.assertUntouched(old_bundle, b"OLD BUNDLE\n")
        self.assertFalse(os.path.exists(pw), "no password file for a bundle that was not written")
        self.assertEqual(self.export_exports(), before)
        self.assertNoTemps(self.srv, self.tmp)

    def test_c7_password_file_never_overwritten(self):  # C7, F2
        before = self.export_exports()
        pw = write(self.path("taken.pw"), b"SOMEONE ELSE'S\n")
        inode = os.stat(pw).st_ino
        out = self.path("b.akb")
        for extra in ([], ["--force"]):
            r = self.fails("E_CONFLICT", "export", K1, "--out", out, "--password-file", pw, "--passphrase-file",
                           self.passfile, *extra)
            self.assertIn("never overwritten", r.err)
            self.assertUntouched(pw, b"SOMEONE ELSE'S\n", inode)
            self.assertFalse(os.path.exists(out), "no bundle without its password file")
            self.assertEqual(BUNDLE_PASSWORD_RE.findall(r.out + r.err), [])
        self.assertEqual(self.export_exports(), before)
        self.assertNoTemps(self.tmp)

    def test_d7_out_and_password_file_the_same_file_with_force(self):  # D7, C7
        before = self.export_exports()
        for out, pw in (("same", "same"), ("./same2", "same2")):
            r = self.run_akvault("export", K1, "--out", out, "--password-file", pw, "--force", "--passphrase-file",
                                 self.passfile, cwd=self.tmp)
            path = os.path.join(self.tmp, pw)
            if os.path.exists(path) and BUNDLE_PASSWORD_RE.fullmatch(read(path).decode("latin-1").strip()):
                self.watch_file_line(path)
            self.assertIn(r.code, (EXIT["E_USAGE"], EXIT["E_CONFLICT"]),
                          "exit %d; %s now starts with %r" % (r.code, pw, read(path)[:18] if os.path.exists(path) else None))
            self.assertFalse(os.path.exists(path), pw)
        self.assertEqual(self.export_exports(), before)

    def test_d7_out_and_password_file_the_same_file_without_force(self):  # D7, C7
        before = self.export_exports()
        r = self.run_akvault("export", K1, "--out", "same", "--password-file", "same", "--passphrase-file",
                             self.passfile, cwd=self.tmp)
        path = os.path.join(self.tmp, "same")
        if os.path.exists(path):
            self.watch_file_line(path)
        self.assertNotEqual(r.code, 0, r)
        self.assertEqual(self.export_exports(), before, "an export recorded for a bundle that was never written")
        self.assertFalse(os.path.exists(path), "a password file for a bundle that was never written")

    def test_export_never_replaces_the_vault_itself(self):  # C7
        r = self.run_akvault("export", K1, "--recipient", self.pub, "--out", self.vault, "--force",
                             "--passphrase-file", self.passfile)
        with open(self.vault, "rb") as f:
            self.assertTrue(f.read().startswith(b"SQLite format 3\0"), "the vault was replaced (exit %d)" % r.code)
        self.assertNotEqual(r.code, 0, r)
        self.ok("list")

    # ---- C8: --force onto a hard-linked file ------------------------------------------------
    def test_c8_force_onto_a_hard_link(self):  # C8
        cases = (
            ("open", lambda out: self.ok(*self.open_args(out, "--force"), **self.srv_kw()), self.srv),
            ("keygen", lambda out: self.ok("keygen", "--out", out, "--force", **self.srv_kw()), self.srv),
            ("export", lambda out: self.ok("export", K1, "--recipient", self.pub, "--out", out, "--force",
                                           "--passphrase-file", self.passfile), self.tmp),
        )
        for what, run, folder in cases:
            out = write(os.path.join(folder, what + ".out"), b"OLD CONTENT\n", 0o644)
            other = os.path.join(folder, what + ".other-link")
            os.link(out, other)
            old_inode = os.stat(out).st_ino
            run(out)
            self.assertEqual(read(other), b"OLD CONTENT\n", "%s: the other link changed" % what)
            self.assertEqual(oct(self.mode(other)), oct(0o644), what)
            self.assertEqual(os.stat(other).st_nlink, 1, what)
            self.assertNotEqual(os.stat(out).st_ino, old_inode, what)
            self.assertMode(out, 0o600)
            self.assertNotEqual(read(out), b"OLD CONTENT\n")
            self.assertNoTemps(folder)
        self.assertEqual(read(os.path.join(self.srv, "open.out")), NEW_ENV)
        self.assertRegex(read(os.path.join(self.srv, "keygen.out")).decode(), "^" + IDENTITY_FILE_RE.pattern + "$")

    # ---- C9: temporary files ---------------------------------------------------------------
    def test_c9_no_temp_left_and_predictable_names_do_not_matter(self):  # C9
        out = os.path.join(self.srv, "creds.env")
        victim = write(os.path.join(self.srv, "victim"), b"VICTIM\n", 0o644)
        planted = {}
        for name in (".creds.env.tmp", ".creds.env.tmp-0000000000000000", ".creds.env.tmp-ffffffffffffffff",
                     "creds.env.tmp", ".creds.env.swp"):
            planted[name] = write(os.path.join(self.srv, name), b"PLANTED\n", 0o644)
        for name in (".creds.env.tmp-1111111111111111", ".creds.env.tmp-link"):
            os.symlink(victim, os.path.join(self.srv, name))
        self.ok(*self.open_args(out), **self.srv_kw())
        self.assertEqual(read(out), NEW_ENV)
        self.assertMode(out, 0o600)
        for name, path in planted.items():
            self.assertUntouched(path, b"PLANTED\n", mode=0o644)
        self.assertUntouched(victim, b"VICTIM\n", mode=0o644)
        self.assertEqual(sorted(temp_leftovers(self.srv)),
                         sorted([".creds.env.tmp-0000000000000000", ".creds.env.tmp-ffffffffffffffff",
                                 ".creds.env.tmp-1111111111111111"]), "only the planted names")
        # After failed runs, nothing of ours is left behind.
        for name in os.listdir(self.srv):
            if ".tmp" in name:
                os.unlink(os.path.join(self.srv, name))
        self.fails("E_CONFLICT", *self.open_args(out), **self.srv_kw())
        self.fails("E_NOMATCH", "open", self.bundle, "--identity", self.keygen(self.make_home("x"))[0], "--out",
                   os.path.join(self.srv, "other.env"), **self.srv_kw())
        self.assertNoTemps(self.srv)

    # ---- C10: injected disk faults ---------------------------------------------------------
    def test_c10_open_and_keygen_with_disk_faults(self):  # C10
        self.need_faultinject()
        old_creds = write(os.path.join(self.srv, "creds.env"), b"OLD CREDS\n")
        old_id = write(os.path.join(self.srv, "id.old"), b"OLD IDENTITY\n")
        for call in ("write", "fsync", "rename"):
            for errno_name in ("ENOSPC", "EIO"):
                what = "%s %s" % (call, errno_name)
                env = fault_env(call, errno_name)
                # Replacing an existing file: it stays as it was.
                r = self.fails("E_IO", *self.open_args(old_creds, "--force"), **self.srv_kw(env))
                self.assertUntouched(old_creds, b"OLD CREDS\n")
                self.assertNotIn(S1, r.out + r.err)
                r = self.fails("E_IO", "keygen", "--out", old_id, "--force", **self.srv_kw(env))
                self.assertEqual(r.out, "", "%s: a public key printed for an identity never written" % what)
                self.assertUntouched(old_id, b"OLD IDENTITY\n")
                # A new file: never created.
                fresh = os.path.join(self.srv, "fresh")
                self.fails("E_IO", *self.open_args(fresh), **self.srv_kw(env))
                self.assertFalse(os.path.exists(fresh), what)
                self.fails("E_IO", "keygen", "--out", fresh, **self.srv_kw(env))
                self.assertFalse(os.path.exists(fresh), what)
                self.assertNoTemps(self.srv)

    def test_c10_folder_fsync_failure_after_the_rename(self):  # C10
        # The second fsync is the folder's, after the rename: the new file is
        # already in place and complete; akvault says so and still fails.
        self.need_faultinject()
        old_creds = write(os.path.join(self.srv, "creds.env"), b"OLD CREDS\n")
        r = self.fails("E_IO", *self.open_args(old_creds, "--force"), **self.srv_kw(fault_env("fsync", "EIO", at=2)))
        self.assertIn("could not flush its folder", r.err)
        self.assertEqual(read(old_creds), NEW_ENV, "wholly new, never partial")
        self.assertMode(old_creds, 0o600)
        self.assertNoTemps(self.srv)

    def test_c10_export_with_disk_faults(self):  # C10, D7
        self.need_faultinject()
        out, pw = self.path("b.akb"), self.path("b.pw")
        for call in ("write", "fsync", "rename"):
            for at in (1, 2, 3, 4):
                for errno_name in ("ENOSPC", "EIO"):
                    what = "%s #%d %s" % (call, at, errno_name)
                    r = self.run_akvault("export", K1, "--out", out, "--password-file", pw, "--passphrase-file",
                                         self.passfile, env=fault_env(call, errno_name, at))
                    self.assertIn(r.code, (EXIT["E_IO"], 0), "%s: %r" % (what, r))
                    self.assertNoTemps(self.tmp)
                    self.assertEqual(BUNDLE_PASSWORD_RE.findall(r.out + r.err), [], what)
                    if os.path.exists(pw):
                        self.assertRegex(read(pw).decode(), r"^%s\n\Z" % BUNDLE_PASSWORD_RE.pattern, what)
                        self.watch_file_line(pw)
                    if os.path.exists(out):
                        self.assertTrue(os.path.exists(pw), "%s: a bundle without its password file" % what)
                        if r.code != 0:
                            self.assertIn("could not flush its folder", r.err, what)
                    elif r.code != 0:
                        # No bundle: the password file it would open is removed again.
                        self.assertFalse(os.path.exists(pw), "%s: a password file without its bundle" % what)
                    if at == 1 or (call == "write" and at == 2):
                        # The first write, fsync or rename is the bundle's or the password's:
                        # nothing may be left at all.
                        self.assertEqual(r.code, EXIT["E_IO"], "%s: %r" % (what, r))
                        self.assertFalse(os.path.exists(out), what)
                        self.assertFalse(os.path.exists(pw), what)
                    for p in (out, pw):
                        if os.path.exists(p):
                            os.unlink(p)
        # The vault came through every fault intact.
        self.ok("check", "--passphrase-file", self.passfile)

    def test_c10_export_failing_after_the_password_was_shown(self):  # C10
        self.need_faultinject()
        out = self.path("shown.akb")
        # The password goes to stderr first; then moving the bundle into place (the first rename) fails.
        r = self.run_akvault("export", K1, "--out", out, "--passphrase-file", self.passfile,
                             env=fault_env("rename", "EIO", 1))
        self.assertEqual(r.code, EXIT["E_IO"], r)
        self.assertFalse(os.path.exists(out))
        self.assertNoTemps(self.tmp)
        shown = BUNDLE_PASSWORD_RE.findall(r.err)
        self.assertEqual(len(shown), 1, r)
        self.watcher.watch(shown[0])
        errors = [l for l in r.err.splitlines() if l.startswith("akvault: error:")]
        self.assertEqual(len(errors), 1, r)
        self.assertIn("no bundle was written, so the password shown above opens nothing", errors[0])

    # ---- --chown -------------------------------------------------------------------------
    def test_chown_as_root(self):
        if os.geteuid() != 0:
            self.skipTest("needs root")
        # The file is made as nobody (issue 9 item 3), so it goes into a
        # folder nobody can reach and write.
        os.chmod(self.tmp, 0o711)
        os.chmod(self.srv, 0o711)
        theirs = os.path.join(self.srv, "nobody")
        os.mkdir(theirs, 0o700)
        os.chown(theirs, 65534, 65534)
        out = os.path.join(theirs, "creds.env")
        r = self.ok(*self.open_args(out, "--chown", "nobody"), **self.srv_kw())
        st = os.stat(out)
        self.assertEqual((st.st_uid, st.st_gid), (65534, 65534))
        self.assertMode(out, 0o600)
        self.assertEqual(read(out), NEW_ENV)
        self.assertIn("nobody", r.err)
        # --force onto a root-owned file gives it to the service user too.
        os.chown(out, 0, 0)
        self.ok(*self.open_args(out, "--chown", "nobody", "--force"), **self.srv_kw())
        self.assertEqual(os.stat(out).st_uid, 65534)
        self.assertMode(out, 0o600)
        # Unknown user: not found, nothing written.
        fresh = os.path.join(theirs, "fresh.env")
        self.fails("E_NOTFOUND", *self.open_args(fresh, "--chown", "no-such-user-akv"), **self.srv_kw())
        self.assertFalse(os.path.exists(fresh))
        # --chown needs --out.
        self.fails("E_USAGE", "open", self.bundle, "--identity", self.identity, "--chown", "nobody", **self.srv_kw())
        self.assertNoTemps(theirs)

    def test_chown_without_root_is_eperm(self):
        out = os.path.join(self.tmp, "nobody-out")
        if os.geteuid() == 0:
            if not shutil.which("setpriv"):
                self.skipTest("no setpriv to drop root")
            # nobody can reach neither the bundle nor the folder: --chown must be
            # refused first, before any of them is read.
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", os.environ.get("AKVAULT_BIN", "akvault"),
                   "open", self.bundle, "--identity", self.identity, "--out", out, "--chown", "nobody"]
            proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, cwd="/", timeout=60,
                                  env={"HOME": "/nonexistent", "PATH": os.environ.get("PATH", "/usr/bin:/bin")})
            code, err = proc.returncode, proc.stderr.decode()
        else:
            r = self.run_akvault(*self.open_args(out, "--chown", "nobody"), **self.srv_kw())
            code, err = r.code, r.err
        self.assertEqual(code, EXIT["E_PERM"], err)
        self.assertIn("--chown needs root", err)
        self.assertFalse(os.path.exists(out))

    # ---- C4 (and C3): secret inputs -----------------------------------------------------------
    def test_c4_secret_inputs_must_be_private_regular_files(self):  # C4, C3
        local, _ = self.export_bundle(K1, out=self.path("p.akb"))
        pbundle = self.deliver(local, self.srv)
        good_pw = self.deliver(local + ".password", self.srv, "password")
        loose_pw = write(os.path.join(self.srv, "loose-pw"), read(good_pw), 0o644)
        group_id = write(os.path.join(self.srv, "group-id"), read(self.identity), 0o640)
        fifo = os.path.join(self.srv, "fifo")
        os.mkfifo(fifo, 0o600)
        folder = os.path.join(self.srv, "folder")
        os.mkdir(folder, 0o700)
        out = os.path.join(self.srv, "creds.env")
        cases = [("--password-file", pbundle, loose_pw, "chmod 600"),
                 ("--identity", self.bundle, group_id, "chmod 600")]
        for option, bundle in (("--password-file", pbundle), ("--identity", self.bundle)):
            cases += [(option, bundle, fifo, "not a regular file"), (option, bundle, folder, "not a regular file"),
                      (option, bundle, "/dev/null", "not a regular file")]
        # The bundle itself: a FIFO never blocks either.
        start = time.monotonic()
        r = self.fails("E_PERM", "open", fifo, "--identity", self.identity, "--out", out, timeout=20, **self.srv_kw())
        self.assertLess(time.monotonic() - start, 10)
        self.assertIn("not a regular file", r.err)
        for option, bundle, path, message in cases:
            start = time.monotonic()
            r = self.fails("E_PERM", "open", bundle, option, path, "--out", out, timeout=20, **self.srv_kw())
            self.assertLess(time.monotonic() - start, 10, "%s %s blocked" % (option, path))
            self.assertIn(message, r.err, (option, path))
            self.assertIn(path, r.err)
            self.assertFalse(os.path.exists(out))
        if os.geteuid() == 0:  # C3: owned by another user, even with a private mode.
            for option, bundle, src in (("--password-file", pbundle, good_pw), ("--identity", self.bundle, self.identity)):
                theirs = write(os.path.join(self.srv, "theirs"), read(src))
                os.chown(theirs, 65534, 65534)
                r = self.fails("E_PERM", "open", bundle, option, theirs, "--out", out, **self.srv_kw())
                self.assertIn("owned by uid 65534", r.err)
                os.unlink(theirs)
        self.assertFalse(os.path.exists(out))
        # The same file with mode 0600 opens: the refusals were about the mode and type alone.
        os.chmod(loose_pw, 0o600)
        self.ok("open", pbundle, "--password-file", loose_pw, "--out", out, **self.srv_kw())

    # ---- D6: kill -9 during open --force and keygen --force -------------------------------------
    def kill_loop(self, args, dest, old, is_new, runs, folder, env=None):
        """Runs `args` `runs` times, each SIGKILLed after a random delay, with
        `dest` holding `old` before each run. Returns (old count, new count)."""
        timings = []
        for _ in range(3):
            start = time.monotonic()
            proc = self.spawn_akvault(*args, env=env, cwd=folder)
            proc.communicate(timeout=60)
            timings.append(time.monotonic() - start)
            self.assertEqual(proc.returncode, 0)
            write(dest, old)
        typical = sorted(timings)[1]
        rng = random.Random(6)
        outcomes = {"old": 0, "new": 0, "killed": 0, "temps": 0}
        for i in range(runs):
            proc = self.spawn_akvault(*args, env=env, cwd=folder)
            time.sleep(rng.uniform(0, typical * 1.3))
            code, _, err = self.kill_and_reap(proc)
            if code == -9:
                outcomes["killed"] += 1
            else:
                self.assertEqual(code, 0, err)
            content = read(dest)
            if content == old:
                outcomes["old"] += 1
            else:
                self.assertTrue(is_new(content), "run %d: %s is neither old nor new: %r" % (i, dest, content[:80]))
                self.assertMode(dest, 0o600)
                outcomes["new"] += 1
            for name in temp_leftovers(folder):
                p = os.path.join(folder, name)
                self.assertEqual(oct(self.mode(p)), oct(0o600), "stray temp %s" % name)
                outcomes["temps"] += 1
                os.unlink(p)
            write(dest, old)
        self.assertGreater(outcomes["killed"], 0, outcomes)
        sys.stderr.write(" [%s: %s] " % (args[0], outcomes))
        return outcomes

    def test_d6_kill_during_open_force(self):  # D6
        dest = write(os.path.join(self.srv, "creds.env"), b"OLD CREDS\n")
        outcomes = self.kill_loop(self.open_args(dest, "--force"), dest, b"OLD CREDS\n", lambda c: c == NEW_ENV, 150,
                                  self.srv, env={"HOME": self.srv})
        self.assertGreater(outcomes["old"] + outcomes["new"], 0, outcomes)

    def test_d6_kill_during_keygen_force(self):  # D6
        dest = write(os.path.join(self.srv, "id.key"), b"OLD IDENTITY\n")
        outcomes = self.kill_loop(["keygen", "--out", dest, "--force"], dest, b"OLD IDENTITY\n",
                                  lambda c: IDENTITY_FILE_RE.fullmatch(c.decode("ascii", "replace")) is not None, 150,
                                  self.srv, env={"HOME": self.srv})
        self.assertGreater(outcomes["old"] + outcomes["new"], 0, outcomes)

    # ---- D7: kill -9 during export --password-file ---------------------------------------------
    def test_d7_kill_during_export_with_password_file(self):  # D7
        out, pw = self.path("d7.akb"), self.path("d7.pw")
        args = ["export", K1, "--out", out, "--password-file", pw, "--passphrase-file", self.passfile]
        timings = []
        for _ in range(3):
            start = time.monotonic()
            proc = self.spawn_akvault(*args)
            proc.communicate(timeout=60)
            timings.append(time.monotonic() - start)
            self.assertEqual(proc.returncode, 0)
            self.watch_file_line(pw)
            os.unlink(out)
            os.unlink(pw)
        typical = sorted(timings)[1]
        rng = random.Random(7)
        published, opened, outcomes = [], 0, {"none": 0, "password only": 0, "both": 0}
        for i in range(40):
            proc = self.spawn_akvault(*args)
            # Most of the run is the vault's KDF; the files are written at the end.
            time.sleep(rng.uniform(typical * 0.4, typical * 1.2))
            code, _, err = self.kill_and_reap(proc)
            self.assertIn(code, (-9, 0), err)
            have_pw, have_bundle = os.path.exists(pw), os.path.exists(out)
            if have_pw:
                content = read(pw)
                self.assertNotEqual(content, b"", "run %d: a zero-length password file" % i)
                self.assertRegex(content.decode(), r"^%s\n\Z" % BUNDLE_PASSWORD_RE.pattern)
                self.assertMode(pw, 0o600)
                self.watch_file_line(pw)
            if have_bundle:
                self.assertTrue(have_pw, "run %d: a bundle whose password was never delivered" % i)
                self.assertMode(out, 0o600)
                published.append(read(out)[18:34].hex())
                if code == -9 and opened < 3:  # the pair really belongs together
                    self.ok("open", out, "--password-file", pw)
                    opened += 1
            outcomes["both" if have_bundle else "password only" if have_pw else "none"] += 1
            for name in temp_leftovers(self.tmp):
                self.assertMode(os.path.join(self.tmp, name), 0o600)
                os.unlink(os.path.join(self.tmp, name))
            for p in (out, pw):
                if os.path.exists(p):
                    os.unlink(p)
        # Every bundle that reached its name is in the vault's distribution log.
        recorded = {e["detail"]["bundle_id"] for e in self.export_exports()}
        for bundle_id in published:
            self.assertIn(bundle_id, recorded)
        self.ok("check", "--passphrase-file", self.passfile)
        sys.stderr.write(" [export: %s] " % outcomes)
        self.assertGreater(outcomes["none"] + outcomes["password only"], 0, outcomes)


if __name__ == "__main__":
    unittest.main()

"""Where output files go (issue 9 item 3, issue 10 item 1): every output path
is walked from "/" with no symbolic link in any component, a folder others
could swap is refused, missing folders are created 0700, and with --chown
the folders and the file are made as the target user, so root never writes
where that user could not. Root-only cases run with throwaway users
(akv_hy_*), deleted at the end. Everything runs under umask 000."""

import os
import pwd
import secrets
import shutil
import stat
import subprocess
import unittest

from harness import AKVAULT, BundleTestCase, fake_id, temp_leftovers, unique_secret

K1 = fake_id(31)
S1 = unique_secret()


def read(path):
    with open(path, "rb") as f:
        return f.read()


class ThrowawayUser:
    """A non-root user with a fresh home under /home, removed by cleanup()."""

    def __init__(self, stem):
        self.name = "akv_hy_%s_%s" % (stem, secrets.token_hex(3))
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", self.name], check=True,
                       capture_output=True, timeout=60)
        entry = pwd.getpwnam(self.name)
        self.uid, self.gid, self.home = entry.pw_uid, entry.pw_gid, entry.pw_dir
        os.chmod(self.home, 0o700)

    def cleanup(self):
        subprocess.run(["userdel", "--remove", self.name], capture_output=True, timeout=60)
        shutil.rmtree(self.home, ignore_errors=True)

    def give(self, path):
        os.chown(path, self.uid, self.gid)
        return path

    def run(self, *args, cwd=None):
        """akvault as this user (setpriv: real, effective and saved ids)."""
        cmd = ["setpriv", "--reuid=%d" % self.uid, "--regid=%d" % self.gid, "--init-groups", AKVAULT, *args]
        env = {"HOME": self.home, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        return subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, cwd=cwd or self.home, env=env,
                              timeout=120)


class OutputLocationTest(BundleTestCase):
    def setUp(self):
        super().setUp()
        self.init_vault()
        self.add_key(K1, "alice", "billing", S1)
        self.srv = self.make_home("server")
        self.identity, self.pub = self.keygen(self.srv)
        local = self.path("r.akb")
        self.ok("export", K1, "--recipient", self.pub, "--out", local, "--passphrase-file", self.passfile)
        self.bundle = self.deliver(local, self.srv)

    def open_args(self, out, *extra):
        return ["open", self.bundle, "--identity", self.identity, "--out", out, *extra]

    def new_user(self, stem):
        if os.geteuid() != 0:
            self.skipTest("needs root to create throwaway users")
        if not shutil.which("useradd") or not shutil.which("setpriv"):
            self.skipTest("needs useradd and setpriv")
        user = ThrowawayUser(stem)
        self.addCleanup(user.cleanup)
        return user

    # H2-3b: a folder anyone can write, without the sticky bit, is refused for
    # every output (open, keygen, export and its password file), before any
    # secret is asked for, and nothing is left in it.
    def test_h2_3b_world_writable_folder_refused(self):
        shared = self.path("shared")
        os.mkdir(shared, 0o777)
        os.chmod(shared, 0o777)
        r = self.fails("E_PERM", *self.open_args(os.path.join(shared, "creds.env")), **self.in_home(self.srv))
        self.assertIn("writable by group or others (mode 0777) without the sticky bit", r.err)
        self.assertIn("chmod go-w " + shared, r.err)
        self.fails("E_PERM", "keygen", "--out", os.path.join(shared, "id"), **self.in_home(self.srv))
        self.fails("E_PERM", "export", K1, "--out", os.path.join(shared, "b.akb"), "--password-file",
                   self.path("b.pw"), "--passphrase-file", self.passfile)
        self.fails("E_PERM", "export", K1, "--out", self.path("b.akb"), "--password-file",
                   os.path.join(shared, "b.pw"), "--passphrase-file", self.passfile)
        # Deeper down too: the folder above can be renamed away and replaced.
        os.mkdir(os.path.join(shared, "mine"), 0o700)
        self.fails("E_PERM", *self.open_args(os.path.join(shared, "mine", "creds.env")), **self.in_home(self.srv))
        self.assertEqual(sorted(os.listdir(shared)), ["mine"])
        self.assertEqual(os.listdir(os.path.join(shared, "mine")), [])
        self.assertFalse(os.path.exists(self.path("b.akb")))
        # With the sticky bit (like /tmp) it is fine.
        os.chmod(shared, 0o1777)
        self.ok(*self.open_args(os.path.join(shared, "creds.env")), **self.in_home(self.srv))
        self.assertMode(os.path.join(shared, "creds.env"), 0o600)

    # H2-3a: a symlink in a middle component is refused, not only in the last
    # folder (today only the last folder is opened with O_NOFOLLOW).
    def test_h2_3a_symlink_in_any_component(self):
        real = self.path("real")
        os.makedirs(os.path.join(real, "aliyun"))
        os.chmod(real, 0o700)
        os.chmod(os.path.join(real, "aliyun"), 0o700)
        os.symlink(real, os.path.join(self.srv, "cfg"))
        out = os.path.join(self.srv, "cfg", "aliyun", "config.json")
        for args in (self.open_args(out, "--force"), ["keygen", "--out", out]):
            r = self.fails("E_PERM", *args, **self.in_home(self.srv))
            self.assertIn(os.path.join(self.srv, "cfg") + " is a symbolic link", r.err)
        self.assertEqual(os.listdir(os.path.join(real, "aliyun")), [])

    # H2-3c (issue 10 item 1): a fresh home has no ~/.alibabacloud or
    # ~/.aliyun; open --out creates them 0700 (umask 000 here), and keygen and
    # export --out create their folders too.
    def test_h2_3c_missing_folders_created_owner_only(self):
        for rel in (".alibabacloud/credentials", ".aliyun/config.json"):
            out = os.path.join(self.srv, rel)
            fmt = "ini" if "alibabacloud" in rel else "aliyun"
            self.ok(*self.open_args(out, "--format", fmt), **self.in_home(self.srv))
            self.assertMode(os.path.dirname(out), 0o700)
            self.assertMode(out, 0o600)
            self.assertIn(S1.encode(), read(out))
        ident = os.path.join(self.srv, "keys", "nested", "identity")
        self.ok("keygen", "--out", ident, **self.in_home(self.srv))
        self.assertMode(os.path.join(self.srv, "keys"), 0o700)
        self.assertMode(os.path.join(self.srv, "keys", "nested"), 0o700)
        self.assertMode(ident, 0o600)
        out = self.path("outbox", "b.akb")
        self.ok("export", K1, "--out", out, "--password-file", self.path("pw", "b.pw"), "--passphrase-file",
                self.passfile)
        self.assertMode(self.path("outbox"), 0o700)
        self.assertMode(self.path("pw"), 0o700)
        self.assertMode(out, 0o600)
        self.assertEqual(temp_leftovers(self.path("outbox")), [])

    # H2-3a: the attack of the issue. As root, open --chown svc --force --out
    # /home/svc/cfg/aliyun/config.json, where svc made cfg a symlink to a
    # root-only folder: root's file there must stay root's and unchanged.
    def test_h2_3a_chown_symlink_attack(self):
        svc = self.new_user("svc")
        rootonly = self.path("rootonly")
        os.makedirs(os.path.join(rootonly, "aliyun"))
        victim = os.path.join(rootonly, "aliyun", "config.json")
        with open(victim, "wb") as f:
            f.write(b"root's own\n")
        os.chmod(victim, 0o600)
        os.symlink(rootonly, os.path.join(svc.home, "cfg"))
        os.lchown(os.path.join(svc.home, "cfg"), svc.uid, svc.gid)
        out = os.path.join(svc.home, "cfg", "aliyun", "config.json")
        r = self.fails("E_PERM", *self.open_args(out, "--chown", svc.name, "--force", "--format", "aliyun"),
                       **self.in_home(self.srv))
        self.assertIn("symbolic link", r.err)
        st = os.stat(victim)
        self.assertEqual((st.st_uid, read(victim)), (0, b"root's own\n"))
        self.assertEqual(sorted(os.listdir(os.path.join(rootonly, "aliyun"))), ["config.json"])
        # The same folder made a real one by svc, but a root-only folder inside
        # it that svc cannot write: root does not write there for svc either.
        os.unlink(os.path.join(svc.home, "cfg"))
        os.makedirs(os.path.join(svc.home, "cfg2", "locked"))
        svc.give(os.path.join(svc.home, "cfg2"))
        os.chmod(os.path.join(svc.home, "cfg2"), 0o700)
        os.chmod(os.path.join(svc.home, "cfg2", "locked"), 0o755)
        r = self.fails("E_PERM", *self.open_args(os.path.join(svc.home, "cfg2", "locked", "config.json"),
                                                "--chown", svc.name), **self.in_home(self.srv))
        self.assertIn("uid %d may not" % svc.uid, r.err)
        self.assertEqual(os.listdir(os.path.join(svc.home, "cfg2", "locked")), [])

    # H2-3c with --chown: the howto-server step into a fresh service home.
    def test_h2_3c_chown_fresh_home(self):
        svc = self.new_user("svc")
        out = os.path.join(svc.home, ".alibabacloud", "credentials")
        r = self.ok(*self.open_args(out, "--chown", svc.name, "--format", "ini"), **self.in_home(self.srv))
        self.assertIn(svc.name, r.err)
        for path, mode in ((os.path.dirname(out), 0o700), (out, 0o600)):
            st = os.lstat(path)
            self.assertEqual((st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)), (svc.uid, svc.gid, mode), path)
        # --force replaces it, still the user's, no temporary left behind.
        self.ok(*self.open_args(out, "--chown", svc.name, "--format", "ini", "--force"), **self.in_home(self.srv))
        self.assertEqual(os.stat(out).st_uid, svc.uid)
        self.assertEqual(temp_leftovers(os.path.dirname(out)), [])

    # H2-3c as the user: a non-root account opens a bundle into its fresh home.
    def test_h2_3c_non_root_fresh_home(self):
        bob = self.new_user("bob")
        bundle = bob.give(self.deliver(self.bundle, bob.home))
        ident = bob.give(self.deliver(self.identity, bob.home, "identity"))
        proc = bob.run("open", bundle, "--identity", ident, "--format", "aliyun", "--out",
                       os.path.join(bob.home, ".aliyun", "config.json"))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        folder = os.path.join(bob.home, ".aliyun")
        st = os.stat(folder)
        self.assertEqual((st.st_uid, stat.S_IMODE(st.st_mode)), (bob.uid, 0o700))
        self.assertIn(S1.encode(), read(os.path.join(folder, "config.json")))


if __name__ == "__main__":
    unittest.main()

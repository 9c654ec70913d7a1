"""`akvault unlock` / `lock` (issue 11): unlock once per login session.

Every test joins a fresh anonymous kernel session keyring first (what
`keyctl session -` does), so the akvault processes it starts share that
session and nothing else; "another session" is started with
`keyctl session - akvault ...`. Other users are throwaway accounts
(akv_ul_*), made and removed by the test (root only; skipped otherwise).
"""

import ctypes
import json
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
import unittest

from harness import AKVAULT, EXIT, PASSPHRASE, VaultTestCase, fake_id, fake_secret

K1, S1 = fake_id(1), fake_secret(1)
K2, S2 = fake_id(2), fake_secret(2)
VAULT_KEY_TOOL = os.environ.get("AKVAULT_VAULT_KEY_TOOL", "")
KEYCTL = shutil.which("keyctl")


def join_fresh_session_keyring():
    """keyctl_join_session_keyring(NULL) for this (Python) process: a new
    anonymous session keyring that the akvault processes started from here
    inherit. False when the kernel keyring is not available."""
    try:
        lib = ctypes.CDLL("libkeyutils.so.1", use_errno=True)
    except OSError:
        return False
    lib.keyctl_join_session_keyring.argtypes = [ctypes.c_char_p]
    return lib.keyctl_join_session_keyring(None) > 0


def wait_for(predicate, timeout=20.0, step=0.02):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


class SessionUnlockTest(VaultTestCase):
    def setUp(self):
        super().setUp()
        if not join_fresh_session_keyring():
            self.skipTest("the kernel keyring is not available here (libkeyutils or keyctl blocked)")
        self.run_dir = self.path("run")
        os.mkdir(self.run_dir)
        os.chmod(self.run_dir, 0o700)
        self.init_vault()
        self.add_secret_key(1, akid=K1, secret=S1)

    def env(self, extra=None):
        env = super().env({"XDG_RUNTIME_DIR": self.run_dir})
        if extra:
            env.update(extra)
        return {k: v for k, v in env.items() if v is not None}

    def unlock(self, *extra):
        return self.ok("unlock", "--passphrase-file", self.passfile, *extra)

    def reveal_without_passphrase(self, **kw):
        return self.run_akvault("show", K1, "--reveal", **kw)

    def assert_asks(self, r):
        """The command wanted the passphrase: with no terminal and no
        --passphrase-file it fails at once, as before `unlock` existed."""
        self.assertEqual(r.code, EXIT["E_INPUT"], r)
        self.assertIn("no terminal to ask for the master passphrase", r.err)
        self.assertNotIn(S1, r.out)

    def blobs(self):
        folder = os.path.join(self.run_dir, "akvault")
        return sorted(os.listdir(folder)) if os.path.isdir(folder) else []

    # ---- the everyday flow -------------------------------------------------------
    def test_unlock_then_commands_need_no_passphrase(self):
        r = self.unlock()
        self.assertRegex(r.out, r"Unlocked .* until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(15 minutes\)")
        r = self.reveal_without_passphrase()
        self.assertEqual(r.code, 0, r)
        self.assertIn(S1, r.out)
        self.assertNotIn("passphrase", r.err)
        # Writes too: add takes its secret from stdin and asks nothing else.
        self.watcher.watch(S2)
        self.ok("add", "--owner", "bob", "--id", K2, input=S2 + "\n")
        self.assertIn(S2, self.ok("show", K2, "--reveal", "--json").out)
        self.ok("check")
        # The reveal was logged as always.
        self.assertIn("reveal", self.ok("log").out)

    def test_lock_asks_again(self):
        self.unlock()
        self.assertEqual(self.reveal_without_passphrase().code, 0)
        self.assertIn("Locked", self.ok("lock").out)
        self.assert_asks(self.reveal_without_passphrase())
        self.assertEqual(self.blobs(), [])
        self.assertIn("was not unlocked", self.ok("lock").out)
        # --all as well.
        self.unlock()
        self.assertIn("Locked 1 vault", self.ok("lock", "--all").out)
        self.assert_asks(self.reveal_without_passphrase())

    def test_timeout_asks_again(self):
        self.unlock("--test-timeout-seconds", "2")
        self.assertEqual(self.reveal_without_passphrase().code, 0)
        time.sleep(3)
        self.assert_asks(self.reveal_without_passphrase())
        self.assertEqual(self.blobs(), [], "the expired unlock's file is removed")

    def test_timeout_option_bounds(self):
        for bad in ("0", "721", "-5", "ten"):
            self.fails("E_USAGE", "unlock", "--timeout", bad, "--passphrase-file", self.passfile)
        self.fails("E_USAGE", "unlock", "--test-timeout-seconds", "61", "--passphrase-file", self.passfile)
        r = self.unlock("--timeout", "720")
        self.assertIn("(720 minutes)", r.out)
        # The hidden test option is not advertised.
        self.assertNotIn("test-timeout", self.ok("unlock", "--help").out)

    def test_status(self):
        r = self.ok("unlock", "--status")
        self.assertIn("Locked:", r.out)
        self.unlock("--timeout", "30")
        r = self.ok("unlock", "--status")
        self.assertRegex(r.out, r"Unlocked: .* until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \((29|30) minutes left\)")
        status = json.loads(self.ok("--json", "unlock", "--status").out)
        self.assertTrue(status["unlocked"])
        self.assertTrue(status["session_can_unlock"])
        self.assertGreater(status["seconds_left"], 1700)
        self.assertNotIn(S1, r.out + r.err)

    def test_wrong_passphrase_unlocks_nothing(self):
        bad = self.write_secret_file("bad", "not the passphrase at all\n")
        self.fails("E_AUTH", "unlock", "--passphrase-file", bad)
        self.assertEqual(self.blobs(), [])
        self.assert_asks(self.reveal_without_passphrase())

    # ---- passwd ------------------------------------------------------------------
    def test_passwd_always_asks_and_drops_the_unlock(self):
        self.unlock()
        self.assert_asks(self.run_akvault("passwd"))
        self.assertEqual(self.reveal_without_passphrase().code, 0, "a refused passwd leaves the unlock")
        newpass = self.write_secret_file("new", "a brand new passphrase\n")
        r = self.ok("passwd", "--passphrase-file", self.passfile, "--new-passphrase-file", newpass)
        self.assertIn("forgot this session", r.err)
        self.assert_asks(self.reveal_without_passphrase())

    def test_passwd_elsewhere_makes_the_unlock_stale(self):
        self.unlock()
        newpass = self.write_secret_file("new", "a brand new passphrase\n")
        # passwd from another login session of the same user: this session's
        # unlock is left in place, but is bound to the old keyring.
        argv = [KEYCTL, "session", "-", AKVAULT, "passwd", "--passphrase-file", self.passfile,
                "--new-passphrase-file", newpass]
        if not KEYCTL:
            self.skipTest("needs keyctl(1)")
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env(), cwd=self.home,
                           timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(self.blobs()), 1)
        r = self.reveal_without_passphrase()
        self.assert_asks(r)
        self.assertIn("no longer matches the vault", r.err)
        self.assertEqual(self.blobs(), [], "the stale unlock is removed")

    # ---- who does not get it -----------------------------------------------------
    def test_another_session_of_the_same_user_does_not_get_it(self):
        if not KEYCTL:
            self.skipTest("needs keyctl(1)")
        self.unlock()
        p = subprocess.run([KEYCTL, "session", "-", AKVAULT, "show", K1, "--reveal"], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env(), cwd=self.home,
                           timeout=60, start_new_session=True)
        self.assertEqual(p.returncode, EXIT["E_INPUT"], p.stderr)
        self.assertNotIn(S1.encode(), p.stdout)
        # ... and this session still has it.
        self.assertEqual(self.reveal_without_passphrase().code, 0)

    def make_user(self, name):
        if os.geteuid() != 0 or not shutil.which("useradd") or not shutil.which("setpriv"):
            self.skipTest("needs root, useradd(8) and setpriv(1) for throwaway users")
        subprocess.run(["userdel", name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", name], check=True,
                       timeout=60)
        self.addCleanup(subprocess.run, ["userdel", name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        uid = pwd.getpwnam(name).pw_uid
        home = tempfile.mkdtemp(prefix="akvault-e2e-%s-" % name)
        self.addCleanup(shutil.rmtree, home, True)
        os.chmod(home, 0o700)
        run = os.path.join(home, "run")
        os.mkdir(run)
        os.chmod(run, 0o700)
        for p in (home, run):
            os.chown(p, uid, uid)
        # setpriv changes the uid only: the session keyring is inherited,
        # as after `sudo -u` (Debian's sudo has no pam_keyinit).
        as_user = ["setpriv", "--reuid=%d" % uid, "--regid=%d" % uid, "--clear-groups"]
        return uid, home, run, as_user

    def run_as(self, as_user, home, run, *args, input=None):
        env = {"HOME": home, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "TZ": "UTC"}
        if run is not None:
            env["XDG_RUNTIME_DIR"] = run
        p = subprocess.run(as_user + [AKVAULT] + list(args), input=(input or "").encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env, cwd=home, timeout=120, start_new_session=True)
        return p

    def test_another_user_in_the_same_session_does_not_get_it(self):
        uid, home, run, as_user = self.make_user("akv_ul_1")
        self.unlock()
        # The other user has a copy of the vault (say, a backup) and is in this
        # very session, so it possesses the keyring half.
        os.makedirs(os.path.join(home, ".akvault"))
        copy = os.path.join(home, ".akvault", "vault.db")
        shutil.copyfile(self.vault, copy)
        for p in (os.path.dirname(copy), copy):
            os.chown(p, uid, uid)
        os.chmod(os.path.dirname(copy), 0o700)
        os.chmod(copy, 0o600)
        # Its own runtime folder: no unlock file there.
        p = self.run_as(as_user, home, run, "show", K1, "--reveal")
        self.assertEqual(p.returncode, EXIT["E_INPUT"], p.stderr)
        self.assertNotIn(S1.encode(), p.stdout)
        # Ours: not readable by it, so not used.
        p = self.run_as(as_user, home, self.run_dir, "show", K1, "--reveal")
        self.assertEqual(p.returncode, EXIT["E_INPUT"], p.stderr)
        # Even handed both halves (root copies our unlock file to it), akvault
        # refuses: the file is bound to our uid, and the keyring half is ours.
        os.makedirs(os.path.join(run, "akvault"))
        for name in self.blobs():
            dest = os.path.join(run, "akvault", name)
            shutil.copyfile(os.path.join(self.run_dir, "akvault", name), dest)
            os.chown(dest, uid, uid)
            os.chmod(dest, 0o600)
        os.chown(os.path.join(run, "akvault"), uid, uid)
        os.chmod(os.path.join(run, "akvault"), 0o700)
        p = self.run_as(as_user, home, run, "show", K1, "--reveal")
        self.assertEqual(p.returncode, EXIT["E_INPUT"], p.stderr)
        self.assertNotIn(S1.encode(), p.stdout)
        # We still have it.
        self.assertEqual(self.reveal_without_passphrase().code, 0)

    # ---- refusals ---------------------------------------------------------------
    def test_shared_user_session_keyring_is_refused(self):
        if not KEYCTL:
            self.skipTest("needs keyctl(1)")
        shared = "_uid_ses.%d" % os.geteuid()
        argv = [KEYCTL, "session", shared, AKVAULT, "unlock", "--passphrase-file", self.passfile]
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=self.env(), cwd=self.home, timeout=60, start_new_session=True)
        if b"Joined session keyring" not in p.stderr and p.returncode != EXIT["E_NOSESSION"]:
            self.skipTest("cannot join %s here: %r" % (shared, p.stderr))
        err = p.stderr.decode()
        self.assertEqual(p.returncode, EXIT["E_NOSESSION"], err)
        self.assertIn(shared, err)
        self.assertIn("keyctl session -", err)
        self.assertEqual(len([l for l in err.splitlines() if l.startswith("akvault: error:")]), 1, err)
        self.assertEqual(self.blobs(), [])
        # Commands still work, with the passphrase.
        self.assertIn(S1, self.reveal(K1))

    def test_no_private_runtime_dir_is_refused(self):
        r = self.fails("E_NOSESSION", "unlock", "--passphrase-file", self.passfile, env={"XDG_RUNTIME_DIR": None})
        self.assertIn("XDG_RUNTIME_DIR is not set", r.err)
        os.chmod(self.run_dir, 0o755)
        r = self.fails("E_NOSESSION", "unlock", "--passphrase-file", self.passfile)
        self.assertIn("mode 0700", r.err)
        self.assertEqual(self.blobs(), [])
        link = self.path("runlink")
        os.chmod(self.run_dir, 0o700)
        os.symlink(self.run_dir, link)
        self.fails("E_NOSESSION", "unlock", "--passphrase-file", self.passfile, env={"XDG_RUNTIME_DIR": link})
        self.assertEqual(self.blobs(), [])
        # --status explains, and exits 0.
        r = self.ok("unlock", "--status", env={"XDG_RUNTIME_DIR": None})
        self.assertIn("cannot hold an unlock", r.out)

    # ---- what is on disk --------------------------------------------------------
    def test_no_file_holds_the_passphrase_or_a_key_in_clear(self):
        if not VAULT_KEY_TOOL:
            self.skipTest("AKVAULT_VAULT_KEY_TOOL is not set (run through ctest)")
        vault_key = bytes.fromhex(subprocess.run([VAULT_KEY_TOOL, self.vault, self.passfile],
                                                 stdout=subprocess.PIPE, check=True, timeout=60).stdout.decode())
        self.assertEqual(len(vault_key), 32)
        self.unlock()
        self.assertEqual(self.reveal_without_passphrase().code, 0)
        blobs = self.blobs()
        self.assertEqual(len(blobs), 1)
        self.assertRegex(blobs[0], r"^[0-9a-f]{32}\.\d+\.unlock$")
        # The keyring half, read as its possessor can (this test process).
        wrap_key = None
        if KEYCTL:
            name = "akvault:unlock:v1:" + blobs[0].split(".")[0]
            sid = subprocess.run([KEYCTL, "search", "@s", "user", name], stdout=subprocess.PIPE, timeout=30)
            self.assertEqual(sid.returncode, 0)
            wrap_key = subprocess.run([KEYCTL, "pipe", sid.stdout.decode().strip()], stdout=subprocess.PIPE,
                                      timeout=30).stdout
            self.assertEqual(len(wrap_key), 32)
            desc = subprocess.run([KEYCTL, "rdescribe", sid.stdout.decode().strip()], stdout=subprocess.PIPE,
                                  timeout=30).stdout.decode()
            self.assertRegex(desc, r"^user;%d;\d+;2b000000;" % os.geteuid())
        needles = {"passphrase": PASSPHRASE.encode(), "vault key": vault_key,
                   "vault key (hex)": vault_key.hex().encode()}
        if wrap_key:
            needles["wrapping key"] = wrap_key
            needles["wrapping key (hex)"] = wrap_key.hex().encode()
        for path, (mode, content) in self.snapshot(self.tmp).items():
            if content is None or path == self.passfile:
                continue
            for what, needle in needles.items():
                self.assertNotIn(needle, content, "%s found in %s" % (what, path))

    def test_files_are_owner_only(self):
        self.unlock()
        folder = os.path.join(self.run_dir, "akvault")
        self.assertMode(folder, 0o700)
        names = os.listdir(folder)
        self.assertEqual(len(names), 1, names)  # no temporary left behind
        for name in names:
            self.assertMode(os.path.join(folder, name), 0o600)
            self.assertEqual(os.stat(os.path.join(folder, name)).st_size, 96)

    def test_not_dumpable_while_holding_the_key(self):
        uid, home, run, as_user = self.make_user("akv_ul_2")
        passfile = os.path.join(home, "passphrase")
        with open(passfile, "w") as f:
            f.write(PASSPHRASE + "\n")
        os.chown(passfile, uid, uid)
        os.chmod(passfile, 0o600)
        p = self.run_as(as_user, home, run, "--passphrase-file", passfile, "init", "--kdf", "interactive")
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.run_as(as_user, home, run, "unlock", "--passphrase-file", passfile)
        self.assertEqual(p.returncode, 0, p.stderr)
        # An `add` with no passphrase: it unlocks from the session, then waits
        # for the secret on stdin, holding the vault key.
        env = {"HOME": home, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "XDG_RUNTIME_DIR": run}
        proc = subprocess.Popen(as_user + [AKVAULT, "add", "--owner", "alice", "--id", K2], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=home,
                                start_new_session=True)
        try:
            def blocked():
                try:
                    if os.path.realpath(os.readlink("/proc/%d/exe" % proc.pid)) != os.path.realpath(AKVAULT):
                        return False
                    with open("/proc/%d/syscall" % proc.pid) as f:
                        fields = f.read().split()
                except OSError:
                    return False
                return fields[0] in ("0", "63") and int(fields[1], 16) == 0
            self.assertTrue(wait_for(blocked, 30), "akvault never waited for the secret")
            with open("/proc/%d/status" % proc.pid) as f:
                self.assertRegex(f.read(), r"\nUid:\s+%d\s+%d" % (uid, uid))
            # PR_SET_DUMPABLE 0: the kernel gives its /proc files to root.
            for name in ("environ", "mem"):
                self.assertEqual(os.stat("/proc/%d/%s" % (proc.pid, name)).st_uid, 0, name)
            self.watcher.watch(S2)
            out, err = proc.communicate(input=(S2 + "\n").encode(), timeout=60)
            self.assertEqual(proc.returncode, 0, err)
            self.assertNotIn(b"passphrase", err)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate(timeout=30)


if __name__ == "__main__":
    unittest.main()

"""Shared harness for akvault's end-to-end tests.

Every test runs the real `akvault` binary (path in $AKVAULT_BIN) in a fresh
temporary HOME under umask 000, with no controlling terminal (so a prompt can
never hang a test: akvault must fail at once instead), and checks exit
statuses, file modes and the bytes on disk.
"""

import json
import os
import re
import shutil
import stat
import subprocess
import tempfile
import threading
import time
import unittest

AKVAULT = os.environ.get("AKVAULT_BIN", "akvault")
PASSPHRASE = "correct horse battery staple"

# Exit statuses, as documented in docs/exit-codes.md and `akvault --help`.
# test_cli_contract.py checks that this table, the help text and the doc agree.
EXIT = {
    "OK": 0,
    "E_INTERNAL": 1,
    "E_USAGE": 2,
    "E_AUTH": 3,
    "E_TAMPERED": 4,
    "E_PERM": 5,
    "E_NOTFOUND": 6,
    "E_EXPIRED": 7,
    "E_FORMAT": 8,
    "E_CONFLICT": 9,
    "E_NOMATCH": 10,
    "E_IO": 11,
    "E_INPUT": 12,
    "E_DUE": 13,
    "E_POLICY": 14,
}

# Obviously fake but well-formed keys: "LTAI" + 20 characters, 30-character secrets.
def fake_id(n):
    return "LTAI5t" + ("%018d" % n).replace("0", "Q")


def fake_secret(n):
    return ("S%029d" % n).replace("0", "x")


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout.decode("utf-8", "replace")
        self.err = proc.stderr.decode("utf-8", "replace")
        self.raw_out = proc.stdout

    def __repr__(self):
        return "exit %d\n--- stdout\n%s--- stderr\n%s" % (self.code, self.out, self.err)


class CmdlineWatcher:
    """E4: polls /proc/*/cmdline and /proc/*/environ of every process while a
    test runs and records any that contains one of the watched secrets."""

    def __init__(self):
        self.secrets = set()
        self.hits = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def watch(self, secret):
        self.secrets.add(secret.encode() if isinstance(secret, str) else secret)

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self):
        me = str(os.getpid())
        while not self._stop.is_set():
            for pid in os.listdir("/proc"):
                if not pid.isdigit() or pid == me:
                    continue
                try:
                    with open("/proc/%s/cmdline" % pid, "rb") as f:
                        cmdline = f.read()
                except OSError:
                    continue
                for s in list(self.secrets):
                    if s in cmdline:
                        self.hits.append((pid, cmdline))
            time.sleep(0.002)


class AkvaultTestCase(unittest.TestCase):
    """A temporary HOME under umask 000 and helpers to run akvault in it."""

    def setUp(self):
        self._old_umask = os.umask(0)
        self.tmp = tempfile.mkdtemp(prefix="akvault-e2e-")
        os.chmod(self.tmp, 0o700)
        self.home = os.path.join(self.tmp, "home")
        os.mkdir(self.home)
        os.chmod(self.home, 0o755)  # a usual home; umask 000 would make it 0777
        self.vault = os.path.join(self.home, ".akvault", "vault.db")
        self.passfile = self.write_secret_file("passphrase", PASSPHRASE + "\n")
        self.watcher = CmdlineWatcher()
        self.watcher.watch(PASSPHRASE)
        self.watcher.start()

    def tearDown(self):
        self.watcher.stop()
        os.umask(self._old_umask)
        shutil.rmtree(self.tmp, ignore_errors=True)
        # E4: no secret ever appeared in any process's argv.
        self.assertEqual(self.watcher.hits, [], "a secret appeared in a process command line")

    # ---- running akvault -------------------------------------------------
    def env(self, extra=None):
        env = {
            "HOME": self.home,
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "TZ": os.environ.get("TZ", "UTC"),
        }
        if extra:
            env.update(extra)
        return env

    def run_akvault(self, *args, input=None, env=None, cwd=None, timeout=120):
        """Runs akvault with no controlling terminal; stdin is `input` (bytes
        or str) or /dev/null."""
        if isinstance(input, str):
            input = input.encode()
        proc = subprocess.run(
            [AKVAULT] + [str(a) for a in args],
            input=input if input is not None else b"",
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self.env(env),
            cwd=cwd or self.home,
            timeout=timeout,
            start_new_session=True,
        )
        return Result(proc)

    def ok(self, *args, **kw):
        r = self.run_akvault(*args, **kw)
        self.assertEqual(r.code, 0, r)
        return r

    def fails(self, expected, *args, **kw):
        """Runs a command that must fail with the named exit status and a
        single-line error on stderr."""
        r = self.run_akvault(*args, **kw)
        self.assertEqual(r.code, EXIT[expected], r)
        errors = [l for l in r.err.splitlines() if l.startswith("akvault: error:")]
        self.assertEqual(len(errors), 1, "expected one error line: %r" % r)
        return r

    # ---- vault helpers -------------------------------------------------------
    def init_vault(self, *extra):
        return self.ok("--passphrase-file", self.passfile, "init", "--kdf", "interactive", *extra)

    def add_key(self, akid, owner="alice", app="billing", secret=None, *extra):
        secret = secret or fake_secret(1)
        self.watcher.watch(secret)
        args = ["add", "--owner", owner, "--id", akid, "--passphrase-file", self.passfile]
        if app:
            args += ["--app", app]
        return self.ok(*args, *extra, input=secret + "\n")

    # ---- files -----------------------------------------------------------------
    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def write_secret_file(self, name, content, mode=0o600):
        p = self.path(name)
        with open(p, "w") as f:
            f.write(content)
        os.chmod(p, mode)
        return p

    def mode(self, p):
        return stat.S_IMODE(os.lstat(p).st_mode)

    def assertMode(self, p, mode):
        self.assertEqual(oct(self.mode(p)), oct(mode), p)

    def snapshot(self, root=None):
        """Path -> (mode, bytes) of every file under root: to assert that a
        refused command left every file as it was."""
        root = root or self.tmp
        snap = {}
        for dirpath, dirnames, filenames in os.walk(root):
            for name in dirnames + filenames:
                p = os.path.join(dirpath, name)
                st = os.lstat(p)
                content = None
                if stat.S_ISREG(st.st_mode):
                    with open(p, "rb") as f:
                        content = f.read()
                snap[p] = (stat.S_IMODE(st.st_mode), content)
        return snap

    def assertNoSecretOnDisk(self, secret, root=None):
        needle = secret.encode() if isinstance(secret, str) else secret
        for p, (_, content) in self.snapshot(root).items():
            if content is not None:
                self.assertNotIn(needle, content, "secret found in %s" % p)

    def list_json(self, *extra):
        return json.loads(self.ok("list", "--json", *extra).out)

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
    "E_LEAK": 15,
    "E_COMPLIANCE": 16,
    "E_NOSESSION": 22,
}

def akvault_argv(args, env=None):
    """The command line that runs akvault with `args`: under the fault
    injector (tests/support/faultinject.c) when `env` asks for a fault
    (fault_env, faulty_env), since akvault is a static binary that an
    LD_PRELOAD library could not reach."""
    argv = [AKVAULT] + [str(a) for a in args]
    if env and "AKV_FAULT_CALL" in env:
        if not FAULTINJECT:
            raise unittest.SkipTest("AKVAULT_FAULTINJECT is not set (run through ctest)")
        argv = [FAULTINJECT] + argv
    return argv


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
    """E4: while a test runs, polls the processes this test started (its
    descendants, so parallel ctest jobs do not see each other's secrets):
    every one's /proc/PID/cmdline, and the environment of akvault itself
    (/proc/PID/environ), recording any that contains a watched secret.
    Children that `akvault exec` starts get the credentials in their
    environment by design, so only akvault's own environment is checked."""

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

    @staticmethod
    def _read(path):
        try:
            with open(path, "rb") as f:
                return f.read()
        except OSError:
            return None

    def _descendants(self, root):
        children = {}
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            stat = self._read("/proc/%s/stat" % pid)
            if stat is None:
                continue
            # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
            fields = stat.rsplit(b")", 1)[-1].split()
            if len(fields) > 1:
                children.setdefault(fields[1].decode(), []).append(pid)
        found, todo = [], list(children.get(root, []))
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, []))
        return found

    def _scan(self, pid, what):
        data = self._read("/proc/%s/%s" % (pid, what))
        if data is None:
            return
        for s in list(self.secrets):
            if s in data:
                self.hits.append((pid, what, data))

    def _run(self):
        me = str(os.getpid())
        while not self._stop.is_set():
            for pid in self._descendants(me):
                self._scan(pid, "cmdline")
                try:
                    is_akvault = os.path.basename(os.readlink("/proc/%s/exe" % pid)) == "akvault"
                except OSError:
                    is_akvault = False
                if is_akvault:
                    self._scan(pid, "environ")
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
            akvault_argv(args, env),
            input=input if input is not None else b"",
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self.env(env),
            cwd=cwd or self.home,
            timeout=timeout,
            start_new_session=True,
        )
        return Result(proc)

    def run_akvault_peak_memory(self, *args, env=None, timeout=120):
        """Runs akvault like run_akvault (stdin /dev/null) and returns
        (Result, peak resident memory in KiB). The peak shows whether Argon2id
        ran (it touches every block of its memory cost) without depending on
        how loaded the machine is, as a timing would."""
        if os.environ.get("AKVAULT_SANITIZED") == "1":
            # ASan's shadow memory and quarantine dwarf the figures compared.
            raise unittest.SkipTest("peak memory is not meaningful in the sanitizer build")
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(
                akvault_argv(args, env),
                stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                env=self.env(env), cwd=self.home, start_new_session=True)
            deadline = time.monotonic() + timeout
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid == proc.pid:
                    break
                if time.monotonic() > deadline:
                    proc.kill()
                    os.wait4(proc.pid, 0)
                    self.fail("akvault %s did not finish in %d s" % (" ".join(map(str, args)), timeout))
                time.sleep(0.01)
            proc.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            proc.stdout, proc.stderr = out.read(), err.read()
        return Result(proc), usage.ru_maxrss

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


# =============================================================================
# BEGIN bundle helpers (used by test_bundle_*.py; generic, appended by the
# bundle end-to-end tests; nothing above is changed by this block)
# =============================================================================
import signal as _signal  # noqa: E402

# The generated bundle password as shown: 5 groups of 5 Crockford base32 symbols.
BUNDLE_PASSWORD_RE = re.compile(r"[0-9A-HJKMNP-TV-Z]{5}(?:-[0-9A-HJKMNP-TV-Z]{5}){4}")
# A recipient (public key) printed by `akvault keygen`.
RECIPIENT_RE = re.compile(r"akvpub1[0-9a-hjkmnp-tv-z]{58}")
BUNDLE_MAGIC = b"akvault-bundle/v1\n"
# The fault injector (tests/support/faultinject.c), a launcher set by ctest.
FAULTINJECT = os.environ.get("AKVAULT_FAULTINJECT", "")


def unique_secret():
    """A well-formed fake AccessKey Secret used by no other test module or
    concurrent run (ctest -j2): the CmdlineWatcher scans every process on the
    machine, so a module that deliberately puts fake_secret(1) in an argv
    (e.g. test_cli_contract's `--secret` check) must not trip another
    module's watcher."""
    import random
    return fake_secret(random.SystemRandom().randrange(10**19, 10**20))


def temp_leftovers(folder):
    """akvault's temporary files ('.NAME.tmp-<hex>') left in `folder`."""
    return sorted(n for n in os.listdir(folder) if re.match(r"^\..+\.tmp-[0-9a-f]+$", n))


def fault_env(call, errno_name="ENOSPC", at=1, sticky=False):
    """Environment that makes the at-th `call` (write, pwrite, fsync,
    fdatasync, rename) on a descriptor >= 3 fail with errno_name."""
    env = {"AKV_FAULT_CALL": call, "AKV_FAULT_ERRNO": errno_name,
           "AKV_FAULT_AT": str(at)}
    if sticky:
        env["AKV_FAULT_STICKY"] = "1"
    return env


class BundleTestCase(AkvaultTestCase):
    """AkvaultTestCase plus a sender vault and receiving machines, each with
    its own HOME (no vault there), and helpers to export and deliver bundles."""

    def setUp(self):
        super().setUp()
        # A master passphrase of this test alone, for the reason given in
        # unique_secret(): the shared PASSPHRASE is no longer watched here.
        self.watcher.secrets.discard(PASSPHRASE.encode())
        self.passphrase = "bundle e2e " + unique_secret()
        self.passfile = self.write_secret_file("passphrase", self.passphrase + "\n")
        self.watcher.watch(self.passphrase)

    def make_home(self, name):
        """A separate HOME (0700) for a receiving machine, e.g. a server."""
        home = self.path(name)
        os.mkdir(home)
        os.chmod(home, 0o700)
        return home

    def in_home(self, home, env=None, **kw):
        """Keyword arguments for run_akvault/ok/fails that run akvault with
        HOME=home and in that folder: `self.ok("open", b, **self.in_home(srv))`."""
        full_env = {"HOME": home}
        full_env.update(env or {})
        kw["env"] = full_env
        kw.setdefault("cwd", home)
        return kw

    def watch_file_line(self, path):
        """Reads the first line of a secret file and watches it (E4)."""
        with open(path) as f:
            line = f.readline().rstrip("\n")
        self.watcher.watch(line)
        return line

    def keygen(self, home, name="identity"):
        """`akvault keygen` on a receiving machine: (identity path, public key)."""
        ident = os.path.join(home, name)
        r = self.ok("keygen", "--out", ident, **self.in_home(home))
        pub = r.out.strip()
        self.assertRegex(pub, "^" + RECIPIENT_RE.pattern + "$", r)
        with open(ident) as f:
            for line in f:
                if line.startswith("AKVAULT-IDENTITY-1"):
                    self.watcher.watch(line.strip())
        return ident, pub

    def export_bundle(self, *selection, out, recipients=(), password_file=None, with_password=False, extra=()):
        """Exports `selection` (AKIDs or --owner/--app options) from the sender
        vault to `out`. Password bundles write their password to
        `password_file` (default: out + '.password'). Returns (bundle path,
        password or None); the password is watched (E4)."""
        args = ["export", *selection, "--out", out, "--passphrase-file", self.passfile]
        for pub in recipients:
            args += ["--recipient", pub]
        uses_password = not recipients or with_password
        if with_password:
            args.append("--with-password")
        if uses_password:
            password_file = password_file or out + ".password"
            args += ["--password-file", password_file]
        args += list(extra)
        self.ok(*args)
        password = self.watch_file_line(password_file) if uses_password else None
        return out, password

    def deliver(self, src, home, name=None, mode=0o600):
        """Copies a bundle (or password file) to a receiving machine."""
        dst = os.path.join(home, name or os.path.basename(src))
        shutil.copyfile(src, dst)
        os.chmod(dst, mode)
        return dst

    def spawn_akvault(self, *args, env=None, cwd=None, **popen_kw):
        """Starts akvault without waiting (for kill and signal tests), in its
        own session, with no terminal and stdin from /dev/null."""
        popen_kw.setdefault("stdin", subprocess.DEVNULL)
        popen_kw.setdefault("stdout", subprocess.PIPE)
        popen_kw.setdefault("stderr", subprocess.PIPE)
        return subprocess.Popen(akvault_argv(args, env), env=self.env(env), cwd=cwd or self.home,
                                start_new_session=True, **popen_kw)

    @staticmethod
    def kill_and_reap(proc, sig=_signal.SIGKILL):
        try:
            os.kill(proc.pid, sig)
        except ProcessLookupError:
            pass
        out, err = proc.communicate(timeout=60)
        return proc.returncode, out, err
# =============================================================================
# END bundle helpers
# =============================================================================


# =============================================================================
# BEGIN vault helpers (used by test_vault_*.py and test_rotation_*.py; generic,
# appended by the vault end-to-end tests; nothing above is changed by this block)
# =============================================================================
import datetime as _datetime  # noqa: E402

SQLITE3 = shutil.which("sqlite3")
# The fault injector (tests/support/faultinject.c), a launcher set by ctest.
VAULT_FAULTINJECT = os.environ.get("AKVAULT_FAULTINJECT", "")
ERROR_PREFIX = "akvault: error:"


def utc_today():
    """Today as a UTC calendar day (akvault's unit for every deadline)."""
    return _datetime.datetime.now(_datetime.timezone.utc).date()


def day(d, offset=0):
    """'YYYY-MM-DD' of a date (or an ISO string) plus offset days."""
    if isinstance(d, str):
        d = _datetime.date.fromisoformat(d)
    return (d + _datetime.timedelta(days=offset)).isoformat()


# The vault modules' name for fault_env (same environment, same launcher).
faulty_env = fault_env


def error_lines(result):
    return [l for l in result.err.splitlines() if l.startswith(ERROR_PREFIX)]


class VaultTestCase(AkvaultTestCase):
    """AkvaultTestCase plus helpers to look at and tamper with the vault file
    as an attacker with write access would (the sqlite3 CLI), to start
    akvault without waiting, and to assert that a refused command changed
    nothing."""

    def setUp(self):
        super().setUp()
        self.secrets = {}  # akid -> secret of every key added through add_secret_key

    # ---- keys ----------------------------------------------------------------
    def add_secret_key(self, n, owner="alice", app="billing", *extra, akid=None, secret=None, vault=None,
                       passfile=None):
        """Adds fake_id(n) with fake_secret(n) (or the given ones) and remembers its secret."""
        akid = akid or fake_id(n)
        secret = secret or fake_secret(n)
        self.watcher.watch(secret)
        args = ["add", "--owner", owner, "--id", akid, "--passphrase-file", passfile or self.passfile]
        if app:
            args += ["--app", app]
        if vault:
            args += ["--vault", vault]
        r = self.ok(*args, *extra, input=secret + "\n")
        self.secrets[akid] = secret
        return r

    def keys_by_id(self, *extra):
        """akid -> the key's `list --all --json` object."""
        return {k["akid"]: k for k in self.list_json("--all", *extra)}

    def reveal(self, akid, passfile=None, *extra):
        r = self.ok("show", akid, "--reveal", "--json", "--passphrase-file", passfile or self.passfile, *extra)
        return json.loads(r.out)["secret"]

    def check_ok(self, passfile=None, *extra):
        r = self.ok("check", "--json", "--passphrase-file", passfile or self.passfile, *extra)
        report = json.loads(r.out)
        self.assertTrue(report["ok"], r)
        self.assertEqual(report["problems"], [], r)
        return report

    def check_tampered(self, *needles, passfile=None, extra=()):
        """`check` must exit E_TAMPERED, with every needle in its report."""
        r = self.fails("E_TAMPERED", "check", "--passphrase-file", passfile or self.passfile, *extra)
        for needle in needles:
            self.assertIn(needle, r.out + r.err, r)
        return r

    def log_json(self, *extra):
        return json.loads(self.ok("log", "--json", *extra).out)

    # ---- the vault file as an attacker sees it -------------------------------------
    def sqlite(self, sql, db=None, check=True):
        """Runs SQL with the sqlite3 CLI on the vault (or db); returns stdout."""
        if SQLITE3 is None:
            self.skipTest("the sqlite3 command-line tool is not installed")
        proc = subprocess.run([SQLITE3, "-batch", "-bail", "-cmd", ".timeout 10000", db or self.vault, sql],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        if check:
            self.assertEqual(proc.returncode, 0, "sqlite3 %r: %s" % (sql, proc.stderr.decode()))
        return proc.stdout.decode()

    def sqlite_value(self, sql, db=None):
        return self.sqlite(sql, db).strip()

    def integrity_ok(self, db=None):
        self.assertEqual(self.sqlite_value("PRAGMA integrity_check", db), "ok")

    def vault_dump(self, db=None):
        """The logical content of every table (a committed change, or none)."""
        return self.sqlite(".dump", db)

    def vault_folder(self, db=None):
        return os.path.dirname(db or self.vault)

    def vault_files_bytes(self, db=None):
        """Path -> bytes of every file in the vault's folder (.db, -wal, -shm...)."""
        folder = self.vault_folder(db)
        out = {}
        for name in sorted(os.listdir(folder)):
            p = os.path.join(folder, name)
            if os.path.isfile(p):
                with open(p, "rb") as f:
                    out[p] = f.read()
        return out

    def assertBytesNowhere(self, needle, db=None, what="bytes"):
        for p, content in self.vault_files_bytes(db).items():
            self.assertNotIn(needle, content, "%s found in %s" % (what, p))

    # ---- refusals --------------------------------------------------------------
    def refused(self, expected, *args, root=None, **kw):
        """Runs a command that must fail with `expected`, one error line,
        and leave every file (bytes and modes) under root as it was."""
        before = self.snapshot(root)
        r = self.fails(expected, *args, **kw)
        self.assertUnchangedSince(before, r, root)
        return r

    def assertUnchangedSince(self, before, context=None, root=None):
        """Every file as in `before` (a snapshot), bytes and modes. SQLite's
        side files of a vault are the one exception: a connection may leave
        (or remove) an owner-only, empty -wal and its -shm index, which
        change nothing in the vault; a -wal with frames is a change."""
        after = self.snapshot(root)
        for p in sorted(set(before) | set(after)):
            if p.endswith("-wal") or p.endswith("-shm"):
                if p in after and not (p in before and before[p][0] == after[p][0]):
                    self.assertEqual(after[p][0], 0o600, "side file %s: %r" % (p, context))
                    if p.endswith("-wal") and after[p][1]:
                        self.assertEqual(after[p], before.get(p), "%s holds new frames: %r" % (p, context))
                continue
            self.assertIn(p, after, "a refused command deleted %s: %r" % (p, context))
            self.assertIn(p, before, "a refused command created %s: %r" % (p, context))
            self.assertEqual(after[p], before[p], "a refused command changed %s: %r" % (p, context))

    def assertNoSecretsIn(self, result, secrets=None):
        """E6: no secret and no passphrase in a command's stdout or stderr."""
        for s in list(secrets if secrets is not None else self.secrets.values()) + [PASSPHRASE]:
            self.assertNotIn(s, result.out, result)
            self.assertNotIn(s, result.err, result)

    # ---- processes ---------------------------------------------------------------
    def spawn(self, *args, env=None, cwd=None, **popen_kw):
        """Starts akvault without waiting, in its own session (no terminal)."""
        popen_kw.setdefault("stdin", subprocess.DEVNULL)
        popen_kw.setdefault("stdout", subprocess.PIPE)
        popen_kw.setdefault("stderr", subprocess.PIPE)
        return subprocess.Popen(akvault_argv(args, env), env=self.env(env), cwd=cwd or self.home,
                                start_new_session=True, **popen_kw)

    def write_file(self, name, content, mode=0o600):
        """Writes bytes or text to a file in the test folder with an exact mode."""
        p = self.path(name)
        with open(p, "wb") as f:
            f.write(content.encode() if isinstance(content, str) else content)
        os.chmod(p, mode)
        return p
# =============================================================================
# END vault helpers
# =============================================================================

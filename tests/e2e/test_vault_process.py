"""Process hygiene of a running akvault (../shared/spec/attack-catalogue.md
E1, E2, E3, E7): not dumpable, no core file, no secret left in its memory,
and the no-echo prompt that always gives the terminal back."""

import errno
import fcntl
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import termios
import time
import unittest

from harness import AKVAULT, PASSPHRASE, VaultTestCase, fake_id, fake_secret

K1, S1 = fake_id(1), fake_secret(1)
NOBODY = 65534


def wait_for(predicate, timeout=20.0, step=0.02):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def children_of(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


class VaultProcessTest(VaultTestCase):
    def blocked_add(self, *args, env=None, cwd=None, prefix=(), akid=K1):
        """An `add` that has unlocked the vault and now waits for the secret on
        stdin: a long-running akvault holding the vault key."""
        proc = subprocess.Popen(list(prefix) + [AKVAULT, "add", "--owner", "alice", "--id", akid, *args],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=self.env(env), cwd=cwd or self.home, start_new_session=True)
        self.addCleanup(self.reap, proc)
        return proc

    @staticmethod
    def reap(proc):
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=60)

    def akvault_pid(self, proc):
        """The pid of akvault itself (proc may be a wrapper that execs it)."""
        def find():
            try:
                exe = os.readlink("/proc/%d/exe" % proc.pid)
            except OSError:
                return None
            return proc.pid if os.path.realpath(exe) == os.path.realpath(AKVAULT) else None
        pid = wait_for(find, 10)
        self.assertIsNotNone(pid, "akvault did not start")
        return pid

    def wait_until_blocked_on_stdin(self, pid):
        """Waits until akvault sleeps in read(0) (after the unlock)."""
        def blocked():
            try:
                with open("/proc/%d/syscall" % pid) as f:
                    fields = f.read().split()
                with open("/proc/%d/stat" % pid) as f:
                    state = f.read().rsplit(")", 1)[1].split()[0]
            except OSError:
                return False
            # read(2) is syscall 0 on x86_64 and 63 on aarch64; fd 0.
            return state == "S" and fields[0] in ("0", "63") and int(fields[1], 16) == 0
        self.assertTrue(wait_for(blocked, 30), "akvault never waited for the secret")

    # ---- E1 ----------------------------------------------------------------------
    def nobody_home(self):
        """A HOME owned by uid 65534 with its own vault (made as that user)."""
        if os.geteuid() != 0 or shutil.which("setpriv") is None:
            self.skipTest("needs root and setpriv(1) to run akvault as another user")
        home = tempfile.mkdtemp(prefix="akvault-e2e-nobody-")
        self.addCleanup(shutil.rmtree, home, True)
        os.chown(home, NOBODY, NOBODY)
        os.chmod(home, 0o700)
        passfile = os.path.join(home, "passphrase")
        with open(passfile, "w") as f:
            f.write(PASSPHRASE + "\n")
        os.chown(passfile, NOBODY, NOBODY)
        os.chmod(passfile, 0o600)
        as_nobody = ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups"]
        r = subprocess.run(as_nobody + [AKVAULT, "--passphrase-file", passfile, "init", "--kdf", "interactive"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env({"HOME": home}), cwd=home,
                           timeout=60)
        if r.returncode != 0:
            self.skipTest("akvault cannot run as uid %d here: %s" % (NOBODY, r.stderr.decode()))
        return home, passfile, as_nobody

    # E1: /proc/PID/environ and /proc/PID/mem of a running akvault are closed
    # to its own (non-root) user: PR_SET_DUMPABLE 0 makes them root's.
    def test_proc_files_closed_to_the_same_user_E1(self):
        home, passfile, as_nobody = self.nobody_home()
        proc = self.blocked_add("--passphrase-file", passfile, env={"HOME": home, "AKV_E1_MARKER": "x"},
                                cwd=home, prefix=as_nobody)
        pid = self.akvault_pid(proc)
        self.wait_until_blocked_on_stdin(pid)
        with open("/proc/%d/status" % pid) as f:
            self.assertRegex(f.read(), r"\nUid:\s+%d\s+%d" % (NOBODY, NOBODY))  # it does run as nobody
        for name in ("environ", "mem", "auxv"):
            st = os.stat("/proc/%d/%s" % (pid, name))
            self.assertEqual(st.st_uid, 0, name)
        probe = ("import sys\n"
                 "for name in sys.argv[2:]:\n"
                 "    try:\n"
                 "        open('/proc/%s/' % sys.argv[1] + name, 'rb').read(64)\n"
                 "        print(name, 'READABLE')\n"
                 "    except PermissionError as e:\n"
                 "        print(name, 'denied', e.errno)\n")
        r = subprocess.run(as_nobody + [sys.executable, "-c", probe, str(pid), "environ", "mem", "cmdline"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        lines = dict(l.split(" ", 1) for l in r.stdout.decode().splitlines())
        self.assertIn(lines["environ"], ("denied %d" % errno.EACCES, "denied %d" % errno.EPERM), r)
        self.assertIn(lines["mem"], ("denied %d" % errno.EACCES, "denied %d" % errno.EPERM), r)
        # Control: the probe can read what is meant to be public, so the refusal above is real.
        self.assertEqual(lines["cmdline"], "READABLE")
        # ptrace as the same user is refused too (gdb -p / strace -p).
        if shutil.which("strace"):
            r = subprocess.run(as_nobody + ["strace", "-p", str(pid), "-e", "trace=none", "-o", "/dev/null"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
            self.assertNotEqual(r.returncode, 0)
            self.assertRegex(r.stderr.decode(), "Operation not permitted|EPERM|denied")
        proc.stdin.write(S1.encode() + b"\n")
        proc.stdin.close()
        proc.stdin = None
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, err)

    # ---- E2 ----------------------------------------------------------------------
    # E2: RLIMIT_CORE is 0 in the running process, and SIGSEGV/SIGABRT leave no core file.
    def test_no_core_file_E2(self):
        self.init_vault()
        workdir = self.path("cwd")
        os.mkdir(workdir, 0o700)
        # Control: on this machine, a process with `ulimit -c unlimited` that gets SIGSEGV does dump a core here.
        control = subprocess.Popen(["sh", "-c", "ulimit -c unlimited && exec sleep 30"], cwd=workdir,
                                   start_new_session=True)
        wait_for(lambda: os.readlink("/proc/%d/exe" % control.pid).endswith("sleep"), 10)
        os.kill(control.pid, signal.SIGSEGV)
        control.wait(timeout=30)
        cores_dumped = wait_for(lambda: [n for n in os.listdir(workdir) if n.startswith("core")], 5)
        for n in os.listdir(workdir):
            os.unlink(os.path.join(workdir, n))
        for sig in (signal.SIGSEGV, signal.SIGABRT):
            with self.subTest(signal=sig.name):
                proc = self.blocked_add("--passphrase-file", self.passfile, cwd=workdir,
                                        prefix=["sh", "-c", 'ulimit -c unlimited && exec "$@"', "sh"])
                pid = self.akvault_pid(proc)
                self.wait_until_blocked_on_stdin(pid)
                with open("/proc/%d/limits" % pid) as f:
                    limits = f.read()
                self.assertRegex(limits, r"Max core file size\s+0\s+0\s+bytes")
                os.kill(pid, sig)
                proc.wait(timeout=30)
                self.assertEqual(proc.returncode, -sig)
                time.sleep(0.5)
                self.assertEqual([n for n in os.listdir(workdir) if "core" in n], [])
        if not cores_dumped:
            self.skipTest("this machine writes no core file even for an ordinary process (core_pattern %r); "
                          "only RLIMIT_CORE was checked" % open("/proc/sys/kernel/core_pattern").read().strip())

    # ---- E3 ----------------------------------------------------------------------
    def gcore(self, pid):
        prefix = self.path("core")
        r = subprocess.run(["gcore", "-o", prefix, str(pid)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=120)
        core = "%s.%d" % (prefix, pid)
        if r.returncode != 0 or not os.path.exists(core):
            self.skipTest("gcore could not dump akvault here: %s" % r.stderr.decode()[-300:])
        with open(core, "rb") as f:
            data = f.read()
        os.unlink(core)
        return data

    # E3: the akvault parent of `exec --key` holds neither the secret nor the
    # passphrase while its child runs; an `add` waiting for the secret no
    # longer holds the passphrase it unlocked with.
    def test_no_secret_left_in_memory_E3(self):
        if shutil.which("gcore") is None or os.geteuid() != 0:
            self.skipTest("needs gcore (gdb) and root to dump a non-dumpable process")
        self.init_vault()
        self.add_secret_key(1)
        proc = self.spawn("exec", "--key", K1, "--passphrase-file", self.passfile, "--", "sleep", "4")
        self.addCleanup(self.reap, proc)
        pid = proc.pid
        self.assertTrue(wait_for(lambda: children_of(pid), 20), "exec never started its command")
        core = self.gcore(pid)
        # Control: the dump holds akvault's memory (its argv names the key).
        self.assertIn(K1.encode(), core)
        self.assertNotIn(S1.encode(), core, "the AccessKey Secret is still in akvault's memory")
        self.assertNotIn(PASSPHRASE.encode(), core, "the master passphrase is still in akvault's memory")
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, err)

        proc = self.blocked_add("--passphrase-file", self.passfile, akid=fake_id(2))
        pid = self.akvault_pid(proc)
        self.wait_until_blocked_on_stdin(pid)
        core = self.gcore(pid)
        self.assertIn(fake_id(2).encode(), core)
        self.assertNotIn(PASSPHRASE.encode(), core, "the master passphrase outlived the unlock")

    # ---- E7 ----------------------------------------------------------------------
    def on_pty(self, *args):
        """Starts akvault with a new pseudo-terminal as its controlling
        terminal; returns (process, master fd, slave fd)."""
        master, slave = os.openpty()
        self.addCleanup(os.close, master)
        self.addCleanup(os.close, slave)
        # Checked before akvault starts: afterwards it may already be at its prompt, echo off.
        self.assertTrue(self.echo_on(slave), "a new terminal starts with echo on")
        proc = subprocess.Popen([AKVAULT] + list(args), stdin=slave, stdout=slave, stderr=slave,
                                env=self.env(), cwd=self.home, start_new_session=True,
                                preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        self.addCleanup(self.reap, proc)
        return proc, master, slave

    def read_until(self, fd, pattern, timeout=30):
        data = b""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    break
                data += chunk
                if re.search(pattern, data):
                    return data
        self.fail("no %r on the terminal; got %r" % (pattern, data))

    def echo_on(self, fd):
        return bool(termios.tcgetattr(fd)[3] & termios.ECHO)

    # E7: Ctrl-C at the no-echo prompt: echo comes back and the exit status is 130.
    def test_ctrl_c_at_the_prompt_restores_echo_E7(self):
        self.init_vault()
        proc, master, slave = self.on_pty("check")
        self.read_until(master, rb"Master passphrase for .*: ")
        self.assertFalse(self.echo_on(slave), "the prompt does not switch echo off")
        os.write(master, b"\x1a")  # Ctrl-Z: ignored while echo is off (a stopped prompt would leave it off)
        time.sleep(0.3)
        self.assertIsNone(proc.poll())
        with open("/proc/%d/stat" % proc.pid) as f:
            self.assertNotEqual(f.read().rsplit(")", 1)[1].split()[0], "T", "akvault stopped with echo off")
        os.write(master, b"\x03")  # Ctrl-C
        proc.wait(timeout=30)
        self.assertEqual(proc.returncode, 130)
        self.assertTrue(self.echo_on(slave), "echo was not restored after Ctrl-C")

    # E7, control: the same prompt accepts the passphrase typed on the terminal, unechoed.
    def test_prompt_reads_the_passphrase_without_echo_E7(self):
        self.init_vault()
        proc, master, slave = self.on_pty("check")
        self.read_until(master, rb"Master passphrase for .*: ")
        os.write(master, PASSPHRASE.encode() + b"\n")
        out = self.read_until(master, rb"OK: .* 0 problem")
        proc.wait(timeout=30)
        self.assertEqual(proc.returncode, 0)
        self.assertNotIn(PASSPHRASE.encode(), out)  # never echoed
        self.assertTrue(self.echo_on(slave))

    # E7: SIGTERM at the prompt restores echo too, and exits 128+15, not by the signal.
    def test_sigterm_at_the_prompt_restores_echo_E7(self):
        self.init_vault()
        self.add_secret_key(1)
        proc2, master2, slave2 = self.on_pty("remove", K1)
        self.read_until(master2, rb"Master passphrase for .*: ")
        self.assertFalse(self.echo_on(slave2))
        os.kill(proc2.pid, signal.SIGTERM)
        proc2.wait(timeout=30)
        self.assertEqual(proc2.returncode, 128 + signal.SIGTERM)
        self.assertTrue(self.echo_on(slave2))
        self.assertIn(K1, [k["akid"] for k in self.list_json()])

    # E7: no terminal and no file: a clear E_INPUT at once for every command that needs the passphrase.
    def test_no_terminal_no_file_fails_at_once_E7(self):
        self.init_vault()
        self.add_secret_key(1)
        newfile = self.write_secret_file("new", "a new passphrase!\n")
        for args, stdin in ((["check"], None), (["remove", K1], None), (["retire", K1], None),
                            (["rotate", K1, "--new-id", fake_id(2)], fake_secret(2) + "\n"),
                            (["passwd", "--new-passphrase-file", newfile], None),
                            (["show", K1, "--reveal"], None), (["config", "set", "rotate-days", "30"], None),
                            (["export", K1, "--out", self.path("b.akb"), "--password-file", self.path("p")], None)):
            with self.subTest(command=args[0]):
                start = time.monotonic()
                r = self.run_akvault(*args, input=stdin, timeout=30)
                self.assertLess(time.monotonic() - start, 5)
                self.assertEqual(r.code, 12, r)
                self.assertIn("no terminal to ask for the master passphrase", r.err)
                self.assertIn("--passphrase-file", r.err)
        self.assertEqual(self.keys_by_id()[K1]["status"], "active")


if __name__ == "__main__":
    unittest.main()

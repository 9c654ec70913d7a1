"""exec and credential-process, end to end (attack catalogue E4, E5, E6):
the credentials reach the child's environment and nothing else; exit
statuses and signals pass through; --aliases; several keys need --profile;
--key from the vault logs a reveal; retired keys are refused; and
credential-process prints exactly the aliyun External-mode JSON."""

import json
import os
import re
import shutil
import signal
import subprocess
import time
import unittest

from harness import AKVAULT, BundleTestCase, fake_id, unique_secret

K1, K2, K4 = fake_id(1), fake_id(2), fake_id(4)
S1, S2, S4 = unique_secret(), unique_secret(), unique_secret()
MAIN_NAMES = ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET")
ALIAS_NAMES = ("ALIBABACLOUD_ACCESS_KEY_ID", "ALIBABACLOUD_ACCESS_KEY_SECRET", "ALICLOUD_ACCESS_KEY_ID",
               "ALICLOUD_ACCESS_KEY_SECRET", "ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY")


def env_entries(text):
    """`env` output as a list of (name, value), duplicates kept."""
    return [tuple(line.split("=", 1)) for line in text.splitlines() if "=" in line]


def children_of(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def read_proc(pid, what):
    with open("/proc/%d/%s" % (pid, what), "rb") as f:
        return f.read()


class ExecTest(BundleTestCase):
    def setUp(self):
        super().setUp()
        self.init_vault()
        self.add_key(K1, "alice", "billing", S1)
        self.add_key(K2, "alice", "web", S2)
        self.srv = self.make_home("server")
        self.identity, self.pub = self.keygen(self.srv)
        self.bundle = self.export_to_server(K1, name="one.akb")

    # ---- helpers ---------------------------------------------------------------
    def export_to_server(self, *selection, name):
        local = self.path(name)
        self.ok("export", *selection, "--recipient", self.pub, "--out", local, "--passphrase-file", self.passfile)
        return self.deliver(local, self.srv)

    def exec_ok(self, *command, source=None, extra=(), **kw):
        source = source or [self.bundle, "--identity", self.identity]
        kw.setdefault("cwd", self.srv)
        env = {"HOME": self.srv}
        env.update(kw.pop("env", None) or {})
        return self.ok("exec", *source, *extra, "--", *command, env=env, **kw)

    def exec_run(self, *command, source=None, extra=(), env=None):
        source = source or [self.bundle, "--identity", self.identity]
        return self.run_akvault("exec", *source, *extra, "--", *command, **self.in_home(self.srv, env=env))

    def spawn_exec(self, *command):
        return self.spawn_akvault("exec", self.bundle, "--identity", self.identity, "--", *command,
                                  env={"HOME": self.srv}, cwd=self.srv)

    def wait_for(self, predicate, timeout=20, what="condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.01)
        self.fail("timed out waiting for %s" % what)

    def reveals(self, akid):
        return [e for e in json.loads(self.ok("log", "--json").out) if e["event"] == "reveal" and e["akid"] == akid]

    # ---- E5: the child's environment --------------------------------------------------
    def test_e5_child_sees_the_credentials_once(self):  # E5
        r = self.exec_ok("env")
        entries = env_entries(r.out)
        names = [n for n, _ in entries]
        self.assertEqual(dict(entries)["ALIBABA_CLOUD_ACCESS_KEY_ID"], K1)
        self.assertEqual(dict(entries)["ALIBABA_CLOUD_ACCESS_KEY_SECRET"], S1)
        for name in MAIN_NAMES:
            self.assertEqual(names.count(name), 1, name)
        for name in ALIAS_NAMES:
            self.assertNotIn(name, names, "alias set without --aliases")
        self.assertNotIn(S1, r.err)  # E6: akvault itself prints no secret
        # The child's standard input is the caller's.
        self.assertEqual(self.exec_ok("cat", input="piped through\n").out, "piped through\n")

    def test_aliases(self):
        entries = dict(env_entries(self.exec_ok("env", extra=["--aliases"]).out))
        for name in MAIN_NAMES + ALIAS_NAMES:
            self.assertIn(name, entries, name)
            self.assertEqual(entries[name], S1 if ("SECRET" in name) else K1, name)

    def test_existing_variables_replaced_not_duplicated(self):
        stale = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tSTALESTALESTALESTA", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "stale",
                 "ALICLOUD_ACCESS_KEY": "LTAI5tSTALEALIAS", "ALIBABACLOUD_ACCESS_KEY_SECRET": "stale2",
                 "UNRELATED_SETTING": "kept"}
        for extra in ([], ["--aliases"]):
            entries = env_entries(self.exec_ok("env", extra=extra, env=stale).out)
            names = [n for n, _ in entries]
            values = dict(entries)
            for name in MAIN_NAMES:
                self.assertEqual(names.count(name), 1, (extra, name))
            self.assertEqual((values["ALIBABA_CLOUD_ACCESS_KEY_ID"], values["ALIBABA_CLOUD_ACCESS_KEY_SECRET"]), (K1, S1))
            self.assertEqual(values["UNRELATED_SETTING"], "kept")
            for name in ALIAS_NAMES:
                if extra:
                    self.assertEqual(names.count(name), 1, name)
                    self.assertIn(values[name], (K1, S1), name)
                else:
                    # A stale alias would point tools at another key: it is removed.
                    self.assertNotIn(name, names, name)
            self.assertNotIn("stale", json.dumps(values))

    def test_e5_akvault_process_environment_holds_no_secret(self):  # E5
        own_env = self.env({"HOME": self.srv})
        self.assertFalse(any(S1 in v for v in own_env.values()), "the test itself must not hand akvault the secret")
        proc = self.spawn_exec("sleep", "2")
        try:
            child = self.wait_for(lambda: children_of(proc.pid), what="the child")[0]
            # Wait until the child is `sleep` (after exec), then look at both processes.
            self.wait_for(lambda: read_proc(child, "cmdline").startswith(b"sleep"), what="exec of sleep")
            akvault_environ = read_proc(proc.pid, "environ")
            child_environ = read_proc(child, "environ")
            self.assertNotIn(S1.encode(), akvault_environ, "the secret is in akvault's own environment")
            self.assertNotIn(S1.encode(), read_proc(proc.pid, "cmdline"))
            self.assertNotIn(S1.encode(), read_proc(child, "cmdline"))
            # Positive control: the same read shows it in the child.
            self.assertIn(("ALIBABA_CLOUD_ACCESS_KEY_SECRET=%s" % S1).encode(), child_environ.split(b"\0"))
        finally:
            _, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, err)

    def test_e5_nothing_written_to_disk(self):  # E5
        strace = shutil.which("strace")
        if not strace:
            self.skipTest("no strace")
        log = self.path("strace.log")
        # akvault alone (no -f): the child may do what it likes.
        proc = subprocess.run([strace, "-qq", "-o", log, "-e", "trace=%file", AKVAULT, "exec", self.bundle,
                               "--identity", self.identity, "--", "true"], stdin=subprocess.DEVNULL,
                              capture_output=True, env=self.env({"HOME": self.srv}), cwd=self.srv, timeout=60)
        if proc.returncode != 0 and not os.path.exists(log):
            self.skipTest("strace cannot trace here: %s" % proc.stderr.decode()[-200:])
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(log) as f:
            calls = f.read().splitlines()
        self.assertTrue(any(self.identity in c for c in calls), "strace saw the identity being opened")
        writes = [c for c in calls if re.search(r"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC", c) and "/dev/tty" not in c]
        writes += [c for c in calls if re.match(r"(rename|renameat2?|unlink|unlinkat|mkdir|mkdirat|link|linkat|"
                                                r"symlink|symlinkat|truncate|creat)\(", c)]
        self.assertEqual(writes, [])
        with open(log, "rb") as f:
            self.assertNotIn(S1.encode(), f.read())

    # ---- exit statuses and signals ----------------------------------------------------------
    def test_exit_status_passes_through(self):  # E5
        for status in (0, 1, 7, 255):
            r = self.exec_run("sh", "-c", "exit %d" % status)
            self.assertEqual(r.code, status, r)
            self.assertNotIn("akvault: error", r.err)
        r = self.exec_run("sh", "-c", "kill -9 $$")
        self.assertEqual(r.code, 137, r)
        r = self.exec_run("sh", "-c", "kill -TERM $$")
        self.assertEqual(r.code, 143, r)
        r = self.exec_run("no-such-command-akv")
        self.assertEqual(r.code, 127, r)
        self.assertIn("cannot run no-such-command-akv", r.err)
        script = os.path.join(self.srv, "not-executable")
        with open(script, "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(script, 0o600)
        self.assertEqual(self.exec_run(script).code, 126)
        for r in (self.exec_run("no-such-command-akv"), self.exec_run(script)):
            self.assertNotIn(S1, r.out + r.err)

    def test_e5_signals_sent_to_akvault_reach_the_child(self):  # E5
        for sig, status in ((signal.SIGTERM, 42), (signal.SIGINT, 43), (signal.SIGHUP, 44)):
            ready = os.path.join(self.srv, "ready-%d" % sig)
            script = "trap 'exit %d' %s; : > %s; while :; do sleep 0.05; done" % (status, sig.name[3:], ready)
            proc = self.spawn_exec("sh", "-c", script)
            try:
                self.wait_for(lambda: os.path.exists(ready), what="the child's trap")
                time.sleep(0.3)  # past the start-up race reported in the test below
                os.kill(proc.pid, sig)  # to akvault alone, not to its process group
                _, err = proc.communicate(timeout=30)
            finally:
                if proc.poll() is None:
                    self.kill_and_reap(proc)
            self.assertEqual(proc.returncode, status, "%s: %r" % (sig.name, err))
        # A child that does not trap SIGTERM dies of it: 128 + 15.
        proc = self.spawn_exec("sleep", "30")
        child = self.wait_for(lambda: children_of(proc.pid), what="the child")[0]
        self.wait_for(lambda: read_proc(child, "cmdline").startswith(b"sleep"), what="exec of sleep")
        time.sleep(0.3)
        code, _, err = self.kill_and_reap(proc, signal.SIGTERM)
        self.assertEqual(code, 143, err)

    def test_e5_signal_right_after_the_child_starts(self):  # E5
        for attempt in range(100):
            proc = self.spawn_akvault("exec", self.bundle, "--identity", self.identity, "--", "sleep", "30",
                                      env={"HOME": self.srv}, cwd=self.srv, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
            kids = []
            while not kids and proc.poll() is None:
                kids = children_of(proc.pid)
            os.kill(proc.pid, signal.SIGTERM)
            code = proc.wait(timeout=60)
            orphaned = [k for k in kids if os.path.exists("/proc/%d" % k)]
            for k in orphaned:
                try:
                    os.kill(k, signal.SIGKILL)  # the orphan, by its pid
                except ProcessLookupError:
                    pass
            self.assertEqual(code, 143, "attempt %d: akvault ended by signal %d, command orphaned: %s" %
                             (attempt, -code, bool(orphaned)))

    # ---- several keys ---------------------------------------------------------------------
    def test_several_keys_need_profile(self):
        both = self.export_to_server("--owner", "alice", name="both.akb")
        source = [both, "--identity", self.identity]
        r = self.fails("E_USAGE", "exec", *source, "--", "env", **self.in_home(self.srv))
        self.assertIn("billing", r.err)
        self.assertIn("web", r.err)
        self.assertNotIn(S1, r.out + r.err)
        self.assertNotIn(S2, r.out + r.err)
        entries = dict(env_entries(self.exec_ok("env", source=source, extra=["--profile", "web"]).out))
        self.assertEqual((entries["ALIBABA_CLOUD_ACCESS_KEY_ID"], entries["ALIBABA_CLOUD_ACCESS_KEY_SECRET"]), (K2, S2))
        self.fails("E_USAGE", "credential-process", *source, **self.in_home(self.srv))
        r = self.ok("credential-process", *source, "--profile", "billing", **self.in_home(self.srv))
        self.assertEqual(json.loads(r.out)["access_key_id"], K1)
        self.fails("E_NOTFOUND", "exec", *source, "--profile", "nope", "--", "true", **self.in_home(self.srv))

    # ---- --key from the vault -------------------------------------------------------------
    def test_exec_key_from_the_vault_logs_a_reveal(self):
        before = len(self.reveals(K1))
        r = self.ok("exec", "--key", K1, "--passphrase-file", self.passfile, "--", "env")
        entries = dict(env_entries(r.out))
        self.assertEqual((entries["ALIBABA_CLOUD_ACCESS_KEY_ID"], entries["ALIBABA_CLOUD_ACCESS_KEY_SECRET"]), (K1, S1))
        reveals = self.reveals(K1)
        self.assertEqual(len(reveals), before + 1)
        self.assertEqual(reveals[-1]["detail"].get("purpose"), "exec")
        r = self.ok("credential-process", "--key", K1, "--passphrase-file", self.passfile)
        self.assertEqual(json.loads(r.out)["access_key_secret"], S1)
        self.assertEqual(self.reveals(K1)[-1]["detail"].get("purpose"), "credential-process")
        # The log records the reveal, never the secret (E6).
        self.assertNotIn(S1, self.ok("log", "--json").out)
        # Without the passphrase: no terminal, no file: fails at once, nothing revealed.
        self.fails("E_INPUT", "exec", "--key", K1, "--", "env")
        self.assertEqual(len(self.reveals(K1)), before + 2)
        # --key with bundle options, or with a bundle: usage errors.
        self.fails("E_USAGE", "exec", "--key", K1, "--identity", self.identity, "--passphrase-file", self.passfile,
                   "--", "true")
        self.fails("E_USAGE", "exec", self.bundle, "--key", K1, "--passphrase-file", self.passfile, "--", "true")
        self.fails("E_USAGE", "exec", "--key", K1, "--passphrase-file", self.passfile)  # no command
        self.fails("E_NOTFOUND", "exec", "--key", fake_id(99), "--passphrase-file", self.passfile, "--", "true")

    def test_retired_key_refused_superseded_warned(self):
        self.watcher.watch(S4)
        self.ok("rotate", K2, "--new-id", K4, "--passphrase-file", self.passfile, input=S4 + "\n")
        r = self.ok("exec", "--key", K2, "--passphrase-file", self.passfile, "--", "env")
        self.assertIn("superseded", r.err)
        self.assertIn(K4, r.err)
        self.ok("retire", K2, "--passphrase-file", self.passfile)
        before = len(self.reveals(K2))
        marker = self.path("ran")
        r = self.fails("E_CONFLICT", "exec", "--key", K2, "--passphrase-file", self.passfile, "--", "touch", marker)
        self.assertIn(K4, r.err)
        self.assertFalse(os.path.exists(marker), "the command ran with a retired key")
        self.fails("E_CONFLICT", "credential-process", "--key", K2, "--passphrase-file", self.passfile)
        self.assertEqual(len(self.reveals(K2)), before)

    # ---- credential-process -----------------------------------------------------------------
    def test_credential_process_prints_exactly_the_external_mode_json(self):
        expected = '{"mode":"AK","access_key_id":"%s","access_key_secret":"%s"}\n' % (K1, S1)
        for args, kw in ((["credential-process", self.bundle, "--identity", self.identity], self.in_home(self.srv)),
                         (["credential-process", "--key", K1, "--passphrase-file", self.passfile], {})):
            r = self.ok(*args, **kw)
            self.assertEqual(r.out, expected)
            doc = json.loads(r.out)
            self.assertEqual(list(doc), ["mode", "access_key_id", "access_key_secret"])
            self.assertEqual(doc, {"mode": "AK", "access_key_id": K1, "access_key_secret": S1})
            self.assertNotIn(S1, r.err)
        # Password bundles work too.
        local, _ = self.export_bundle(K1, out=self.path("p.akb"))
        bundle = self.deliver(local, self.srv)
        pw = self.deliver(local + ".password", self.srv, "pw")
        r = self.ok("credential-process", bundle, "--password-file", pw, **self.in_home(self.srv))
        self.assertEqual(r.out, expected)
        entries = dict(env_entries(self.exec_ok("env", source=[bundle, "--password-file", pw]).out))
        self.assertEqual(entries["ALIBABA_CLOUD_ACCESS_KEY_SECRET"], S1)

    def test_credential_process_writes_nothing(self):
        # The aliyun External-mode fact (../shared/spec/cli.md): the tool reading our
        # output may write it back into ~/.aliyun/config.json; akvault itself writes
        # no file at all, and the how-to tells to keep that file 0400.
        aliyun = os.path.join(self.srv, ".aliyun")
        os.mkdir(aliyun, 0o700)
        config = os.path.join(aliyun, "config.json")
        with open(config, "w") as f:
            f.write('{"current":"billing","profiles":[{"name":"billing","mode":"External"}]}\n')
        os.chmod(config, 0o400)
        before = self.snapshot(self.srv)
        self.ok("credential-process", self.bundle, "--identity", self.identity, **self.in_home(self.srv))
        self.exec_ok("true")
        self.assertEqual(self.snapshot(self.srv), before)
        howto = os.path.join(os.environ.get("AKVAULT_SOURCE_DIR", ""), "docs", "howto-server.md")
        if os.path.exists(howto):
            with open(howto) as f:
                text = f.read()
            self.assertRegex(text, r"chmod 0?400 ~/\.aliyun/config\.json")

    def test_bad_sources(self):
        self.fails("E_USAGE", "exec", self.bundle, "--identity", self.identity, **self.in_home(self.srv))  # no command
        self.fails("E_USAGE", "exec", "--", "true", **self.in_home(self.srv))  # no bundle, no --key
        self.fails("E_NOTFOUND", "exec", os.path.join(self.srv, "missing.akb"), "--identity", self.identity, "--",
                   "true", **self.in_home(self.srv))
        other = self.make_home("other")
        other_id, _ = self.keygen(other)
        marker = os.path.join(self.srv, "ran")
        self.fails("E_NOMATCH", "exec", self.bundle, "--identity", other_id, "--", "touch", marker,
                   **self.in_home(self.srv))
        self.assertFalse(os.path.exists(marker), "the command ran without credentials")
        self.fails("E_NOMATCH", "credential-process", self.bundle, "--identity", other_id, **self.in_home(self.srv))


if __name__ == "__main__":
    unittest.main()

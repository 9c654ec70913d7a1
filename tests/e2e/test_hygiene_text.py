"""Bytes from outside shown safely (issue 9 items 4, 5, 7): no control
character from a name, note, file name or audit detail reaches the terminal
raw, one log entry is one line, no byte string makes akvault die by a
signal, a bad audit detail is E_TAMPERED; exec hands the child no inherited
credential variable; a secret read from a pipe stops at 1 KiB."""

import json
import os
import sqlite3
import subprocess
import time
import unittest

from harness import (AKVAULT, EXIT, BundleTestCase, VaultTestCase, fake_id, fake_secret, unique_secret)

K1, K2, K3 = fake_id(41), fake_id(42), fake_id(43)


def no_signal(test, r):
    """A result that ended by exit, not by a signal (Python gives -N)."""
    test.assertGreaterEqual(r.code, 0, r)
    test.assertNotIn("terminate called", r.err)


class TerminalTextTest(VaultTestCase):
    def setUp(self):
        super().setUp()
        self.init_vault()

    def assertNoControls(self, text, what):
        for ch in text:
            if ch in "\n\t":
                continue
            self.assertFalse(ord(ch) < 0x20 or 0x7f <= ord(ch) <= 0x9f, "%s: raw %r in %r" % (what, ch, text))

    # H2-5b: ESC/OSC sequences in owner and app (add refuses them, so they
    # come from a vault row an attacker rewrote: list, due and log read rows
    # without the passphrase) and in a note (add takes any text) are shown
    # escaped by list, due, show and log; --json still carries them exactly.
    def test_h2_5b_escapes_in_names_and_notes(self):
        self.add_secret_key(41, "alice", "billing", "--note", "note\x1b]52;c;ZXZpbA==\x07", "--created", "2000-01-01")
        # show verifies the record, so it runs before the row is rewritten.
        shown = self.ok("show", K1, "--passphrase-file", self.passfile)
        self.sqlite("UPDATE keys SET owner = 'mallory' || char(27) || ']0;pwned' || char(7) || char(27) || '[2J', "
                    "app = 'app' || char(27) || '[31m' || char(10) || 'forged' WHERE akid = '%s'" % K1)
        outputs = {
            "list": self.ok("list"),
            "due": self.run_akvault("due"),
            "show": shown,
            "log": self.ok("log"),
        }
        for name, r in outputs.items():
            no_signal(self, r)
            self.assertNoControls(r.out + r.err, name)
        for name in ("list", "due"):
            self.assertIn("mallory\\x1b]0;pwned\\x07\\x1b[2J", outputs[name].out, name)
            self.assertIn("app\\x1b[31m\\x0aforged", outputs[name].out, name)
        self.assertIn("note\\x1b]52;c;ZXZpbA==\\x07", outputs["show"].out)
        # --json is exact (JSON escapes the controls itself).
        self.assertEqual(self.keys_by_id()[K1]["owner"], "mallory\x1b]0;pwned\x07\x1b[2J")

    # H2-5c: a CSV file name with a newline and an ESC does not forge a log
    # line, nor drive the terminal from an error message.
    def test_h2_5c_file_name_cannot_forge_log_lines(self):
        name = "keys\n3     2026-01-01 00:00:00  remove  forged\x1b[2J.csv"
        secret = unique_secret()
        self.watcher.watch(secret)
        path = self.write_file(name, "AccessKey ID,AccessKey Secret\n%s,%s\n" % (K2, secret))
        r = self.ok("import", path, "--owner", "alice", "--passphrase-file", self.passfile)
        self.assertNotIn("\x1b", r.out + r.err)
        log = self.ok("log")
        lines = log.out.splitlines()
        self.assertEqual(len(lines), len(self.log_json()), log.out)  # one entry, one line
        self.assertIn("keys\\x0a3", log.out)
        self.assertNotIn("\x1b", log.out)
        # An error naming the file: one line, escaped.
        missing = self.path("gone\x1b]0;t\x07.csv")
        r = self.fails("E_NOTFOUND", "import", missing, "--owner", "alice", "--passphrase-file", self.passfile)
        self.assertEqual(len(r.err.strip("\n").splitlines()), 1, r.err)
        self.assertNotIn("\x1b", r.err)
        self.assertIn("gone\\x1b]0;t\\x07.csv", r.err)

    # H2-4a: byte strings that are not UTF-8 (file names, notes) never abort.
    def test_h2_4a_non_utf8_never_aborts(self):
        bad_name = os.fsdecode(b"keys-\xff\xfe.csv")
        secret = unique_secret()
        self.watcher.watch(secret)
        path = self.write_file(bad_name, "AccessKey ID,AccessKey Secret\n%s,%s\n" % (K2, secret))
        r = self.run_akvault("import", path, "--owner", "alice", "--passphrase-file", self.passfile)
        no_signal(self, r)
        self.assertEqual(r.code, 0, r)
        self.assertIn("keys-\\xff\\xfe.csv", r.err)
        entries = self.log_json()  # valid JSON, the name with U+FFFD
        self.assertIn("keys-\ufffd\ufffd.csv", json.dumps(entries, ensure_ascii=False))
        no_signal(self, self.ok("log"))
        # A note that is not UTF-8: show --json is valid JSON with U+FFFD.
        self.add_secret_key(43, "alice", "web", "--note", os.fsdecode(b"caf\xe9"))
        r = self.ok("show", K3, "--json", "--passphrase-file", self.passfile)
        self.assertEqual(json.loads(r.out)["note"], "caf\ufffd")
        r = self.ok("show", K3, "--passphrase-file", self.passfile)
        self.assertIn("caf\\xe9", r.out)
        # keygen --json --out and export --out with such a name.
        ident = os.fsdecode(os.fsencode(self.path("id-")) + b"\xff")
        r = self.ok("keygen", "--json", "--out", ident)
        self.assertEqual(json.loads(r.out)["identity"], os.fsencode(ident).decode("utf-8", "replace"))
        out = os.fsdecode(os.fsencode(self.path("b-")) + b"\xff.akb")
        r = self.ok("export", K3, "--out", out, "--password-file", self.path("b.pw"), "--json", "--passphrase-file",
                    self.passfile)
        json.loads(r.out)
        self.watcher.watch(open(self.path("b.pw")).readline().strip())
        self.assertTrue(os.path.exists(out))

    # H2-4b: audit details of the wrong shape or type, or nested 200,000
    # deep, are E_TAMPERED, never a crash.
    def test_h2_4b_bad_audit_details_are_tampered(self):
        self.add_secret_key(41)
        cases = {
            "{\"count\":\"many\",\"source\":\"x.csv\",\"owner\":\"a\"}": "count is not an integer",
            "[1,2]": "not a JSON object",
            "not json": "not JSON",
            "{\"a\":" * 200000 + "1" + "}" * 200000: "nested too deep",
        }
        for detail, needle in cases.items():
            # Through Python's sqlite3: a 1.2 MB detail is past the length of
            # one command-line argument for the sqlite3 tool.
            with sqlite3.connect(self.vault) as db:
                db.execute("UPDATE audit SET event = 'import', detail = ? WHERE seq = 2", (detail,))
            db.close()
            # log --json passes an object through as it is; only the text
            # summary depends on the fields' types.
            modes = (("log",),) if "integer" in needle else (("log",), ("log", "--json"))
            for args in modes:
                r = self.run_akvault(*args)
                no_signal(self, r)
                self.assertEqual(r.code, EXIT["E_TAMPERED"], (needle, r))
                self.assertIn("entry 2 has a malformed detail", r.err)
                self.assertIn(needle, r.err)


class PipedSecretTest(VaultTestCase):
    # H2-7b: `add < /dev/zero` ends quickly with E_INPUT (it read forever).
    def test_h2_7b_endless_pipe_stops_at_1kib(self):
        self.init_vault()
        with open("/dev/zero", "rb") as zero:
            start = time.monotonic()
            proc = subprocess.run([AKVAULT, "add", "--owner", "a", "--id", K1, "--passphrase-file", self.passfile],
                                  stdin=zero, capture_output=True, env=self.env(), cwd=self.home, timeout=60)
        self.assertLess(time.monotonic() - start, 20)
        self.assertEqual(proc.returncode, EXIT["E_INPUT"], proc.stderr)
        self.assertIn(b"longer than 1024 bytes", proc.stderr)
        self.assertEqual(self.list_json("--all"), [])


class ExecEnvironmentTest(BundleTestCase):
    def setUp(self):
        super().setUp()
        self.init_vault()
        self.secret = unique_secret()
        self.add_key(K1, "alice", "billing", self.secret)
        self.srv = self.make_home("server")
        self.identity, self.pub = self.keygen(self.srv)
        local = self.path("r.akb")
        self.ok("export", K1, "--recipient", self.pub, "--out", local, "--passphrase-file", self.passfile)
        self.bundle = self.deliver(local, self.srv)

    # H2-7a: a stale STS token (and any other inherited credential variable)
    # never reaches the child beside the bundle's key; region settings do.
    def test_h2_7a_inherited_credentials_removed(self):
        stale = {
            "ALIBABA_CLOUD_SECURITY_TOKEN": "stale-sts-token",
            "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIstale",
            "ALIBABA_CLOUD_PROFILE": "other",
            "ALIBABA_CLOUD_CREDENTIALS_FILE": "/tmp/other",
            "ALIBABACLOUD_SECURITY_TOKEN": "t",
            "ALICLOUD_SECRET_KEY": "s",
            "ACCESS_KEY_ID": "LTAIbare",
            "SECURITY_TOKEN": "bare-token",
            "ALIBABA_CLOUD_REGION_ID": "cn-shanghai",
        }
        r = self.ok("exec", self.bundle, "--identity", self.identity, "--", "env",
                    **self.in_home(self.srv, env=stale))
        seen = dict(line.split("=", 1) for line in r.out.splitlines() if "=" in line)
        for name in stale:
            if name == "ALIBABA_CLOUD_REGION_ID":
                self.assertEqual(seen.get(name), "cn-shanghai")
            elif name == "ALIBABA_CLOUD_ACCESS_KEY_ID":
                self.assertEqual(seen.get(name), K1)
            else:
                self.assertNotIn(name, seen, name)
        self.assertEqual(seen["ALIBABA_CLOUD_ACCESS_KEY_SECRET"], self.secret)


if __name__ == "__main__":
    unittest.main()

"""export -> open, end to end: a sender vault in one HOME, the receiving
machines ("servers", a teammate) each in their own HOME with no vault.

Covers the Bundles section of ../shared/spec/cli.md: every --format read back
by a real parser, owner-only files under umask 000 (C1), one profile per key,
--profile, the password shown once and nowhere else (F2, E6), the three ways
of delivering it, the distribution history, recipient and layered modes,
--armor and the expiry (A6)."""

import base64
import configparser
import json
import os
import subprocess
import sys
import textwrap
import time
import unittest

from harness import AKVAULT, BUNDLE_MAGIC, BUNDLE_PASSWORD_RE, EXIT, BundleTestCase, fake_id, unique_secret

K1, K2, K3 = fake_id(1), fake_id(2), fake_id(3)
S1, S2, S3 = unique_secret(), unique_secret(), unique_secret()


def canonical(password):
    return password.replace("-", "").upper()


def header_times(bundle_bytes):
    """created and expires from the binary header (docs/bundle-format.md §1)."""
    return (int.from_bytes(bundle_bytes[34:42], "big"), int.from_bytes(bundle_bytes[42:50], "big"))


class ExportOpenTest(BundleTestCase):
    def setUp(self):
        super().setUp()
        self.init_vault()
        self.add_key(K1, "alice", "billing", S1)
        self.add_key(K2, "alice", "web", S2)
        self.add_key(K3, "bob", None, S3)
        self.srv = self.make_home("server")

    # ---- helpers -----------------------------------------------------------
    def open_on_server(self, bundle, password_file=None, identity=None, *extra, home=None):
        home = home or self.srv
        args = ["open", bundle]
        if password_file:
            args += ["--password-file", password_file]
        if identity:
            args += ["--identity", identity]
        return self.ok(*args, *extra, **self.in_home(home))

    def password_bundle_on_server(self, *selection, name="b.akb"):
        """Exports a password bundle and delivers bundle and password to the server."""
        bundle, password = self.export_bundle(*selection, out=self.path(name))
        return (self.deliver(bundle, self.srv), self.deliver(bundle + ".password", self.srv, "password"), password)

    def source_env_file(self, path, variable):
        """The value a POSIX shell gets for `variable` after `set -a; . FILE`."""
        self.assertRegex(variable, r"^[A-Z_]+$")
        proc = subprocess.run(["env", "-i", "sh", "-c", 'set -a; . "$1"; printf %%s "$%s"' % variable, "sh", path],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return proc.stdout.decode()

    def assertNoPassword(self, password, data, where):
        blob = data.encode() if isinstance(data, str) else data
        for form in (password, canonical(password), password.lower(), canonical(password).lower()):
            self.assertNotIn(form.encode(), blob, "bundle password found in %s" % where)

    # ---- formats -------------------------------------------------------------
    # C1: the bundle, the password file and every --out file are 0600 under umask 000.
    def test_env_format_sourced_by_a_shell(self):
        bundle_local, _ = self.export_bundle(K1, out=self.path("k1.akb"))
        self.assertMode(bundle_local, 0o600)  # C1
        self.assertMode(bundle_local + ".password", 0o600)  # C1
        bundle = self.deliver(bundle_local, self.srv)
        pw = self.deliver(bundle_local + ".password", self.srv, "password")
        out = os.path.join(self.srv, "creds.env")
        r = self.open_on_server(bundle, pw, None, "--format", "env", "--out", out)
        self.assertMode(out, 0o600)  # C1
        self.assertNotIn(S1, r.out + r.err)
        with open(out) as f:
            self.assertEqual(f.read(), "ALIBABA_CLOUD_ACCESS_KEY_ID=%s\nALIBABA_CLOUD_ACCESS_KEY_SECRET=%s\n" % (K1, S1))
        self.assertEqual(self.source_env_file(out, "ALIBABA_CLOUD_ACCESS_KEY_ID"), K1)
        self.assertEqual(self.source_env_file(out, "ALIBABA_CLOUD_ACCESS_KEY_SECRET"), S1)
        # The default format is env, to stdout.
        r = self.open_on_server(bundle, pw)
        self.assertEqual(r.out, "ALIBABA_CLOUD_ACCESS_KEY_ID=%s\nALIBABA_CLOUD_ACCESS_KEY_SECRET=%s\n" % (K1, S1))
        # `open` needs no vault and creates none on the receiving machine.
        self.assertEqual(sorted(os.listdir(self.srv)), ["creds.env", "k1.akb", "password"])

    def test_json_format(self):
        bundle, pw, _ = self.password_bundle_on_server(K1)
        out = os.path.join(self.srv, "creds.json")
        self.open_on_server(bundle, pw, None, "--format", "json", "--out", out)
        self.assertMode(out, 0o600)  # C1
        with open(out) as f:
            doc = json.loads(f.read())
        self.assertEqual(doc, {"credentials": [{"profile": "billing", "access_key_id": K1, "access_key_secret": S1,
                                                "owner": "alice", "app": "billing"}]})
        stdout_doc = json.loads(self.open_on_server(bundle, pw, None, "--format", "json").out)
        self.assertEqual(stdout_doc, doc)

    def test_ini_format_read_by_configparser(self):
        bundle, pw, _ = self.password_bundle_on_server(K1)
        out = os.path.join(self.srv, "credentials")
        self.open_on_server(bundle, pw, None, "--format", "ini", "--out", out)
        self.assertMode(out, 0o600)  # C1
        ini = configparser.ConfigParser(interpolation=None)
        with open(out) as f:
            ini.read_file(f)
        # One key: the [default] profile, the one the SDKs read (issue 10).
        self.assertEqual(ini.sections(), ["default"])
        self.assertEqual(dict(ini["default"]), {"enable": "true", "type": "access_key", "access_key_id": K1,
                                                "access_key_secret": S1})

    def test_aliyun_format_and_region(self):
        bundle, pw, _ = self.password_bundle_on_server(K1)
        out = os.path.join(self.srv, "config.json")
        self.open_on_server(bundle, pw, None, "--format", "aliyun", "--out", out)
        self.assertMode(out, 0o600)  # C1
        with open(out) as f:
            doc = json.load(f)
        self.assertEqual(doc["current"], "billing")
        self.assertIn("meta_path", doc)
        self.assertEqual(len(doc["profiles"]), 1)
        p = doc["profiles"][0]
        self.assertEqual((p["name"], p["mode"], p["access_key_id"], p["access_key_secret"], p["region_id"]),
                         ("billing", "AK", K1, S1, "cn-hangzhou"))
        doc = json.loads(self.open_on_server(bundle, pw, None, "--format", "aliyun", "--region", "ap-southeast-1").out)
        self.assertEqual(doc["profiles"][0]["region_id"], "ap-southeast-1")
        self.fails("E_USAGE", "open", bundle, "--password-file", pw, "--format", "aliyun", "--region", "cn hangzhou",
                   **self.in_home(self.srv))
        self.fails("E_USAGE", "open", bundle, "--password-file", pw, "--format", "yaml", **self.in_home(self.srv))

    # ---- several keys, --owner / --app, --profile ------------------------------
    def test_owner_bundle_gives_one_profile_per_key_named_after_the_app(self):
        bundle, pw, _ = self.password_bundle_on_server("--owner", "alice")
        ini = configparser.ConfigParser(interpolation=None)
        ini.read_string(self.open_on_server(bundle, pw, None, "--format", "ini").out)
        self.assertEqual(sorted(ini.sections()), ["billing", "web"])
        self.assertEqual((ini["billing"]["access_key_id"], ini["billing"]["access_key_secret"]), (K1, S1))
        self.assertEqual((ini["web"]["access_key_id"], ini["web"]["access_key_secret"]), (K2, S2))
        for section in ("billing", "web"):
            self.assertEqual((ini[section]["enable"], ini[section]["type"]), ("true", "access_key"))

        doc = json.loads(self.open_on_server(bundle, pw, None, "--format", "aliyun").out)
        self.assertEqual(sorted((p["name"], p["access_key_id"], p["access_key_secret"], p["mode"]) for p in doc["profiles"]),
                         [("billing", K1, S1, "AK"), ("web", K2, S2, "AK")])
        self.assertIn(doc["current"], ("billing", "web"))
        doc = json.loads(self.open_on_server(bundle, pw, None, "--format", "json").out)
        self.assertEqual(sorted((c["profile"], c["access_key_id"]) for c in doc["credentials"]),
                         [("billing", K1), ("web", K2)])
        # bob's key is not alice's.
        self.assertNotIn(K3, json.dumps(doc))

        # env holds one key: without --profile it is a usage error naming the choices.
        r = self.fails("E_USAGE", "open", bundle, "--password-file", pw, **self.in_home(self.srv))
        self.assertIn("--profile", r.err)
        self.assertNotIn(S1, r.out + r.err)
        # --profile selects one of several.
        r = self.open_on_server(bundle, pw, None, "--profile", "web")
        self.assertEqual(r.out, "ALIBABA_CLOUD_ACCESS_KEY_ID=%s\nALIBABA_CLOUD_ACCESS_KEY_SECRET=%s\n" % (K2, S2))
        # An unknown profile names the ones in the bundle.
        r = self.fails("E_NOTFOUND", "open", bundle, "--password-file", pw, "--profile", "nope", **self.in_home(self.srv))
        self.assertIn("billing", r.err)
        self.assertIn("web", r.err)

    def test_app_selection_and_personal_key_named_after_owner(self):
        bundle, pw, _ = self.password_bundle_on_server("--app", "web", name="web.akb")
        doc = json.loads(self.open_on_server(bundle, pw, None, "--format", "json").out)
        self.assertEqual([(c["profile"], c["access_key_id"]) for c in doc["credentials"]], [("web", K2)])
        bundle, pw, _ = self.password_bundle_on_server("--owner", "bob", name="bob.akb")
        doc = json.loads(self.open_on_server(bundle, pw, None, "--format", "json").out)
        self.assertEqual([(c["profile"], c["access_key_id"], c["owner"], c["app"]) for c in doc["credentials"]],
                         [("bob", K3, "bob", None)])
        # Selecting nothing active: not found, no bundle.
        self.fails("E_NOTFOUND", "export", "--owner", "carol", "--out", self.path("none.akb"), "--passphrase-file",
                   self.passfile, "--password-file", self.path("none.pw"))
        self.assertFalse(os.path.exists(self.path("none.akb")))
        self.assertFalse(os.path.exists(self.path("none.pw")))

    def test_profile_renames_a_single_key(self):
        bundle, pw, _ = self.password_bundle_on_server(K1)
        ini = configparser.ConfigParser(interpolation=None)
        ini.read_string(self.open_on_server(bundle, pw, None, "--format", "ini", "--profile", "prod").out)
        self.assertEqual(ini.sections(), ["prod"])
        self.assertEqual(ini["prod"]["access_key_id"], K1)
        doc = json.loads(self.open_on_server(bundle, pw, None, "--format", "aliyun", "--profile", "prod").out)
        self.assertEqual((doc["current"], doc["profiles"][0]["name"]), ("prod", "prod"))
        # An empty --profile is a usage error, not a silent "no --profile"; the secret is never shown.
        for command in ("open", "credential-process"):
            r = self.fails("E_USAGE", command, bundle, "--password-file", pw, "--profile", "", **self.in_home(self.srv))
            self.assertIn("--profile", r.err)
            self.assertNotIn(S1, r.out + r.err)

    # ---- the password: shown once, nowhere else (F2, E6) -----------------------
    def test_password_shown_once_on_stderr_and_nowhere_else(self):  # F2
        out = self.path("b.akb")
        r = self.ok("export", K1, "--out", out, "--passphrase-file", self.passfile)
        shown = BUNDLE_PASSWORD_RE.findall(r.err)
        self.assertEqual(len(shown), 1, r)
        password = shown[0]
        self.watcher.watch(password)
        self.assertNoPassword(password, r.out, "export's stdout")
        self.assertIn("different channel", r.err)
        self.assertNotIn(S1, r.out + r.err)  # E6
        # Never in the bundle, nor in the vault's files, nor in the audit trail.
        with open(out, "rb") as f:
            self.assertNoPassword(password, f.read(), "the bundle")
        vault_dir = os.path.dirname(self.vault)
        for name in os.listdir(vault_dir):
            with open(os.path.join(vault_dir, name), "rb") as f:
                self.assertNoPassword(password, f.read(), name)
        for args in (["log"], ["log", "--json"], ["show", K1], ["show", K1, "--json"], ["list", "--json"]):
            r = self.ok(*args, "--passphrase-file", self.passfile)
            self.assertNoPassword(password, r.out + r.err, " ".join(args))
            self.assertNotIn(S1, r.out + r.err, args)  # E6
        # It is the password: it opens the bundle on the server.
        pw = self.write_secret_file("typed", password + "\n")
        self.open_on_server(self.deliver(out, self.srv), pw)

    def test_password_file_is_the_only_copy(self):  # F2
        out, pwfile = self.path("b.akb"), self.path("b.pw")
        r = self.ok("export", K1, "--out", out, "--passphrase-file", self.passfile, "--password-file", pwfile, "--json")
        self.assertMode(pwfile, 0o600)  # C1
        with open(pwfile, "rb") as f:
            content = f.read()
        self.assertRegex(content.decode(), r"^%s\n\Z" % BUNDLE_PASSWORD_RE.pattern)
        password = content.decode().strip()
        self.watcher.watch(password)
        self.assertNoPassword(password, r.out + r.err, "export's output")
        self.assertEqual(json.loads(r.out)["password_file"], pwfile)
        with open(out, "rb") as f:
            self.assertNoPassword(password, f.read(), "the bundle")
        for args in (["log", "--json"], ["show", K1]):
            self.assertNoPassword(password, self.ok(*args, "--passphrase-file", self.passfile).out, args)

    def test_password_command_gets_it_on_stdin_only(self):  # F2, E4
        saved, report = self.path("saved-password"), self.path("report.json")
        script = self.path("deliver.py")
        with open(script, "w") as f:
            f.write(textwrap.dedent("""\
                import json, os, sys
                password = sys.stdin.buffer.read()
                fd = os.open(%r, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                os.write(fd, password)
                os.close(fd)
                needle = password.strip()
                hits, scanned = [], 0
                for pid in os.listdir("/proc"):
                    if not pid.isdigit():
                        continue
                    try:
                        with open("/proc/%%s/cmdline" %% pid, "rb") as c:
                            cmdline = c.read()
                        scanned += 1
                        if needle and needle in cmdline:
                            hits.append(pid)
                    except OSError:
                        pass
                env = dict(os.environ)
                with open(%r, "w") as r:
                    json.dump({"argv": sys.argv, "env": env, "cmdline_hits": hits, "scanned": scanned,
                               "env_has_password": any(needle.decode() in k + "=" + v for k, v in env.items()),
                               "ppid": os.getppid()}, r)
                """ % (saved, report)))
        out = self.path("b.akb")
        r = self.ok("export", K1, "--out", out, "--passphrase-file", self.passfile, "--password-command",
                    "%s %s" % (sys.executable, script))
        with open(saved, "rb") as f:
            received = f.read().decode()
        self.assertRegex(received, r"^%s\n\Z" % BUNDLE_PASSWORD_RE.pattern)
        password = received.strip()
        self.watcher.watch(password)
        with open(report) as f:
            rep = json.load(f)
        self.assertGreater(rep["scanned"], 2, "the scan saw the running processes")
        self.assertEqual(rep["cmdline_hits"], [], "the password was in a process's argv")  # E4
        self.assertFalse(rep["env_has_password"], "the password was in the command's environment")
        self.assertNotIn(password, " ".join(rep["argv"]))
        self.assertNotIn(password, json.dumps(rep["env"]))
        self.assertNoPassword(password, r.out + r.err, "export's output")
        self.assertMode(out, 0o600)
        pw = self.write_secret_file("received", received)
        self.open_on_server(self.deliver(out, self.srv), pw)

    def test_failing_password_command_writes_no_bundle(self):
        out = self.path("b.akb")
        before = [e for e in json.loads(self.ok("log", "--json").out) if e["event"] == "export"]
        r = self.fails("E_IO", "export", K1, "--out", out, "--passphrase-file", self.passfile, "--password-command",
                       "cat >/dev/null; exit 3")
        self.assertIn("status 3", r.err)
        self.assertEqual(BUNDLE_PASSWORD_RE.findall(r.out + r.err), [])
        self.assertFalse(os.path.exists(out))
        self.assertEqual([n for n in os.listdir(self.tmp) if n.startswith(".b.akb.tmp-")], [])
        after = [e for e in json.loads(self.ok("log", "--json").out) if e["event"] == "export"]
        self.assertEqual(after, before, "a failed delivery must not be recorded as an export")
        # --password-file and --password-command together: usage error.
        self.fails("E_USAGE", "export", K1, "--out", out, "--passphrase-file", self.passfile, "--password-command",
                   "cat", "--password-file", self.path("pw"))
        self.assertFalse(os.path.exists(out))

    def test_password_command_that_never_reads_stdin(self):  # D7, F2
        out = self.path("b.akb")
        before = [e for e in json.loads(self.ok("log", "--json").out) if e["event"] == "export"]
        r = self.run_akvault("export", K1, "--out", out, "--passphrase-file", self.passfile, "--password-command",
                             "sleep 0.3")
        self.assertEqual(r.code, EXIT["E_IO"], r)
        self.assertFalse(os.path.exists(out))
        after = [e for e in json.loads(self.ok("log", "--json").out) if e["event"] == "export"]
        self.assertEqual(after, before)

    def test_closed_stdout_is_quiet_not_a_signal(self):
        # cli.md: no input makes akvault die by a signal; Part 2: writing to
        # a closed pipe ends quietly with status 0 (SIGPIPE is ignored).
        bundle, pw, _ = self.password_bundle_on_server(K1)
        id_a, pub_a = self.keygen(self.srv)
        rbundle = self.deliver(self.export_bundle(K1, out=self.path("r.akb"), recipients=[pub_a])[0], self.srv)
        for args in (["open", bundle, "--password-file", pw], ["open", rbundle, "--identity", id_a],
                     ["credential-process", rbundle, "--identity", id_a]):
            read_end, write_end = os.pipe()
            os.close(read_end)
            try:
                proc = subprocess.run([AKVAULT] + args, stdin=subprocess.DEVNULL, stdout=write_end,
                                      stderr=subprocess.PIPE, env=self.env({"HOME": self.srv}), cwd=self.srv,
                                      timeout=60, start_new_session=True)
            finally:
                os.close(write_end)
            self.assertEqual(proc.returncode, 0, (args[0], proc.returncode, proc.stderr))
            self.assertEqual(proc.stderr, b"", args[0])

    # ---- distribution history ---------------------------------------------------
    def test_show_and_log_record_the_export(self):
        out = self.path("b.akb")
        r = self.ok("export", "--owner", "alice", "--out", out, "--passphrase-file", self.passfile,
                    "--password-file", self.path("pw"), "--json")
        info = json.loads(r.out)
        self.watch_file_line(self.path("pw"))
        bundle_id = info["bundle_id"]
        self.assertRegex(bundle_id, r"^[0-9a-f]{32}$")
        self.assertEqual(sorted(info["keys"]), [K1, K2])
        self.assertEqual(info["mode"], "password")
        with open(out, "rb") as f:
            data = f.read()
        self.assertEqual(data[:18], BUNDLE_MAGIC)
        self.assertEqual(data[18:34].hex(), bundle_id, "the bundle id in the header is the one recorded")
        for akid in (K1, K2):
            text = self.ok("show", akid, "--passphrase-file", self.passfile).out
            self.assertIn(bundle_id[:16], text)
            self.assertIn(out, text)
            shown = json.loads(self.ok("show", akid, "--json", "--passphrase-file", self.passfile).out)
            dist = [d for d in shown["distributions"] if d["bundle_id"] == bundle_id]
            self.assertEqual(len(dist), 1, shown)
            self.assertEqual((dist[0]["mode"], dist[0]["destination"], dist[0]["expires"]),
                             ("password", out, info["expires"]))
        self.assertNotIn(bundle_id[:16], self.ok("show", K3, "--passphrase-file", self.passfile).out)
        exports = [e for e in json.loads(self.ok("log", "--json").out) if e["event"] == "export"]
        self.assertEqual(len(exports), 1, exports)
        self.assertEqual(exports[0]["detail"]["bundle_id"], bundle_id)
        self.assertEqual(sorted(exports[0]["detail"]["akids"]), [K1, K2])

    # ---- recipient mode ---------------------------------------------------------
    def test_keygen_and_two_recipients(self):
        srv_a, srv_b, other = self.srv, self.make_home("server-b"), self.make_home("other")
        id_a, pub_a = self.keygen(srv_a)
        id_b, pub_b = self.keygen(srv_b)
        id_x, _ = self.keygen(other)
        for ident, pub in ((id_a, pub_a), (id_b, pub_b)):
            self.assertMode(ident, 0o600)  # C1
            with open(ident) as f:
                text = f.read()
            self.assertIn("# public key: %s\n" % pub, text)
            self.assertRegex(text, r"\nAKVAULT-IDENTITY-1[0-9A-HJKMNP-TV-Z]{58}\n")
            self.assertNotIn(text.split("AKVAULT-IDENTITY-1")[1][:58], pub.upper())
        self.assertNotEqual(pub_a, pub_b)
        out = self.path("srv.akb")
        r = self.ok("export", K1, "--recipient", pub_a, "--recipient", pub_b, "--out", out, "--passphrase-file",
                    self.passfile, "--json")
        info = json.loads(r.out)
        self.assertEqual((info["mode"], info["recipients"], info["password_file"]), ("recipients", [pub_a, pub_b], None))
        self.assertEqual(BUNDLE_PASSWORD_RE.findall(r.err), [], "a recipient bundle has no password")
        self.assertMode(out, 0o600)  # C1
        for home, ident in ((srv_a, id_a), (srv_b, id_b)):
            bundle = self.deliver(out, home)
            r = self.open_on_server(bundle, None, ident, home=home)
            self.assertEqual(r.out, "ALIBABA_CLOUD_ACCESS_KEY_ID=%s\nALIBABA_CLOUD_ACCESS_KEY_SECRET=%s\n" % (K1, S1))
        # A machine it was not sealed to.
        bundle = self.deliver(out, other)
        r = self.fails("E_NOMATCH", "open", bundle, "--identity", id_x, **self.in_home(other))
        self.assertNotIn(S1, r.out + r.err)
        # Without --identity: a usage error naming it.
        r = self.fails("E_USAGE", "open", bundle, **self.in_home(other))
        self.assertIn("--identity", r.err)
        # A recipient-only bundle has no password to write.
        self.fails("E_USAGE", "export", K1, "--recipient", pub_a, "--out", self.path("x.akb"), "--passphrase-file",
                   self.passfile, "--password-file", self.path("x.pw"))
        self.assertFalse(os.path.exists(self.path("x.akb")))
        self.assertFalse(os.path.exists(self.path("x.pw")))
        # keygen never overwrites an identity by accident.
        with open(id_a, "rb") as f:
            before = f.read()
        self.fails("E_CONFLICT", "keygen", "--out", id_a, **self.in_home(srv_a))
        with open(id_a, "rb") as f:
            self.assertEqual(f.read(), before)

    def test_layered_mode_needs_identity_and_password(self):
        id_a, pub_a = self.keygen(self.srv)
        other = self.make_home("other")
        id_x, pub_x = self.keygen(other)
        bundle_local, _ = self.export_bundle(K1, out=self.path("l.akb"), recipients=[pub_a], with_password=True)
        self.assertMode(bundle_local + ".password", 0o600)
        bundle = self.deliver(bundle_local, self.srv)
        pw = self.deliver(bundle_local + ".password", self.srv, "password")
        r = self.open_on_server(bundle, pw, id_a)
        self.assertEqual(r.out, "ALIBABA_CLOUD_ACCESS_KEY_ID=%s\nALIBABA_CLOUD_ACCESS_KEY_SECRET=%s\n" % (K1, S1))
        # The password alone: usage error naming --identity.
        r = self.fails("E_USAGE", "open", bundle, "--password-file", pw, **self.in_home(self.srv))
        self.assertIn("--identity", r.err)
        # The identity alone, no terminal to ask the password on: E_INPUT naming --password-file
        # (docs/exit-codes.md: "no terminal to ask on"), never a hang and never the secret.
        r = self.fails("E_INPUT", "open", bundle, "--identity", id_a, **self.in_home(self.srv))
        self.assertIn("--password-file", r.err)
        self.assertNotIn(S1, r.out)
        # A wrong (but well-formed) password with the right identity.
        _, other_password = self.export_bundle(K2, out=self.path("other.akb"))
        wrong = self.write_secret_file("wrong", other_password + "\n")
        r = self.fails("E_AUTH", "open", bundle, "--password-file", wrong, "--identity", id_a, **self.in_home(self.srv))
        self.assertNotIn(S1, r.out)
        # The right password with another machine's identity.
        self.fails("E_NOMATCH", "open", bundle, "--password-file", pw, "--identity", id_x, **self.in_home(self.srv))

    # ---- armor --------------------------------------------------------------------
    def test_armor_round_trip(self):
        id_a, pub_a = self.keygen(self.srv)
        out = self.path("a.akb")
        self.ok("export", K1, "--recipient", pub_a, "--armor", "--out", out, "--passphrase-file", self.passfile)
        self.assertMode(out, 0o600)
        with open(out, "rb") as f:
            data = f.read()
        self.assertTrue(all(b == 0x0A or 0x20 <= b < 0x7F for b in data), "armor must be printable ASCII")
        lines = data.decode().split("\n")
        self.assertEqual(lines[0], "-----BEGIN AKVAULT BUNDLE-----")
        self.assertEqual(lines[-2:], ["-----END AKVAULT BUNDLE-----", ""])
        body = lines[1:-2]
        self.assertTrue(all(len(l) == 64 for l in body[:-1]) and 1 <= len(body[-1]) <= 64, body)
        binary = base64.b64decode("".join(body), validate=True)
        self.assertEqual(binary[:18], BUNDLE_MAGIC)
        r = self.open_on_server(self.deliver(out, self.srv), None, id_a, "--format", "json")
        self.assertEqual(json.loads(r.out)["credentials"][0]["access_key_secret"], S1)
        # Without --armor the bundle is binary and starts with the magic line.
        plain = self.path("p.akb")
        self.ok("export", K1, "--recipient", pub_a, "--out", plain, "--passphrase-file", self.passfile)
        with open(plain, "rb") as f:
            self.assertEqual(f.read(18), BUNDLE_MAGIC)

    def test_armored_password_bundle(self):
        bundle, password = self.export_bundle(K1, out=self.path("a.akb"), extra=["--armor"])
        with open(bundle, "rb") as f:
            self.assertTrue(f.read().startswith(b"-----BEGIN AKVAULT BUNDLE-----\n"))
        r = self.open_on_server(self.deliver(bundle, self.srv), self.deliver(bundle + ".password", self.srv, "pw"))
        self.assertIn(S1, r.out)

    # ---- expiry (A6) ----------------------------------------------------------------
    def test_expires_in_zero_is_expired_at_once(self):  # A6
        id_a, pub_a = self.keygen(self.srv)
        out = self.path("e.akb")
        info = json.loads(self.ok("export", K1, "--recipient", pub_a, "--expires-in", "0", "--out", out,
                                  "--passphrase-file", self.passfile, "--json").out)
        with open(out, "rb") as f:
            created, expires = header_times(f.read())
        self.assertEqual(created, expires)
        bundle = self.deliver(out, self.srv)
        r = self.fails("E_EXPIRED", "open", bundle, "--identity", id_a, "--out", os.path.join(self.srv, "c"),
                       **self.in_home(self.srv))
        self.assertIn("expired on " + info["expires"], r.err)
        self.assertRegex(info["expires"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertNotIn(S1, r.out + r.err)
        self.assertFalse(os.path.exists(os.path.join(self.srv, "c")))
        # The password mode too (the expiry is checked after the password opens it).
        bundle, _ = self.export_bundle(K1, out=self.path("e2.akb"), extra=["--expires-in", "0"])
        self.fails("E_EXPIRED", "open", bundle, "--password-file", bundle + ".password")

    def test_default_expiry_is_seven_days(self):
        id_a, pub_a = self.keygen(self.srv)
        for days, extra in ((7, []), (30, ["--expires-in", "30"]), (365, ["--expires-in", "365"])):
            out = self.path("d%d.akb" % days)
            t0 = int(time.time())
            self.ok("export", K1, "--recipient", pub_a, "--out", out, "--passphrase-file", self.passfile, *extra)
            t1 = int(time.time())
            with open(out, "rb") as f:
                created, expires = header_times(f.read())
            self.assertTrue(t0 - 1 <= created <= t1 + 1, (t0, created, t1))
            self.assertEqual(expires - created, days * 86400)
        for bad in ("366", "-1", "7d", "07", " 7", ""):
            out = self.path("bad.akb")
            self.fails("E_USAGE", "export", K1, "--recipient", pub_a, "--out", out, "--passphrase-file", self.passfile,
                       "--expires-in", bad)
            self.assertFalse(os.path.exists(out), bad)


if __name__ == "__main__":
    unittest.main()

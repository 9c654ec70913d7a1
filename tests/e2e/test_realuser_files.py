"""The receiving side as the SDKs see it (issue 10): the INI default profile,
export-env, merging into existing credentials files, External mode without a
secret on disk, `receive` into the receiver's own vault, and the warning on a
third unretired key. Read back with real parsers: configparser, json,
`sh -c '. file'` and the credential-process command line run as written."""

import configparser
import json
import os
import shlex
import subprocess

from harness import EXIT, BundleTestCase, fake_id, unique_secret


class ReceivingSideTest(BundleTestCase):
    def setUp(self):
        super().setUp()
        self.init_vault()
        self.akid = fake_id(1001)
        self.secret = unique_secret()
        self.add_key(self.akid, "bob", "billing", self.secret)
        self.bob = self.make_home("bob")
        bundle, self.password = self.export_bundle(self.akid, out=self.path("bob.akb"))
        self.bundle = self.deliver(bundle, self.bob)
        self.pwfile = self.deliver(bundle + ".password", self.bob, "bob.pw")

    def open_bundle(self, *extra, code="OK"):
        args = ["open", self.bundle, "--password-file", self.pwfile, *extra]
        if code == "OK":
            return self.ok(*args, **self.in_home(self.bob))
        return self.fails(code, *args, **self.in_home(self.bob))

    def read(self, p):
        with open(p, "rb") as f:
            return f.read()

    # ---- INI ------------------------------------------------------------------
    def test_one_key_ini_is_the_default_profile(self):
        out = os.path.join(self.bob, "credentials")
        self.open_bundle("--format", "ini", "--out", out)
        ini = configparser.ConfigParser()
        ini.read(out)
        self.assertEqual(ini.sections(), ["default"])
        self.assertEqual(ini["default"]["access_key_id"], self.akid)
        self.assertEqual(ini["default"]["access_key_secret"], self.secret)
        self.assertMode(out, 0o600)
        named = os.path.join(self.bob, "named")
        self.open_bundle("--format", "ini", "--profile", "billing-api", "--out", named)
        ini = configparser.ConfigParser()
        ini.read(named)
        self.assertEqual(ini.sections(), ["billing-api"])

    def test_ini_merge_keeps_other_profiles_and_needs_force_for_the_same_name(self):
        out = os.path.join(self.bob, "credentials")
        before = "# Bob's own\n[staging]\ntype = access_key\naccess_key_id = LTAI5tOTHERxxxxxxxxxxxxx\n" \
                 "access_key_secret = OtherSecretOtherSecretOther123\n"
        with open(out, "w") as f:
            f.write(before)
        os.chmod(out, 0o600)
        r = self.open_bundle("--format", "ini", "--out", out)
        self.assertIn("merged", r.err)
        text = self.read(out).decode()
        self.assertTrue(text.startswith(before), text)
        ini = configparser.ConfigParser()
        ini.read_string(text)
        self.assertEqual(ini.sections(), ["staging", "default"])
        self.assertEqual(ini["default"]["access_key_secret"], self.secret)
        self.assertMode(out, 0o600)
        # Same name again: refused without --force, file untouched.
        snapshot = self.read(out)
        r = self.open_bundle("--format", "ini", "--out", out, code="E_CONFLICT")
        self.assertIn("profile default is already in", r.err)
        self.assertEqual(self.read(out), snapshot)
        # --force replaces that profile only.
        self.open_bundle("--format", "ini", "--out", out, "--force")
        ini = configparser.ConfigParser()
        ini.read(out)
        self.assertEqual(ini.sections(), ["staging", "default"])

    def test_an_unparseable_file_is_refused_and_left_as_it_was(self):
        for name, content, fmt in (("credentials", "this is not ini\n[x]\n", "ini"),
                                   ("credentials2", "key = before any section\n", "ini"),
                                   ("config.json", '{"profiles": [', "aliyun"),
                                   ("config2.json", '{"a": 1} trailing', "aliyun"),
                                   ("config3.json", "[]", "aliyun")):
            out = os.path.join(self.bob, name)
            with open(out, "w") as f:
                f.write(content)
            os.chmod(out, 0o600)
            r = self.open_bundle("--format", fmt, "--out", out, "--force", code="E_FORMAT")
            self.assertNotIn(self.secret, r.err)
            self.assertEqual(self.read(out).decode(), content, name)

    def test_a_loose_existing_file_is_refused(self):
        out = os.path.join(self.bob, "credentials")
        with open(out, "w") as f:
            f.write("[staging]\naccess_key_id = x\n")
        os.chmod(out, 0o644)
        r = self.open_bundle("--format", "ini", "--out", out, code="E_PERM")
        self.assertIn("chmod 600", r.err)

    # ---- aliyun config.json ------------------------------------------------------
    def test_aliyun_merge_keeps_profiles_and_fields(self):
        out = os.path.join(self.bob, "config.json")
        before = {"current": "dev", "profiles": [
            {"name": "dev", "mode": "AK", "access_key_id": "LTAI5tDEVxxxxxxxxxxxxxxx",
             "access_key_secret": "DevSecretDevSecretDevSecret123", "region_id": "cn-beijing",
             "output_format": "json", "language": "zh"}],
            "meta_path": "", "extra": {"kept": [1, 2.5, True, None, "\u00e9\\\""]}}
        with open(out, "w") as f:
            json.dump(before, f, indent=4)
        os.chmod(out, 0o600)
        self.open_bundle("--format", "aliyun", "--out", out)
        after = json.loads(self.read(out))
        self.assertEqual(after["current"], "dev")
        self.assertEqual(after["extra"], before["extra"])
        self.assertEqual(after["profiles"][0], before["profiles"][0])
        self.assertEqual([p["name"] for p in after["profiles"]], ["dev", "billing"])
        self.assertEqual(after["profiles"][1]["access_key_secret"], self.secret)
        self.open_bundle("--format", "aliyun", "--out", out, code="E_CONFLICT")
        self.open_bundle("--format", "aliyun", "--out", out, "--force", "--region", "ap-southeast-1")
        after = json.loads(self.read(out))
        self.assertEqual([p["name"] for p in after["profiles"]], ["dev", "billing"])
        self.assertEqual(after["profiles"][1]["region_id"], "ap-southeast-1")

    def test_a_new_aliyun_file_makes_the_key_current(self):
        out = os.path.join(self.bob, "config.json")
        self.open_bundle("--format", "aliyun", "--out", out)
        conf = json.loads(self.read(out))
        self.assertEqual(conf["current"], "billing")
        self.assertEqual(conf["profiles"][0]["mode"], "AK")

    # ---- env -----------------------------------------------------------------------
    def test_export_env_reaches_child_processes(self):
        env_file = os.path.join(self.bob, "env")
        self.open_bundle("--format", "export-env", "--out", env_file)
        child = subprocess.run(
            ["sh", "-c", '. "$1"; sh -c \'printf "%s:%s" "$ALIBABA_CLOUD_ACCESS_KEY_ID" '
             '"$ALIBABA_CLOUD_ACCESS_KEY_SECRET"\'', "sh", env_file],
            capture_output=True, text=True, timeout=30, env={"PATH": os.environ["PATH"]})
        self.assertEqual(child.stdout, self.akid + ":" + self.secret)
        r = self.open_bundle("--format", "env")
        self.assertTrue(r.out.startswith("ALIBABA_CLOUD_ACCESS_KEY_ID="), r)

    def test_open_refuses_json_flag(self):
        self.open_bundle("--json", code="E_USAGE")

    # ---- External mode -----------------------------------------------------------
    def test_configure_external_writes_no_secret_and_leaves_the_file_read_only(self):
        srv = self.make_home("srv")
        ident, pub = self.keygen(srv)
        bundle, _ = self.export_bundle(self.akid, out=self.path("srv.akb"), recipients=[pub])
        bundle = self.deliver(bundle, srv)
        r = self.ok("configure-external", bundle, "--identity", ident, **self.in_home(srv))
        conf_path = os.path.join(srv, ".aliyun", "config.json")
        self.assertMode(conf_path, 0o400)
        self.assertMode(os.path.dirname(conf_path), 0o700)
        self.assertNoSecretOnDisk(self.secret, srv)
        conf = json.loads(self.read(conf_path))
        self.assertEqual(conf["current"], "billing")
        profile = conf["profiles"][0]
        self.assertEqual(profile["mode"], "External")
        argv = shlex.split(profile["process_command"])
        self.assertTrue(os.path.isabs(argv[0]), argv)
        got = subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd="/", env={"HOME": srv})
        self.assertEqual(json.loads(got.stdout),
                         {"mode": "AK", "access_key_id": self.akid, "access_key_secret": self.secret})
        # Again: same name refused, --force replaces it, still 0400.
        self.fails("E_CONFLICT", "configure-external", bundle, "--identity", ident, **self.in_home(srv))
        self.ok("configure-external", bundle, "--identity", ident, "--force", **self.in_home(srv))
        self.assertMode(conf_path, 0o400)
        # A later AK profile merged into it keeps it read-only.
        self.open_bundle("--format", "aliyun", "--out", conf_path, "--profile", "ak")
        self.assertMode(conf_path, 0o400)
        self.assertEqual([p["name"] for p in json.loads(self.read(conf_path))["profiles"]], ["billing", "ak"])

    def test_configure_external_needs_a_non_interactive_unlock(self):
        self.fails("E_USAGE", "configure-external", self.bundle, **self.in_home(self.bob))

    # ---- receive -------------------------------------------------------------------
    def test_receive_creates_the_vault_and_keeps_the_dates(self):
        sender = {k["akid"]: k for k in self.list_json()}
        passfile = os.path.join(self.bob, "passphrase")
        with open(passfile, "w") as f:
            f.write("bobs own passphrase\n")
        os.chmod(passfile, 0o600)
        self.watcher.watch("bobs own passphrase")
        r = self.ok("receive", self.bundle, "--password-file", self.pwfile, "--passphrase-file", passfile,
                    "--kdf", "interactive", **self.in_home(self.bob))
        self.assertIn("Received " + self.akid, r.out)
        vault = os.path.join(self.bob, ".akvault", "vault.db")
        self.assertMode(vault, 0o600)
        got = json.loads(self.ok("list", "--json", **self.in_home(self.bob)).out)
        self.assertEqual(len(got), 1)
        for field in ("akid", "owner", "app", "created", "rotate_days", "deadline", "status"):
            self.assertEqual(got[0][field], sender[self.akid][field], field)
        shown = self.ok("show", self.akid, "--reveal", "--passphrase-file", passfile, **self.in_home(self.bob))
        self.assertIn(self.secret, shown.out)
        # Twice: nothing new, nothing lost.
        r = self.ok("receive", self.bundle, "--password-file", self.pwfile, "--passphrase-file", passfile,
                    **self.in_home(self.bob))
        self.assertIn("already in the vault", r.err)

    def test_receive_without_a_terminal_fails_before_writing(self):
        self.fails("E_INPUT", "receive", self.bundle, **self.in_home(self.bob))
        self.assertFalse(os.path.exists(os.path.join(self.bob, ".akvault")))

    # ---- inspect -----------------------------------------------------------------
    def test_inspect_shows_the_header_without_opening(self):
        r = self.ok("inspect", self.bundle, "--json", **self.in_home(self.bob))
        info = json.loads(r.out)
        self.assertEqual((info["mode"], info["recipients"], info["expired"], info["authenticated"]),
                         ("password", 0, False, False))
        r = self.ok("inspect", self.bundle, **self.in_home(self.bob))
        self.assertIn("opens with password", r.out)
        self.assertNotIn(self.secret, r.out + r.err)

    # ---- crowding ----------------------------------------------------------------
    def test_a_third_unretired_key_warns(self):
        self.add_key(fake_id(1002), "bob", "billing", unique_secret())
        secret = unique_secret()
        self.watcher.watch(secret)
        r = self.ok("add", "--owner", "bob", "--app", "billing", "--id", fake_id(1003),
                    "--passphrase-file", self.passfile, input=secret + "\n")
        self.assertIn("now has 3 unretired keys", r.err)
        other = unique_secret()
        self.watcher.watch(other)
        r = self.ok("add", "--owner", "bob", "--app", "reports", "--id", fake_id(1004),
                    "--passphrase-file", self.passfile, input=other + "\n")
        self.assertNotIn("unretired", r.err)


if __name__ == "__main__":
    import unittest
    unittest.main()

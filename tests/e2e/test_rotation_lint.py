"""`akvault lint` and `akvault config` (docs/rotation.md "Policy checks"):
each rule triggered by its own fixture and not by a near miss, --fail-on
levels, --json, and verification of every record with --passphrase-file."""

import json
import os
import unittest

from harness import VaultTestCase, day, fake_id, fake_secret, utc_today

FINDING_FIELDS = {"severity", "rule", "akid", "owner", "app", "message", "fix"}


class RotationLintTest(VaultTestCase):
    def setUp(self):
        super().setUp()
        self.today = utc_today()
        self.init_vault()

    def tearDown(self):
        day_changed = utc_today() != self.today
        super().tearDown()
        if day_changed:
            self.skipTest("the UTC day changed during the test")

    def lint(self, *args, expect=None):
        r = self.run_akvault("lint", "--json", *args)
        self.assertIn(r.code, (0, 14), r)
        if expect is not None:
            self.assertEqual(r.code, expect, r)
        findings = json.loads(r.out)
        for f in findings:
            self.assertEqual(set(f), FINDING_FIELDS)
        self.assertNoSecretsIn(r)
        return findings

    def rules(self, *args):
        """{(rule, akid)} of every finding."""
        return {(f["rule"], f["akid"]) for f in self.lint(*args)}

    def key(self, n, owner="alice", app="billing", created_offset=0, days=90, *extra, policy=True):
        self.add_secret_key(n, owner, app, "--created", day(self.today, created_offset), "--rotate-days", str(days),
                            *extra)
        if policy:  # the fixtures of the other rules have a network policy, so no-network-policy stays quiet
            self.ok("policy", fake_id(n), "--allow", "203.0.113.0/28", "--passphrase-file", self.passfile)
        return fake_id(n)

    def test_clean_vault_has_no_findings(self):
        self.key(1)
        self.key(2, "bob", None)
        self.assertEqual(self.lint(expect=0), [])
        r = self.ok("lint")
        self.assertEqual(r.out, "0 finding(s).\n")
        r = self.ok("lint", "--passphrase-file", self.passfile)
        self.assertEqual(r.out, "0 finding(s), records verified.\n")

    def test_no_network_policy(self):
        bare = self.key(1, "alice", "a", policy=False)
        self.key(2, "alice", "b")
        retired = self.key(3, "alice", "c", policy=False)
        self.ok("retire", retired, "--passphrase-file", self.passfile)
        findings = self.lint(expect=0)  # a warning
        self.assertEqual([(f["rule"], f["akid"], f["severity"]) for f in findings],
                         [("no-network-policy", bare, "warning")])
        self.assertIn("akvault policy %s --allow" % bare, findings[0]["fix"])
        self.assertEqual(self.run_akvault("lint", "--fail-on", "warning").code, 14)
        # Verified with the passphrase: an edited policy row is refused.
        self.assertEqual(self.run_akvault("lint", "--passphrase-file", self.passfile).code, 0)
        self.sqlite("UPDATE key_policy SET policy = '[\"0.0.0.0/0\"]'")
        self.refused("E_TAMPERED", "lint", "--passphrase-file", self.passfile)

    def test_overdue_and_due_soon(self):
        overdue = self.key(1, "alice", "a", -91)    # deadline yesterday
        today = self.key(2, "alice", "b", -90)      # deadline today: due-soon, not overdue
        soon = self.key(3, "alice", "c", -76)       # in 14 days: due-soon
        later = self.key(4, "alice", "d", -75)      # in 15 days: nothing
        self.assertEqual(self.rules(), {("overdue", overdue), ("due-soon", today), ("due-soon", soon)})
        findings = {f["akid"]: f for f in self.lint()}
        self.assertEqual(findings[overdue]["severity"], "error")
        self.assertIn("1 day past its rotation deadline " + day(self.today, -1), findings[overdue]["message"])
        self.assertEqual(findings[overdue]["fix"],
                         "create a new key in the console, then akvault rotate %s --new-id NEW" % overdue)
        self.assertEqual(findings[today]["severity"], "info")
        self.assertIn("today", findings[today]["message"])
        self.assertIn("in 14 days", findings[soon]["message"])
        self.assertNotIn(later, [f["akid"] for f in self.lint()])
        # Sorted: errors first.
        self.assertEqual([f["severity"] for f in self.lint()], ["error", "info", "info"])

    # grace-over needs a superseded key whose grace period has ended; akvault
    # offers no way to move its clock, so the grace end is edited in the file
    # and lint is run without the passphrase (metadata only), as cron would;
    # with the passphrase the same edit is refused as tampering.
    def test_grace_over(self):
        self.key(1, "alice", "billing")
        self.watcher.watch(fake_secret(2))
        self.ok("rotate", fake_id(1), "--new-id", fake_id(2), "--grace-days", "0", "--passphrase-file",
                self.passfile, input=fake_secret(2) + "\n")
        # Near miss: the grace period ends today.
        self.assertNotIn("grace-over", {r for r, _ in self.rules()})
        self.sqlite("UPDATE keys SET due_date = '%s' WHERE akid = '%s'" % (day(self.today, -3), fake_id(1)))
        findings = [f for f in self.lint(expect=14) if f["rule"] == "grace-over"]
        self.assertEqual(len(findings), 1)
        self.assertEqual((findings[0]["akid"], findings[0]["severity"]), (fake_id(1), "error"))
        self.assertIn("3 days past the end of its grace period " + day(self.today, -3), findings[0]["message"])
        self.assertEqual(findings[0]["fix"],
                         "disable %s in the console, then akvault retire %s" % (fake_id(1), fake_id(1)))
        r = self.refused("E_TAMPERED", "lint", "--passphrase-file", self.passfile)
        self.assertIn("record of %s failed authentication" % fake_id(1), r.err)

    def test_too_many_keys(self):
        for n in (1, 2, 3):
            self.key(n, "alice", "billing")
        for n in (4, 5):
            self.key(n, "alice", "web")                  # two: fine
        for n in (6, 7, 8):
            self.key(n, "bob", None)                     # personal keys count per owner
        for n in (9, 10, 11):
            self.key(n, "carol", "api")                  # three, one retired: fine
        self.ok("retire", fake_id(11), "--passphrase-file", self.passfile)
        self.key(12, "dave", "x")
        self.key(13, "erin", "x")                        # same app, different owners: fine
        self.key(14, "dave", "y")
        found = [f for f in self.lint(expect=14) if f["rule"] == "too-many-keys"]
        self.assertEqual(sorted((f["owner"], f["app"], f["akid"]) for f in found),
                         [("alice", "billing", fake_id(1)), ("bob", None, fake_id(6))])
        alice = [f for f in found if f["owner"] == "alice"][0]
        self.assertIn("has 3 keys that are not retired: %s, %s, %s" % (fake_id(1), fake_id(2), fake_id(3)),
                      alice["message"])
        # A superseded key still counts until retired.
        self.watcher.watch(fake_secret(15))
        self.ok("rotate", fake_id(4), "--new-id", fake_id(15), "--passphrase-file", self.passfile,
                input=fake_secret(15) + "\n")
        def web_group():
            return [f for f in self.lint() if f["rule"] == "too-many-keys" and (f["owner"], f["app"]) == ("alice", "web")]
        self.assertEqual(len(web_group()), 1)
        self.assertIn(fake_id(4), web_group()[0]["message"])
        self.ok("retire", fake_id(4), "--passphrase-file", self.passfile)
        self.assertEqual(web_group(), [])

    def test_main_account(self):
        r = self.add_secret_key(1, "root", "legacy", "--main-account")
        self.assertIn("akvault: warning: recorded as the main account's AccessKey", r.err)
        self.ok("policy", fake_id(1), "--allow", "203.0.113.0/28", "--passphrase-file", self.passfile)
        self.key(2, "root", "other")  # near miss: same owner, not the main account
        self.assertEqual(self.rules(), {("main-account", fake_id(1))})
        f = self.lint(expect=14)[0]
        self.assertEqual(f["severity"], "error")
        self.assertIn("create a RAM user", f["fix"])
        self.assertTrue(self.keys_by_id()[fake_id(1)]["main_account"])
        # rotate keeps the flag: the successor is still the main account's key.
        self.watcher.watch(fake_secret(3))
        self.ok("rotate", fake_id(1), "--new-id", fake_id(3), "--passphrase-file", self.passfile,
                input=fake_secret(3) + "\n")
        self.assertIn(("main-account", fake_id(3)), self.rules())
        self.ok("retire", fake_id(1), "--passphrase-file", self.passfile)
        self.assertNotIn(("main-account", fake_id(1)), self.rules())  # retired keys never produce a finding

    def test_personal_key_on_server(self):
        server = self.path("server")
        os.mkdir(server, 0o700)
        r = self.ok("keygen", "--out", os.path.join(server, "id"), env={"HOME": server}, cwd=server)
        pub = r.out.strip()
        self.assertTrue(pub.startswith("akvpub1"), r)
        personal = self.key(1, "alice", None)
        by_password = self.key(2, "bob", None)
        app_key = self.key(3, "alice", "billing")
        for akid, recipient in ((personal, True), (by_password, False), (app_key, True)):
            args = ["export", akid, "--out", self.path(akid + ".akb"), "--passphrase-file", self.passfile]
            args += ["--recipient", pub] if recipient else ["--password-file", self.path(akid + ".pw")]
            self.ok(*args)
            if not recipient:
                with open(self.path(akid + ".pw")) as f:
                    self.watcher.watch(f.readline().strip())
        self.assertEqual(self.rules(), {("personal-key-on-server", personal)})
        f = self.lint(expect=0)[0]  # a warning: not at the default --fail-on error
        self.assertEqual((f["severity"], f["owner"], f["app"]), ("warning", "alice", None))
        self.assertIn("akvault add --owner alice --app NAME", f["fix"])

    def test_rotation_period_too_long_and_config(self):
        self.key(1, "alice", "a", 0, 91)   # over the default maximum, 90
        self.key(2, "alice", "b", 0, 90)   # near miss
        self.assertEqual({r for r in self.rules() if r[0] == "rotation-period-too-long"},
                         {("rotation-period-too-long", fake_id(1))})
        r = self.refused("E_INPUT", "config", "set", "max-rotate-days", "120")  # needs the passphrase
        self.assertIn("--passphrase-file", r.err)
        r = self.ok("config", "set", "max-rotate-days", "120", "--passphrase-file", self.passfile)
        self.assertEqual(r.out, "Set max-rotate-days = 120\n")
        self.assertEqual({r for r in self.rules() if r[0] == "rotation-period-too-long"}, set())
        self.ok("config", "set", "max-rotate-days", "90", "--passphrase-file", self.passfile)
        self.key(3, "alice", "c", 0, 120)
        findings = {f["akid"]: f for f in self.lint() if f["rule"] == "rotation-period-too-long"}
        self.assertEqual(sorted(findings), [fake_id(1), fake_id(3)])
        self.assertEqual(findings[fake_id(3)]["severity"], "warning")
        self.assertIn("rotates every 120 days, more than the vault's limit of 90", findings[fake_id(3)]["message"])
        self.assertIn("--rotate-days 90", findings[fake_id(3)]["fix"])
        self.assertEqual(self.ok("config", "get", "max-rotate-days").out, "90\n")
        self.assertEqual([e["event"] for e in self.log_json()][-3:], ["config", "add", "policy"])  # key() adds a policy

    def test_config_settings(self):
        r = self.ok("config", "list")
        self.assertRegex(r.out, r"rotate-days\s+90 \(default\)")
        self.assertRegex(r.out, r"max-rotate-days\s+90 \(default\)")
        self.assertEqual(json.loads(self.ok("config", "list", "--json").out), {"rotate-days": 90, "max-rotate-days": 90})
        self.ok("config", "set", "rotate-days", "30", "--passphrase-file", self.passfile)
        self.assertEqual(self.ok("config", "get", "rotate-days").out, "30\n")
        self.assertEqual(json.loads(self.ok("config", "get", "rotate-days", "--json").out), {"rotate-days": 30})
        self.assertEqual(self.ok("config", "get", "rotate-days", "--passphrase-file", self.passfile).out, "30\n")
        self.assertRegex(self.ok("config", "list").out, r"rotate-days\s+30\s")
        # The default applies to keys added or imported afterwards, not to explicit periods or older keys.
        self.add_secret_key(1, "alice", "a")
        self.add_secret_key(2, "alice", "b", "--rotate-days", "45")
        csv = self.write_secret_file("k.csv", "AccessKey ID,AccessKey Secret\n%s,%s\n" % (fake_id(3), fake_secret(3)))
        self.watcher.watch(fake_secret(3))
        self.ok("import", csv, "--owner", "bob", "--passphrase-file", self.passfile)
        keys = self.keys_by_id()
        self.assertEqual([keys[fake_id(n)]["rotate_days"] for n in (1, 2, 3)], [30, 45, 30])
        self.assertEqual(keys[fake_id(1)]["deadline"], day(self.today, 30))
        for args in (["set", "rotate-day", "30"], ["set", "secret", "1"], ["get", "colour"], ["set", "rotate-days", "0"],
                     ["set", "rotate-days", "03"], ["set", "rotate-days", "3651"], ["set", "rotate-days", "-5"],
                     ["set", "max-rotate-days", "+9"], ["frobnicate"], []):
            self.refused("E_USAGE", "config", *args, "--passphrase-file", self.passfile)
        r = self.refused("E_USAGE", "config", "get", "colour")
        self.assertIn("unknown setting 'colour'", r.err)
        self.assertIn("settings are rotate-days and max-rotate-days", r.err)
        entry = [e for e in self.log_json() if e["event"] == "config"]
        self.assertEqual(len(entry), 1)
        self.check_ok()

    # --fail-on: exit 14 when a finding is at or above the level (default error).
    def test_fail_on_levels(self):
        info_only = self.key(1, "alice", "a", -80)  # due in 10 days: info
        self.assertEqual(self.rules(), {("due-soon", info_only)})
        self.assertEqual(self.run_akvault("lint").code, 0)
        self.assertEqual(self.run_akvault("lint", "--fail-on", "error").code, 0)
        self.assertEqual(self.run_akvault("lint", "--fail-on", "warning").code, 0)
        self.assertEqual(self.run_akvault("lint", "--fail-on", "info").code, 14)
        self.key(2, "alice", "b", 0, 91)  # warning
        self.assertEqual(self.run_akvault("lint").code, 0)
        self.assertEqual(self.run_akvault("lint", "--fail-on", "warning").code, 14)
        self.key(3, "alice", "c", -100)  # error
        for level, code in (("info", 14), ("warning", 14), ("error", 14)):
            self.assertEqual(self.run_akvault("lint", "--fail-on", level).code, code)
        r = self.run_akvault("lint")
        self.assertEqual(r.code, 14)
        self.assertEqual([l for l in r.err.splitlines() if "error" in l], [])  # findings only on stdout
        self.assertTrue(r.out.startswith("error: [overdue] %s (owner alice, app c): " % fake_id(3)), r.out)
        self.assertIn("    fix: ", r.out)
        self.assertTrue(r.out.endswith("3 finding(s).\n"))
        for bad in ("fatal", "ERROR", "", "warn"):
            self.refused("E_USAGE", "lint", "--fail-on", bad)

    # With --passphrase-file every record and setting is verified before it is trusted.
    def test_lint_verifies_records_with_the_passphrase(self):
        self.key(1, "alice", "a", -100)
        self.key(2, "bob", "b")
        self.ok("config", "set", "max-rotate-days", "120", "--passphrase-file", self.passfile)
        self.assertEqual(self.run_akvault("lint", "--passphrase-file", self.passfile).code, 14)
        self.sqlite("UPDATE keys SET rotate_days = 3650, due_date = date(created, '+3650 days') WHERE akid = '%s'"
                    % fake_id(1))
        # Without the passphrase, lint reads what the file says (the overdue key now looks fine) ...
        self.assertNotIn(("overdue", fake_id(1)), self.rules())
        # ... with it, the edit is found.
        r = self.refused("E_TAMPERED", "lint", "--passphrase-file", self.passfile)
        self.assertIn("record of %s failed authentication" % fake_id(1), r.err)
        self.refused("E_AUTH", "lint", "--passphrase-file", self.write_secret_file("wrong", "wrong passphrase\n"))

    def test_lint_verifies_settings_with_the_passphrase(self):
        self.key(1, "alice", "a", 0, 120)
        self.ok("config", "set", "max-rotate-days", "90", "--passphrase-file", self.passfile)
        self.assertIn(("rotation-period-too-long", fake_id(1)), self.rules())
        self.sqlite("UPDATE config SET value = '3650' WHERE name = 'max-rotate-days'")
        self.assertEqual(self.ok("config", "get", "max-rotate-days").out, "3650\n")  # unverified read
        r = self.refused("E_TAMPERED", "config", "get", "max-rotate-days", "--passphrase-file", self.passfile)
        self.assertIn("max-rotate-days", r.err)
        self.refused("E_TAMPERED", "lint", "--passphrase-file", self.passfile)
        self.check_tampered("setting max-rotate-days: failed authentication")


if __name__ == "__main__":
    unittest.main()

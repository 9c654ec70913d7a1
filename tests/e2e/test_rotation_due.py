"""`akvault due`: what cron runs (../shared/spec/cli.md, docs/rotation.md).
No passphrase and no terminal; most overdue first; --within, --owner, --app;
exit 0 when nothing is listed and 13 when anything is; --json; UTC calendar
days whatever the local time zone (B11)."""

import datetime
import json
import os
import subprocess
import unittest

from harness import VaultTestCase, day, fake_id, fake_secret, utc_today

A, B, C, D, E, F = (fake_id(n) for n in range(1, 7))
DUE_FIELDS = {"akid", "owner", "app", "status", "due", "days_left", "kind", "action"}


def tz_available(name):
    """True when the C library really applies this zone (tzdata installed)."""
    try:
        out = subprocess.run(["date", "+%z"], env={"TZ": name, "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
                             stdout=subprocess.PIPE, timeout=10).stdout.decode().strip()
    except OSError:
        return False
    return out not in ("+0000", "")


class RotationDueTest(VaultTestCase):
    def setUp(self):
        super().setUp()
        self.today = utc_today()
        self.init_vault()

    def tearDown(self):
        # Every expectation here is relative to "today" in UTC: a run across
        # midnight UTC proves nothing either way.
        day_changed = utc_today() != self.today
        super().tearDown()
        if day_changed:
            self.skipTest("the UTC day changed during the test")

    def scenario(self):
        """Keys due at today-10, today-5, today, today+10, today+80 (and one
        more, personal, at today-1), with different owners and apps."""
        t = self.today
        for n, owner, app, created, days in ((1, "alice", "billing", day(t, -100), 90),
                                             (2, "bob", "web", day(t, -95), 90),
                                             (3, "alice", "web", day(t, -30), 30),
                                             (4, "alice", "billing", day(t, -80), 90),
                                             (5, "carol", "web", day(t, -10), 90),
                                             (6, "bob", None, day(t, -366), 365)):
            self.add_secret_key(n, owner, app, "--created", created, "--rotate-days", str(days))

    def due(self, *args, env=None):
        """Runs `due` as cron would: no passphrase, no terminal, stdin /dev/null."""
        r = self.run_akvault("due", *args, env=env)
        self.assertIn(r.code, (0, 13), r)
        self.assertNotIn("error", r.err)
        return r

    def due_json(self, *args, env=None):
        r = self.due("--json", *args, env=env)
        items = json.loads(r.out)
        self.assertEqual(r.code, 13 if items else 0, r)
        return items

    def test_lists_most_overdue_first_and_exits_13(self):
        self.scenario()
        r = self.due()
        self.assertEqual(r.code, 13)
        lines = r.out.splitlines()
        self.assertEqual(lines[0].split()[:6], ["ACCESSKEY", "ID", "OWNER", "APP", "DUE", "WHEN"])
        rows = [l.split() for l in lines[1:]]
        self.assertEqual([row[0] for row in rows], [A, B, F, C])
        self.assertEqual(rows[0][1:6], ["alice", "billing", day(self.today, -10), "overdue", "10d"])
        self.assertEqual(rows[1][1:6], ["bob", "web", day(self.today, -5), "overdue", "5d"])
        self.assertEqual(rows[2][1:6], ["bob", "-", day(self.today, -1), "overdue", "1d"])
        self.assertEqual(rows[3][1:5], ["alice", "web", day(self.today), "today"])
        self.assertIn("akvault rotate %s --new-id NEW" % A, lines[1])
        self.assertNoSecretsIn(r)

    def test_json_fields(self):
        self.scenario()
        items = self.due_json()
        self.assertEqual([i["akid"] for i in items], [A, B, F, C])
        for item in items:
            self.assertEqual(set(item), DUE_FIELDS)
            self.assertEqual(item["status"], "active")
            self.assertEqual(item["due"], day(self.today, item["days_left"]))
        self.assertEqual([i["days_left"] for i in items], [-10, -5, -1, 0])
        self.assertEqual([i["kind"] for i in items], ["rotation-overdue"] * 3 + ["rotation-due"])
        self.assertEqual(items[2]["app"], None)
        self.assertEqual(items[0]["action"],
                         "rotate: create a new key in the console, then akvault rotate %s --new-id NEW" % A)

    def test_within(self):
        self.scenario()
        self.assertEqual([i["akid"] for i in self.due_json("--within", "9")], [A, B, F, C])
        within10 = self.due_json("--within", "10")
        self.assertEqual([i["akid"] for i in within10], [A, B, F, C, D])
        self.assertEqual((within10[-1]["days_left"], within10[-1]["kind"]), (10, "rotation-due"))
        r = self.due("--within", "10")
        self.assertRegex(r.out.splitlines()[-1], r"^%s .* in 10d " % D)
        self.assertEqual(len(self.due_json("--within", "80")), 6)
        self.assertEqual(len(self.due_json("--within", "36500")), 6)
        for bad in ("-1", "03", "+3", "0x3", " 3", "", "ten", "36501", "1.5"):
            self.refused("E_USAGE", "due", "--within", bad)

    def test_owner_and_app_filters(self):
        self.scenario()
        self.assertEqual([i["akid"] for i in self.due_json("--owner", "alice")], [A, C])
        self.assertEqual([i["akid"] for i in self.due_json("--app", "web")], [B, C])
        self.assertEqual([i["akid"] for i in self.due_json("--owner", "alice", "--app", "web")], [C])
        self.assertEqual([i["akid"] for i in self.due_json("--owner", "bob")], [B, F])
        self.assertEqual([i["akid"] for i in self.due_json("--owner", "alice", "--within", "10")], [A, C, D])
        self.assertEqual(self.due_json("--owner", "carol"), [])
        self.assertEqual(self.due_json("--owner", "nobody"), [])

    def test_nothing_due_exits_0(self):
        r = self.due()
        self.assertEqual((r.code, r.out), (0, "No key is due.\n"))
        self.add_secret_key(5, "carol", "web", "--created", day(self.today, -10))
        r = self.due()
        self.assertEqual((r.code, r.out), (0, "No key is due.\n"))
        r = self.due("--within", "79")
        self.assertEqual((r.code, r.out), (0, "No key is due within 79 days.\n"))
        self.assertEqual(self.due("--within", "80").code, 13)
        r = self.due("--json")
        self.assertEqual((r.code, json.loads(r.out)), (0, []))

    # cron: no passphrase, no terminal, no usable HOME; the vault named by the environment variable.
    def test_runs_like_cron(self):
        self.scenario()
        r = self.run_akvault("due", "--json", env={"AKVAULT_VAULT": self.vault, "HOME": "/nonexistent"}, cwd="/")
        self.assertEqual(r.code, 13, r)
        self.assertEqual(len(json.loads(r.out)), 4)

    # B11: exact calendar-day arithmetic at month ends and leap days.
    def test_deadline_arithmetic(self):
        cases = [("2024-02-29", 90, "2024-05-29"), ("2024-02-29", 365, "2025-02-28"), ("2023-01-31", 28, "2023-02-28"),
                 ("2024-01-31", 29, "2024-02-29"), ("2023-12-31", 1, "2024-01-01"), ("2023-02-28", 1, "2023-03-01"),
                 ("2024-02-28", 1, "2024-02-29"), ("2000-02-28", 1, "2000-02-29"), ("1970-01-01", 3650, "1979-12-30"),
                 ("2023-03-31", 30, "2023-04-30"), ("2024-12-31", 60, "2025-03-01")]
        for n, (created, days, deadline) in enumerate(cases, start=10):
            self.add_secret_key(n, "dates", "d%d" % n, "--created", created, "--rotate-days", str(days))
        items = {i["akid"]: i for i in self.due_json()}
        keys = self.keys_by_id()
        for n, (created, days, deadline) in enumerate(cases, start=10):
            akid = fake_id(n)
            self.assertEqual(keys[akid]["deadline"], deadline, (created, days))
            self.assertEqual(items[akid]["due"], deadline, (created, days))
            self.assertEqual(items[akid]["days_left"],
                             datetime.date.fromisoformat(deadline).toordinal() - self.today.toordinal())

    # The same answer under any local time zone: UTC+14 and UTC-12 disagree on
    # the local date for most of every day, yet akvault must not.
    def test_time_zones_do_not_change_the_answer(self):
        zones = ["Pacific/Kiritimati", "Etc/GMT+12"]
        for zone in zones:
            if not tz_available(zone):
                self.skipTest("time zone %s is not installed (tzdata)" % zone)
        self.scenario()
        outputs = {}
        for zone in ["UTC"] + zones:
            env = {"TZ": zone}
            outputs[zone] = (self.due(env=env).out, self.due("--json", "--within", "30", env=env).out,
                             self.ok("list", "--json", env=env).out, self.ok("show", A, env=env).out)
        for zone in zones:
            self.assertEqual(outputs[zone], outputs["UTC"], zone)
        # "Today" is the UTC day in every zone: a key added without --created gets it,
        # --created accepts it and refuses the next UTC day.
        for n, zone in enumerate(zones, start=40):
            env = {"TZ": zone}
            self.watcher.watch(fake_secret(n))
            r = self.ok("add", "--owner", "tz", "--app", "z%d" % n, "--id", fake_id(n), "--json",
                        "--passphrase-file", self.passfile, input=fake_secret(n) + "\n", env=env)
            self.assertEqual(json.loads(r.out)["created"], day(self.today))
            self.assertEqual(json.loads(r.out)["deadline"], day(self.today, 90))
            self.watcher.watch(fake_secret(n + 10))
            self.ok("add", "--owner", "tz", "--app", "y%d" % n, "--id", fake_id(n + 10), "--created", day(self.today),
                    "--passphrase-file", self.passfile, input=fake_secret(n + 10) + "\n", env=env)
            self.refused("E_USAGE", "add", "--owner", "tz", "--id", fake_id(n + 20), "--created", day(self.today, 1),
                         "--passphrase-file", self.passfile, input=fake_secret(n + 20) + "\n", env=env)
        # Also through log: times are printed in UTC with a Z.
        logs = {zone: self.ok("log", "--json", env={"TZ": zone}).out for zone in ["UTC"] + zones}
        self.assertEqual(logs[zones[0]], logs["UTC"])
        self.assertEqual(logs[zones[1]], logs["UTC"])


if __name__ == "__main__":
    unittest.main()

"""`akvault rotate` and `retire` (../shared/spec/cli.md, docs/rotation.md):
the new key takes over owner, app and period with a fresh deadline; the old
one is superseded (never exported again, not due until its grace ends, then
reminded until retired); the chain and the bundles that carried the old key;
D2 (two rotations at once) and kill -9 during rotate."""

import json
import os
import random
import shutil
import signal
import subprocess
import threading
import time
import unittest

from harness import VaultTestCase, day, fake_id, fake_secret, utc_today

OLD, NEW, NEWER = fake_id(1), fake_id(2), fake_id(3)
S_OLD, S_NEW, S_NEWER = fake_secret(1), fake_secret(2), fake_secret(3)
SCALE = max(1, int(os.environ.get("AKVAULT_E2E_SCALE", "1")))


class RotationRotateTest(VaultTestCase):
    def setUp(self):
        super().setUp()
        self.today = utc_today()
        self.init_vault()

    def tearDown(self):
        day_changed = utc_today() != self.today
        super().tearDown()
        if day_changed:
            self.skipTest("the UTC day changed during the test")

    def rotate(self, old, new, secret, *extra):
        self.watcher.watch(secret)
        r = self.ok("rotate", old, "--new-id", new, "--passphrase-file", self.passfile, *extra, input=secret + "\n")
        self.secrets[new] = secret
        self.assertNoSecretsIn(r)
        return r

    def export(self, *selection, name):
        out, pw = self.path(name + ".akb"), self.path(name + ".pw")
        r = self.ok("export", *selection, "--out", out, "--password-file", pw, "--passphrase-file", self.passfile,
                    "--json")
        with open(pw) as f:
            self.watcher.watch(f.readline().strip())
        return json.loads(r.out), out, pw

    def bundle_akids(self, out, pw):
        r = self.ok("open", out, "--password-file", pw, "--format", "json")
        return sorted(c["access_key_id"] for c in json.loads(r.out)["credentials"])

    def test_rotate_records_the_new_key_and_supersedes_the_old(self):
        t = self.today
        self.add_secret_key(1, "alice", "billing", "--created", day(t, -100), "--rotate-days", "60")
        self.assertEqual(self.run_akvault("due").code, 13)  # overdue before the rotation
        r = self.rotate(OLD, NEW, S_NEW)
        self.assertEqual(r.out.splitlines()[:3], [
            "Rotated %s -> %s (owner alice, app billing); new deadline %s." % (OLD, NEW, day(t, 60)),
            "The old key stays usable until you disable it: do that in the console by %s, then run "
            "`akvault retire %s`." % (day(t, 7), OLD),
            "The old key was never exported with akvault; move every place that uses it to the new key."])
        keys = self.keys_by_id()
        self.assertEqual({k: keys[NEW][k] for k in ("status", "owner", "app", "rotate_days", "created", "deadline",
                                                   "due", "predecessor", "successor", "main_account")},
                         {"status": "active", "owner": "alice", "app": "billing", "rotate_days": 60,
                          "created": day(t), "deadline": day(t, 60), "due": day(t, 60), "predecessor": OLD,
                          "successor": None, "main_account": False})
        self.assertEqual({k: keys[OLD][k] for k in ("status", "successor", "due", "status_since", "created")},
                         {"status": "superseded", "successor": NEW, "due": day(t, 7), "status_since": day(t),
                          "created": day(t, -100)})
        self.assertEqual(self.reveal(NEW), S_NEW)
        self.assertEqual(self.reveal(OLD), S_OLD)
        entry = [e for e in self.log_json() if e["event"] == "rotate"]
        self.assertEqual(entry[0]["akid"], OLD)
        self.assertEqual(entry[0]["detail"], {"new": NEW, "owner": "alice", "app": "billing",
                                              "grace_until": day(t, 7), "new_deadline": day(t, 60)})
        # Not due during the grace period; reminded as it ends.
        r = self.run_akvault("due")
        self.assertEqual((r.code, r.out), (0, "No key is due.\n"))
        self.assertEqual(self.run_akvault("due", "--within", "6").code, 0)
        r = self.run_akvault("due", "--within", "7", "--json")
        self.assertEqual(r.code, 13, r)
        self.assertEqual(json.loads(r.out), [{
            "akid": OLD, "owner": "alice", "app": "billing", "status": "superseded", "due": day(t, 7),
            "days_left": 7, "kind": "grace-ending",
            "action": "once nothing uses %s, disable it in the console, then akvault retire %s" % (OLD, OLD)}])
        shown = self.ok("show", OLD).out
        self.assertIn("Status        superseded since " + day(t), shown)
        self.assertIn("Grace until   %s (then disable it in the console and retire it)" % day(t, 7), shown)
        self.assertIn("Replaced by   " + NEW, shown)
        shown = self.ok("show", NEW).out
        self.assertIn("Replaces      " + OLD, shown)
        self.assertIn("Deadline      %s (60 days left)" % day(t, 60), shown)
        self.check_ok()

    def test_grace_days_and_options(self):
        t = self.today
        for n in (1, 4, 6):
            self.add_secret_key(n, "alice", "app%d" % n)
        self.rotate(OLD, NEW, S_NEW, "--grace-days", "0")
        items = json.loads(self.run_akvault("due", "--json").out)
        self.assertEqual([(i["akid"], i["kind"], i["days_left"]) for i in items], [(OLD, "grace-ending", 0)])
        self.rotate(fake_id(4), fake_id(5), fake_secret(5), "--grace-days", "30", "--rotate-days", "30",
                    "--created", day(t, -2))
        keys = self.keys_by_id()
        self.assertEqual(keys[fake_id(4)]["due"], day(t, 30))
        self.assertEqual((keys[fake_id(5)]["created"], keys[fake_id(5)]["deadline"], keys[fake_id(5)]["app"]),
                         (day(t, -2), day(t, 28), "app4"))
        self.assertNotIn(fake_id(4), [i["akid"] for i in json.loads(self.run_akvault("due", "--json", "--within", "27").out)])
        self.assertIn(fake_id(4), [i["akid"] for i in json.loads(self.run_akvault("due", "--json", "--within", "30").out)])
        self.rotate(fake_id(6), fake_id(7), fake_secret(7), "--grace-days", "365")
        rot = ["rotate", fake_id(5), "--passphrase-file", self.passfile]
        for grace in ("-1", "366", "03", "+1", "0x1", "seven"):
            self.refused("E_USAGE", *rot, "--new-id", fake_id(9), "--grace-days", grace, input=fake_secret(9) + "\n")
        for extra in (["--rotate-days", "0"], ["--rotate-days", "3651"], ["--created", day(t, 1)],
                      ["--created", "2023-02-29"]):
            self.refused("E_USAGE", *rot, "--new-id", fake_id(9), *extra, input=fake_secret(9) + "\n")
        r = self.refused("E_USAGE", *rot, "--new-id", fake_id(5), input=fake_secret(9) + "\n")
        self.assertIn("--new-id is the same as the key being rotated", r.err)
        self.refused("E_USAGE", *rot, "--new-id", "LTAI5t-bad", input=fake_secret(9) + "\n")
        r = self.refused("E_CONFLICT", *rot, "--new-id", fake_id(6), input=fake_secret(9) + "\n")
        self.assertIn("AccessKey %s is already in the vault (owner alice, app app6)" % fake_id(6), r.err)
        r = self.refused("E_CONFLICT", "rotate", OLD, "--new-id", fake_id(9), "--passphrase-file", self.passfile,
                         input=fake_secret(9) + "\n")
        self.assertIn("AccessKey %s is superseded, replaced by %s" % (OLD, NEW), r.err)
        self.assertIn("rotate its successor instead", r.err)
        self.refused("E_NOTFOUND", "rotate", fake_id(99), "--new-id", fake_id(9), "--passphrase-file", self.passfile,
                     input=fake_secret(9) + "\n")
        for bad_secret in ("", "has space", "x" * 257):
            self.refused("E_INPUT", *rot, "--new-id", fake_id(9), input=bad_secret + "\n")
        self.ok("retire", OLD, "--passphrase-file", self.passfile)
        r = self.refused("E_CONFLICT", "rotate", OLD, "--new-id", fake_id(9), "--passphrase-file", self.passfile,
                         input=fake_secret(9) + "\n")
        self.assertIn("is retired", r.err)
        self.check_ok()

    # D2: two simultaneous `rotate X`: exactly one wins, the other gets E_CONFLICT; one active successor.
    def test_simultaneous_rotations_D2(self):
        for rnd in range(3 * SCALE):
            x = fake_id(100 + rnd)
            self.add_secret_key(100 + rnd, "dana", "race%d" % rnd)
            candidates = [fake_id(200 + 2 * rnd), fake_id(201 + 2 * rnd)]
            results = [None, None]
            barrier = threading.Barrier(2)

            def go(i):
                barrier.wait()
                self.watcher.watch(fake_secret(200 + 2 * rnd + i))
                results[i] = self.run_akvault("rotate", x, "--new-id", candidates[i], "--passphrase-file",
                                              self.passfile, input=fake_secret(200 + 2 * rnd + i) + "\n")

            threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            codes = sorted(r.code for r in results)
            self.assertEqual(codes, [0, 9], results)
            winner = candidates[[r.code for r in results].index(0)]
            loser_result = results[[r.code for r in results].index(9)]
            self.assertIn("AccessKey %s is superseded, replaced by %s" % (x, winner), loser_result.err)
            self.assertNotIn("locked", loser_result.err)
            keys = self.keys_by_id()
            self.assertEqual(keys[x]["successor"], winner)
            self.assertEqual(keys[x]["status"], "superseded")
            successors = [k for k in keys.values() if k["predecessor"] == x]
            self.assertEqual([k["akid"] for k in successors], [winner])
            self.assertEqual(successors[0]["status"], "active")
            self.assertEqual(self.reveal(winner), fake_secret(200 + 2 * rnd + candidates.index(winner)))
        self.check_ok()

    # Superseded and retired keys are never exported again.
    def test_superseded_and_retired_keys_are_never_exported(self):
        self.add_secret_key(1, "alice", "billing")
        self.add_secret_key(4, "alice", "web")
        self.rotate(OLD, NEW, S_NEW)
        out, pw = self.path("old.akb"), self.path("old.pw")
        r = self.refused("E_CONFLICT", "export", OLD, "--out", out, "--password-file", pw,
                         "--passphrase-file", self.passfile)
        self.assertIn("AccessKey %s is superseded and is never exported again" % OLD, r.err)
        self.assertIn("export its replacement " + NEW, r.err)
        self.assertFalse(os.path.exists(out) or os.path.exists(pw))
        self.refused("E_CONFLICT", "export", NEW, OLD, "--out", out, "--password-file", pw,
                     "--passphrase-file", self.passfile)
        self.ok("export", "--owner", "alice", "--out", out, "--password-file", pw, "--passphrase-file", self.passfile)
        with open(pw) as f:
            self.watcher.watch(f.readline().strip())
        self.assertEqual(self.bundle_akids(out, pw), sorted([NEW, fake_id(4)]))
        self.ok("retire", OLD, "--passphrase-file", self.passfile)
        r = self.refused("E_CONFLICT", "export", OLD, "--out", self.path("x.akb"), "--password-file",
                         self.path("x.pw"), "--passphrase-file", self.passfile)
        self.assertIn("is retired and is never exported again", r.err)
        info, out2, pw2 = self.export("--app", "billing", name="billing")
        self.assertEqual(info["keys"], [NEW])
        self.assertEqual(self.bundle_akids(out2, pw2), [NEW])
        # exec and credential-process refuse a retired key too.
        self.refused("E_CONFLICT", "exec", "--key", OLD, "--passphrase-file", self.passfile, "--", "true")

    def test_retire(self):
        t = self.today
        self.add_secret_key(1, "alice", "billing", "--created", day(t, -100))
        self.add_secret_key(4, "bob", "web")
        self.rotate(OLD, NEW, S_NEW)
        r = self.ok("retire", OLD, "--passphrase-file", self.passfile)
        self.assertIn("Retired %s: it no longer appears in `akvault list`" % OLD, r.out)
        self.assertNotIn("warning", r.err)
        self.assertNotIn(OLD, [k["akid"] for k in self.list_json()])
        self.assertNotIn(OLD, self.ok("list").out)
        keys = self.keys_by_id()
        self.assertEqual((keys[OLD]["status"], keys[OLD]["status_since"], keys[OLD]["due"], keys[OLD]["successor"]),
                         ("retired", day(t), None, NEW))
        self.assertIn(OLD, self.ok("list", "--all").out)
        self.assertIn("Status        retired since " + day(t), self.ok("show", OLD).out)
        self.assertEqual(self.log_json("--key", OLD)[-1]["event"], "retire")
        self.assertEqual(self.log_json("--key", OLD)[-1]["detail"], {"previous_status": "superseded"})
        self.assertNotIn(OLD, [i["akid"] for i in json.loads(self.run_akvault("due", "--json", "--within", "36500").out)])
        r = self.refused("E_CONFLICT", "retire", OLD, "--passphrase-file", self.passfile)
        self.assertIn("already retired (since %s)" % day(t), r.err)
        self.refused("E_NOTFOUND", "retire", fake_id(99), "--passphrase-file", self.passfile)
        # Retiring a key that was never rotated: allowed, with a warning.
        r = self.ok("retire", fake_id(4), "--passphrase-file", self.passfile)
        self.assertIn("akvault: warning: %s was still active, not rotated" % fake_id(4), r.err)
        self.assertEqual(self.reveal(OLD), S_OLD)  # history keeps the record
        self.check_ok()

    def test_remove_versus_retire(self):
        self.add_secret_key(1, "alice", "billing")
        self.rotate(OLD, NEW, S_NEW)
        r = self.ok("remove", OLD, "--passphrase-file", self.passfile)
        self.assertNotIn(OLD, [k["akid"] for k in self.list_json("--all")])
        self.refused("E_NOTFOUND", "show", OLD)
        entry = self.log_json("--key", OLD)[-1]
        self.assertEqual((entry["event"], entry["detail"]["status"]), ("remove", "superseded"))
        shown = self.ok("show", NEW).out  # the chain just stops where the record was removed
        self.assertIn("Replaces      " + OLD, shown)
        self.assertEqual(self.keys_by_id()[NEW]["predecessor"], OLD)
        self.check_ok()

    # show of either key: the chain and the bundles that carried the old keys.
    def test_chain_and_bundles_that_carried_the_old_key(self):
        self.add_secret_key(1, "alice", "billing")
        b1, out1, _ = self.export(OLD, name="to-bob")
        r = self.rotate(OLD, NEW, S_NEW)
        lines = r.out.splitlines()
        self.assertIn("The old key went out in these bundles; send the new key to the same people and servers:", lines)
        carried = [l for l in lines if b1["bundle_id"][:16] in l]
        self.assertEqual(len(carried), 1, r.out)
        self.assertIn("password", carried[0])
        self.assertTrue(carried[0].endswith("-> " + out1), carried[0])
        shown = self.ok("show", OLD).out  # the old key: its successor and its own bundle
        self.assertIn("Replaced by   " + NEW, shown)
        self.assertIn("-> " + out1, shown)
        b2, out2, _ = self.export(NEW, name="to-server")
        r = self.rotate(NEW, NEWER, S_NEWER, "--json")
        rotated = json.loads(r.out)
        self.assertEqual((rotated["old"], rotated["new"]), (NEW, NEWER))
        self.assertEqual([(b["bundle_id"], b["destination"], b["mode"]) for b in rotated["old_bundles"]],
                         [(b2["bundle_id"], out2, "password")])
        shown = self.ok("show", NEWER).out
        self.assertIn("Replaces      " + NEW, shown)
        self.assertIn("Distribution history (this key and the keys it replaced):", shown)
        history = shown.split("Distribution history")[1].splitlines()[1:]
        self.assertEqual(len(history), 2, shown)
        self.assertTrue(any(l.split()[0] == NEW and l.endswith(out2 + "  (expires " + b2["expires"] + ")")
                            for l in history), history)
        self.assertTrue(any(l.split()[0] == OLD and "-> " + out1 in l for l in history), history)
        data = json.loads(self.ok("show", NEWER, "--json").out)
        self.assertEqual(data["predecessor"], NEW)
        self.assertEqual(sorted((d["akid"], d["bundle_id"], d["destination"]) for d in data["distributions"]),
                         sorted([(OLD, b1["bundle_id"], out1), (NEW, b2["bundle_id"], out2)]))
        data = json.loads(self.ok("show", NEW, "--json", "--passphrase-file", self.passfile).out)
        self.assertEqual((data["predecessor"], data["successor"], data["verified"]), (OLD, NEWER, True))
        self.assertEqual([d["akid"] for d in data["distributions"]], [NEW, OLD])
        self.check_ok()

    # Edited deadlines or creation days are found by `check` (dates are in the AAD).
    def test_tampered_dates_are_found_by_check(self):
        t = self.today
        self.add_secret_key(1, "alice", "billing", "--created", day(t, -80))
        self.rotate(OLD, NEW, S_NEW)
        pristine = self.path("pristine.db")
        shutil.copyfile(self.vault, pristine)
        for sql, akid in (("UPDATE keys SET due_date = '2099-12-31' WHERE akid = '%s'" % NEW, NEW),
                          ("UPDATE keys SET due_date = NULL WHERE akid = '%s'" % NEW, NEW),
                          ("UPDATE keys SET created = '%s' WHERE akid = '%s'" % (day(t, 30 - 90), NEW), NEW),
                          ("UPDATE keys SET created = '2020-01-01' WHERE akid = '%s'" % OLD, OLD),
                          ("UPDATE keys SET due_date = '%s' WHERE akid = '%s'" % (day(t, 365), OLD), OLD),
                          ("UPDATE keys SET status_since = '2020-01-01' WHERE akid = '%s'" % OLD, OLD),
                          ("UPDATE keys SET status = 'active', due_date = '%s' WHERE akid = '%s'" % (day(t, 10), OLD), OLD)):
            with self.subTest(sql=sql):
                shutil.copyfile(pristine, self.vault)
                self.sqlite(sql)
                self.check_tampered("key %s: record failed authentication" % akid)
                r = self.refused("E_TAMPERED", "lint", "--passphrase-file", self.passfile)
                self.assertIn(akid, r.err)

    # kill -9 at random points of rotate: the old state or the new one, never a mix.
    def test_kill_during_rotate(self):
        runs = 10 * SCALE
        self.add_secret_key(1, "alice", "billing")
        start = time.monotonic()
        self.rotate(OLD, NEW, S_NEW)
        duration = time.monotonic() - start
        rng = random.Random(int(os.environ.get("AKVAULT_E2E_SEED", str(os.getpid()))))
        current, n = NEW, 10
        outcomes = []
        for _ in range(runs):
            n += 1
            nxt, secret = fake_id(n), fake_secret(n)
            self.watcher.watch(secret)
            self.secrets[nxt] = secret
            proc = self.spawn("rotate", current, "--new-id", nxt, "--passphrase-file", self.passfile,
                              stdin=subprocess.PIPE)
            proc.stdin.write(secret.encode() + b"\n")
            proc.stdin.close()
            proc.stdin = None
            time.sleep(rng.uniform(0.6, 1.3) * duration)
            try:
                os.kill(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.communicate(timeout=60)
            self.integrity_ok()
            state = self.sqlite("SELECT akid, status, ifnull(successor, '-') FROM keys ORDER BY akid").split()
            old_state = ["%s|active|-" % current]
            new_state = ["%s|superseded|%s" % (current, nxt), "%s|active|-" % nxt]
            live = [s for s in state if s.startswith(current) or s.startswith(nxt)]
            self.assertIn(sorted(live), (sorted(old_state), sorted(new_state)), (proc.returncode, state))
            if proc.returncode == 0:
                self.assertEqual(sorted(live), sorted(new_state))
            outcomes.append(proc.returncode)
            if sorted(live) == sorted(new_state):
                current = nxt
        self.check_ok()
        self.assertEqual(self.reveal(current), self.secrets[current])


if __name__ == "__main__":
    unittest.main()

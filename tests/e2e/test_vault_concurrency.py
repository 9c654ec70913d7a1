"""Concurrent writers and kill -9 during `passwd`
(../shared/spec/attack-catalogue.md D1, D3, D5; D2 is in
test_rotation_rotate.py, D4 in test_vault_crash.py).

AKVAULT_E2E_SCALE (default 1) multiplies the number of adds per process in
D1 (25 each: 8 x 25 = 200 adds; the catalogue's 8 x 200 is SCALE=8) and the
number of kill runs in D5 (24)."""

import os
import random
import signal
import threading
import time
import unittest

from harness import EXIT, VaultTestCase, fake_id, fake_secret

SCALE = max(1, int(os.environ.get("AKVAULT_E2E_SCALE", "1")))
LOCK_WORDS = ("database is locked", "locked", "SQLITE_BUSY", "busy")


class VaultConcurrencyTest(VaultTestCase):
    def run_in_threads(self, jobs):
        """Runs each callable in its own thread, all released at once; returns their results."""
        results = [None] * len(jobs)
        errors = []
        barrier = threading.Barrier(len(jobs))

        def body(i, job):
            try:
                barrier.wait(timeout=60)
                results[i] = job()
            except BaseException as e:  # reported in the main thread
                errors.append(e)

        threads = [threading.Thread(target=body, args=(i, job)) for i, job in enumerate(jobs)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=900)
        self.assertEqual(errors, [])
        return results

    # D1: 8 processes each running N adds at once: every key present, nobody sees "locked".
    def test_eight_concurrent_writers_D1(self):
        n = 25 * SCALE
        self.init_vault()

        def writer(w):
            def run():
                out = []
                for i in range(n):
                    k = (w + 1) * 100000 + i
                    self.watcher.watch(fake_secret(k))
                    r = self.run_akvault("add", "--owner", "writer%d" % w, "--app", "load", "--id", fake_id(k),
                                         "--passphrase-file", self.passfile, input=fake_secret(k) + "\n",
                                         timeout=300)
                    out.append((k, r))
                return out
            return run

        start = time.monotonic()
        results = self.run_in_threads([writer(w) for w in range(8)])
        elapsed = time.monotonic() - start
        expected = set()
        for per_writer in results:
            for k, r in per_writer:
                self.assertEqual(r.code, 0, r)
                for word in LOCK_WORDS:
                    self.assertNotIn(word, r.err, r)
                    self.assertNotIn(word, r.out, r)
                expected.add(fake_id(k))
        listed = self.list_json()
        self.assertEqual(len(listed), 8 * n)
        self.assertEqual({k["akid"] for k in listed}, expected)
        for k in listed:
            self.assertEqual(k["owner"], "writer%d" % (int(k["akid"][6:].replace("Q", "0")) // 100000 - 1))
        report = self.check_ok()
        self.assertEqual(report["keys"], 8 * n)
        self.assertEqual(report["audit_entries"], 8 * n + 1)
        # A sample of secrets, each where it belongs.
        for k in random.sample(sorted(expected), 3):
            self.assertEqual(self.reveal(k), fake_secret(int(k[6:].replace("Q", "0"))))
        print("\nD1: %d concurrent adds in %.1f s" % (8 * n, elapsed))

    # D3: passwd racing several adds: serialized; every record opens with the final passphrase.
    def test_passwd_racing_adds_D3(self):
        self.init_vault()
        self.add_secret_key(1)
        files = [self.passfile, self.write_secret_file("second", "the second passphrase\n")]
        self.watcher.watch("the second passphrase")
        k = 1000
        added = {fake_id(1): fake_secret(1)}
        for rnd in range(3):
            old, new = files[rnd % 2], files[(rnd + 1) % 2]
            jobs = []
            for _ in range(6):
                k += 1
                self.watcher.watch(fake_secret(k))
                jobs.append(lambda k=k: (k, self.run_akvault("add", "--owner", "racer", "--id", fake_id(k),
                                                             "--passphrase-file", old, input=fake_secret(k) + "\n")))
            jobs.append(lambda: ("passwd", self.run_akvault("passwd", "--new-passphrase-file", new,
                                                            "--passphrase-file", old)))
            results = self.run_in_threads(jobs)
            listed = {x["akid"] for x in self.list_json()}
            for key, r in results:
                if key == "passwd":
                    self.assertEqual(r.code, 0, r)
                    continue
                # Serialized: an add either got in with the old passphrase, or was told it is wrong.
                self.assertIn(r.code, (EXIT["OK"], EXIT["E_AUTH"]), r)
                self.assertEqual(fake_id(key) in listed, r.code == 0, r)
                if r.code == 0:
                    added[fake_id(key)] = fake_secret(key)
            self.fails("E_AUTH", "check", "--passphrase-file", old)
            self.assertEqual(self.check_ok(new)["keys"], len(added))
            for akid, secret in added.items():
                self.assertEqual(self.reveal(akid, new), secret)
        self.assertGreater(len(added), 1)

    # D5: kill -9 at random points of passwd: exactly one of the old and new passphrases opens the vault.
    def test_kill_during_passwd_D5(self):
        runs = int(os.environ.get("AKVAULT_E2E_PASSWD_KILL_RUNS", str(24 * SCALE)))
        self.init_vault()
        self.add_secret_key(1)
        files = [self.passfile, self.write_secret_file("other", "the other passphrase\n")]
        self.watcher.watch("the other passphrase")
        vault2 = self.path("second", "vault.db")
        self.ok("--vault", vault2, "--passphrase-file", self.passfile, "init", "--kdf", "interactive")
        # Calibrate: how long one passwd takes here.
        start = time.monotonic()
        self.ok("passwd", "--vault", vault2, "--new-passphrase-file", files[1], "--passphrase-file", files[0])
        duration = time.monotonic() - start
        rng = random.Random(int(os.environ.get("AKVAULT_E2E_SEED", str(os.getpid()))))
        outcomes = {"killed, old passphrase": 0, "killed, new passphrase": 0, "finished": 0}

        def worker(vault, current):
            log = []
            for _ in range(runs // 2):
                other = files[1 - current]
                # Mostly around the end, where the new wrap is committed (the
                # two Argon2id runs come first); the other worker and the
                # checks make each run slower than the calibration, hence 1.6.
                delay = rng.uniform(0, duration) if rng.random() < 0.25 else rng.uniform(0.7, 1.6) * duration
                proc = self.spawn("passwd", "--vault", vault, "--new-passphrase-file", other,
                                  "--passphrase-file", files[current])
                time.sleep(delay)
                try:
                    os.kill(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                out, err = proc.communicate(timeout=60)
                opens = [self.run_akvault("config", "get", "rotate-days", "--vault", vault,
                                          "--passphrase-file", f).code for f in files]
                log.append((proc.returncode, err.decode(), current, opens))
                if opens == [0, 3] or opens == [3, 0]:
                    current = opens.index(0)
                else:
                    break
            return log, current

        results = self.run_in_threads([lambda: worker(self.vault, 0), lambda: worker(vault2, 1)])
        for (log, current), vault in zip(results, (self.vault, vault2)):
            for returncode, err, before, opens in log:
                self.assertIn(returncode, (0, -signal.SIGKILL), err)
                self.assertIn(opens, ([0, 3], [3, 0]), "both or neither passphrase opens %s" % vault)
                if returncode == 0:
                    self.assertEqual(opens.index(0), 1 - before, "passwd said it changed the passphrase")
                if returncode == 0:
                    outcomes["finished"] += 1
                else:
                    outcomes["killed, old passphrase" if opens.index(0) == before else "killed, new passphrase"] += 1
            self.integrity_ok(vault)
            self.check_ok(files[current], "--vault", vault)
        self.assertEqual(self.reveal(fake_id(1), files[results[0][1]]), fake_secret(1))
        self.assertEqual(sum(outcomes.values()), 2 * (runs // 2))
        print("\nD5: %d runs: %r" % (sum(outcomes.values()), outcomes))


if __name__ == "__main__":
    unittest.main()

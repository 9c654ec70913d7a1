"""D4: kill -9 at random points in add, import, rotate and remove
(../shared/spec/attack-catalogue.md). After every kill: SQLite's
integrity_check is ok, every acknowledged change is there, every other one is
wholly there or wholly absent (the set of keys and their statuses is exactly
the old one or the new one), and `check` passes (every CHECK_EVERY runs, and
always at the end, on every vault).

Runs: the catalogue asks for at least 1000. On the 2-core machine this was
written on, one run (an unlock is one Argon2id at 64 MiB) takes about 0.2 s
of a worker's time, so two workers fit 1000 runs in about 2 to 3 minutes;
on a slower or busier machine the test stops at a time budget instead and
says how many runs it made. AKVAULT_E2E_CRASH_RUNS sets the number of runs
(default 1000) and AKVAULT_E2E_CRASH_SECONDS the budget (default 165; 0: no
budget, always make every run). AKVAULT_E2E_SEED makes a run reproducible."""

import os
import random
import signal
import subprocess
import sys
import threading
import time
import unittest

from harness import VaultTestCase, fake_id, fake_secret

RUNS = int(os.environ.get("AKVAULT_E2E_CRASH_RUNS", "1000"))
BUDGET = float(os.environ.get("AKVAULT_E2E_CRASH_SECONDS", "165"))
CHECK_EVERY = 25
WORKERS = 2
MIN_RUNS = 100  # fewer than this in the budget means the machine is far too slow: fail, do not pretend


class Worker:
    """One vault and the model of what it holds: akid -> (status, successor)."""

    def __init__(self, test, index, seed):
        self.test = test
        self.index = index
        self.rng = random.Random(seed)
        self.vault = test.path("crash%d" % index, "vault.db")
        self.model = {}
        self.secrets = {}
        self.next_n = (index + 1) * 1000000
        self.durations = {}
        self.runs = 0
        self.kills_landed = {"before": 0, "after": 0}
        self.acknowledged = 0

    def new_key(self):
        self.next_n += 1
        akid, secret = fake_id(self.next_n), fake_secret(self.next_n)
        self.test.watcher.watch(secret)
        self.secrets[akid] = secret
        return akid, secret

    def observed(self):
        out = self.test.sqlite("SELECT akid, status, ifnull(successor, '') FROM keys", self.vault)
        state = {}
        for line in out.splitlines():
            akid, status, successor = line.split("|")
            state[akid] = (status, successor or None)
        return state

    def plan(self, op):
        """(argv, stdin, model if the change is made)."""
        new_model = dict(self.model)
        active = sorted(a for a, (s, _) in self.model.items() if s == "active")
        if op == "add":
            akid, secret = self.new_key()
            new_model[akid] = ("active", None)
            return ["add", "--owner", "crash", "--app", "a%d" % self.rng.randrange(4), "--id", akid], \
                secret + "\n", new_model
        if op == "import":
            lines = ["AccessKey ID,AccessKey Secret"]
            for _ in range(self.rng.randrange(2, 6)):
                akid, secret = self.new_key()
                lines.append("%s,%s" % (akid, secret))
                new_model[akid] = ("active", None)
            csv = self.test.write_secret_file("w%d-%d.csv" % (self.index, self.next_n), "\n".join(lines) + "\n")
            return ["import", csv, "--owner", "crash"], None, new_model
        if op == "rotate" and active:
            old = self.rng.choice(active)
            new, secret = self.new_key()
            new_model[old] = ("superseded", new)
            new_model[new] = ("active", None)
            return ["rotate", old, "--new-id", new], secret + "\n", new_model
        if op == "remove" and len(self.model) > 3:
            victim = self.rng.choice(sorted(self.model))
            del new_model[victim]
            return ["remove", victim], None, new_model
        return self.plan("add")

    def spawn(self, args, stdin):
        proc = self.test.spawn(*args, "--vault", self.vault, "--passphrase-file", self.test.passfile,
                               stdin=subprocess.PIPE)
        proc.stdin.write((stdin or "").encode())
        proc.stdin.close()
        proc.stdin = None  # so that communicate() does not flush it
        return proc

    def calibrate(self):
        self.test.ok("--vault", self.vault, "--passphrase-file", self.test.passfile, "init", "--kdf", "interactive")
        for op in ("import", "add", "rotate", "remove"):
            args, stdin, new_model = self.plan(op)
            start = time.monotonic()
            proc = self.spawn(args, stdin)
            out, err = proc.communicate(timeout=120)
            self.durations[op] = time.monotonic() - start
            assert proc.returncode == 0, err
            self.model = new_model

    def one_run(self):
        op = self.rng.choice(("add", "add", "import", "rotate", "rotate", "remove"))
        args, stdin, new_model = self.plan(op)
        t = self.durations[op]
        # Spread over the whole command, with more weight at the end, where it
        # writes (the Argon2id unlock comes first); 1.3: a busy machine is slower.
        delay = self.rng.uniform(0, 1.3 * t) if self.rng.random() < 0.4 else self.rng.uniform(0.55, 1.3) * t
        started = time.monotonic()
        proc = self.spawn(args, stdin)
        time.sleep(delay)
        try:
            os.kill(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate(timeout=120)
        finished = time.monotonic() - started
        label = "worker %d run %d: %s killed after %.3f s (exit %r): %s" % (
            self.index, self.runs, " ".join(args), delay, proc.returncode, err.decode())
        assert proc.returncode in (0, -signal.SIGKILL), label
        self.test.integrity_ok(self.vault)
        state = self.observed()
        if proc.returncode == 0:
            self.acknowledged += 1
            assert state == new_model, "acknowledged change missing: " + label
            # Keep the estimate of the command's duration up to date (the
            # machine is busier than during the calibration).
            self.durations[op] = 0.7 * t + 0.3 * finished
        else:
            assert state in (self.model, new_model), "half a change: %s\nstate %r" % (label, state)
            landed_after = state == new_model and new_model != self.model
            self.kills_landed["after" if landed_after else "before"] += 1
            if not landed_after and delay >= 0.9 * t:
                self.durations[op] = t * 1.05  # it writes later than we thought
        self.model = state
        self.runs += 1
        if self.runs % CHECK_EVERY == 0:
            self.test.check_ok(None, "--vault", self.vault)


class VaultCrashTest(VaultTestCase):
    def test_kill_at_random_points_D4(self):
        seed = int(os.environ.get("AKVAULT_E2E_SEED", str(int(time.time()))))
        workers = [Worker(self, i, seed + i) for i in range(WORKERS)]
        for w in workers:
            w.calibrate()
        deadline = time.monotonic() + BUDGET if BUDGET > 0 else None
        errors = []
        claimed = [0]
        lock = threading.Lock()

        def loop(w):
            try:
                while True:
                    with lock:
                        if claimed[0] >= RUNS or (deadline and time.monotonic() > deadline):
                            return
                        claimed[0] += 1
                    w.one_run()
            except BaseException as e:  # reported below
                errors.append(e)

        start = time.monotonic()
        threads = [threading.Thread(target=loop, args=(w,)) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - start
        if errors:
            raise errors[0]
        total = sum(w.runs for w in workers)
        for w in workers:
            w.test.integrity_ok(w.vault)
            report = self.check_ok(None, "--vault", w.vault)
            self.assertEqual(report["keys"], len(w.model))
            # Wholly present: a sample of the surviving keys opens to its own secret.
            for akid in w.rng.sample(sorted(w.model), min(3, len(w.model))):
                self.assertEqual(self.reveal(akid, None, "--vault", w.vault), w.secrets[akid])
        landed_after = sum(w.kills_landed["after"] for w in workers)
        landed_before = sum(w.kills_landed["before"] for w in workers)
        acknowledged = sum(w.acknowledged for w in workers)
        sys.stderr.write("\nD4: %d runs in %.0f s (seed %d): %d acknowledged, %d killed before the commit, "
                         "%d killed after it%s\n" % (total, elapsed, seed, acknowledged, landed_before, landed_after,
                                                     "" if total >= RUNS else
                                                     " (time budget of %.0f s reached before %d runs)" % (BUDGET, RUNS)))
        self.assertGreaterEqual(total, min(RUNS, MIN_RUNS))
        self.assertGreater(landed_before, 0)


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/env python3
"""akvault benchmark suite: every target measured side by side with its reference tool.

Run through bench/run.sh (which installs the tools and builds akvault in Release). Usage:

    bench.py --akvault PATH --argon2-bare PATH [--quick] [--workdir DIR] [--keep] [--only a,b,...]

Method (see docs/benchmarks.md):
  * every command is a whole process, started with subprocess and reaped with os.wait4, which
    gives its wall time, its CPU time (user + sys) and its peak RSS (ru_maxrss, the number GNU
    time prints as %M);
  * akvault and the reference run INTERLEAVED, round by round, and the order inside a round
    alternates (A B, B A, ...), so load from other jobs on the machine hits both alike;
  * warm-up rounds are run first and discarded; the table shows medians, the details show
    min / median / max of each series so the spread is visible;
  * a ratio is akvault / reference (lower is better for akvault) unless the row says otherwise;
  * targets are checked here and printed, never asserted in a test.
"""

import argparse
import base64
import datetime as dt
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import string
import subprocess
import sys
import tempfile
import time
import uuid

PASSPHRASE = "correct horse battery staple"
ALNUM = string.ascii_letters + string.digits
SECRET = "bH6xnAbnBEoonCrbZINl91huSS6AZP"  # 30 chars, a stand-in AccessKey Secret for `add`
# Argon2id memory of every KDF benchmark d counts: --kdf interactive vaults and bundle passwords.
KDF_MEM_BYTES = 64 << 20

# ---------------------------------------------------------------------------- process runner

class Sample:
    __slots__ = ("wall", "cpu", "rss_kb", "rc")

    def __init__(self, wall, cpu, rss_kb, rc):
        self.wall, self.cpu, self.rss_kb, self.rc = wall, cpu, rss_kb, rc


RSS_FILE = None  # set by Suite: where GNU time writes %M


def run(cmd, stdin_path=None, stdout_path=None, env=None, expect=(0,), rss=True):
    """Runs one whole process; returns a Sample. Fails loudly on an unexpected exit status.

    Wall time is taken here around the process; CPU time (user+sys) from wait4's rusage. Peak RSS
    comes from GNU time (%M) wrapped around the command when rss=True: wait4's ru_maxrss of a child
    forked from Python would report Python's own RSS as a floor (Linux carries the pre-exec high
    water mark over exec), GNU time's is about 2 MB. The wrapper costs both sides of a comparison
    the same ~1 ms; the millisecond-scale comparisons (f, g) run without it (rss=False)."""
    if rss:
        cmd = ["/usr/bin/time", "-f", "%M", "-o", RSS_FILE] + list(cmd)
    fin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    fout = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    try:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdin=fin, stdout=fout, stderr=subprocess.PIPE, env=env)
        err = p.stderr.read()
        _, status, ru = os.wait4(p.pid, 0)
        t1 = time.perf_counter()
        p.returncode = os.waitstatus_to_exitcode(status)
        p.stderr.close()
    finally:
        if stdin_path:
            fin.close()
        if stdout_path:
            fout.close()
    rc = p.returncode
    if expect is not None and rc not in expect:
        sys.stderr.write("bench: command failed (exit %d): %s\n%s\n" % (rc, " ".join(cmd), err.decode(errors="replace")))
        raise SystemExit(1)
    rss_kb = 0
    if rss:
        with open(RSS_FILE) as f:
            # GNU time writes "Command exited with non-zero status N" first when N != 0
            rss_kb = int(f.read().split()[-1])
    return Sample(t1 - t0, ru.ru_utime + ru.ru_stime, rss_kb, rc)


class Series:
    def __init__(self, label):
        self.label = label
        self.samples = []

    def add(self, s):  # noqa: A003
        self.samples.append(s)

    def med(self, attr="wall"):
        return statistics.median(getattr(s, attr) for s in self.samples)

    def lo(self, attr="wall"):
        return min(getattr(s, attr) for s in self.samples)

    def hi(self, attr="wall"):
        return max(getattr(s, attr) for s in self.samples)

    def describe(self):
        return "%-44s wall med %s [min %s, max %s]  cpu med %s  rss med %s (n=%d)" % (
            self.label, fmt_t(self.med()), fmt_t(self.lo()), fmt_t(self.hi()), fmt_t(self.med("cpu")),
            fmt_mb(self.med("rss_kb")) if self.med("rss_kb") else "-", len(self.samples))


def interleave(specs, rounds, warmup, log):
    """specs: list of (label, fn(round_index) -> Sample, setup(round_index) or None).
    Runs `warmup` discarded rounds then `rounds` measured ones; the order inside a round rotates."""
    series = [Series(label) for label, _, _ in specs]
    total = warmup + rounds
    for r in range(total):
        order = list(range(len(specs)))
        if r % 2:
            order.reverse()
        for i in order:
            label, fn, setup = specs[i]
            if setup:
                setup(r)
            s = fn(r)
            if r >= warmup:
                series[i].add(s)
    for s in series:
        log(s.describe())
    return series


# ---------------------------------------------------------------------------- formatting


def fmt_t(sec):
    if sec is None:
        return "-"
    if sec >= 10:
        return "%.1f s" % sec
    if sec >= 1:
        return "%.2f s" % sec
    if sec >= 0.01:
        return "%.0f ms" % (sec * 1000)
    return "%.1f ms" % (sec * 1000)


def fmt_mb(kb):
    return "%.1f MB" % (kb / 1024.0)


# ---------------------------------------------------------------------------- data


def today():
    return dt.datetime.now(dt.timezone.utc).date()


def write_private(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)


def gen_csv(path, n, rng):
    """A console CSV: header, IDs LTAI + 20 [A-Za-z0-9], secrets 30 [A-Za-z0-9]; mode 0600."""
    lines = ["AccessKey ID,AccessKey Secret"]
    for _ in range(n):
        lines.append("LTAI" + "".join(rng.choices(ALNUM, k=20)) + "," + "".join(rng.choices(ALNUM, k=30)))
    write_private(path, "\n".join(lines) + "\n")


def gen_keepass_xml(path, n, rng):
    """A KeePass 2 XML export of n entries shaped like AccessKeys (title/user = ID, password = secret)."""
    def b64uuid():
        return base64.b64encode(uuid.UUID(int=rng.getrandbits(128)).bytes).decode()

    with open(path, "w") as o:
        o.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<KeePassFile><Meta>'
                "<Generator>akvault-bench</Generator><DatabaseName>bench</DatabaseName></Meta><Root><Group>"
                "<UUID>%s</UUID><Name>Root</Name>\n" % b64uuid())
        for i in range(n):
            akid = "LTAI" + "".join(rng.choices(ALNUM, k=20))
            sec = "".join(rng.choices(ALNUM, k=30))
            o.write("<Entry><UUID>%s</UUID><String><Key>Title</Key><Value>%s</Value></String>"
                    "<String><Key>UserName</Key><Value>%s</Value></String>"
                    '<String><Key>Password</Key><Value ProtectInMemory="True">%s</Value></String>'
                    "<String><Key>Notes</Key><Value>owner owner%d</Value></String></Entry>\n"
                    % (b64uuid(), akid, akid, sec, i % 20))
        o.write("</Group></Root></KeePassFile>\n")


# ---------------------------------------------------------------------------- the suite


class Suite:
    def __init__(self, args):
        self.args = args
        self.quick = args.quick
        self.ak = os.path.abspath(args.akvault)
        self.bare = os.path.abspath(args.argon2_bare)
        self.w = args.workdir
        self.rng = random.Random(20240601)
        self.rows = []  # table rows
        self.env = dict(os.environ)
        self.env["HOME"] = self.w  # never touch the real ~/.akvault
        self.env.pop("AKVAULT_VAULT", None)
        self.env["LC_ALL"] = "C"
        self.pp = os.path.join(self.w, "passphrase")
        write_private(self.pp, PASSPHRASE + "\n")
        self.kppass = os.path.join(self.w, "kp-db-pass")  # keepassxc-cli reads the db password from stdin
        write_private(self.kppass, PASSPHRASE + "\n")
        self.devnull_out = None
        scale = 10 if self.quick else 1
        self.n_import = 100000 // scale    # a
        self.n_big = 100000 // scale       # b, c, h
        self.n_small = 50                  # b, c (the 50 keys, also in quick mode)
        self.n_due_small = 1000 // scale   # h memory comparison
        self.n_kp_small = 1000 // scale    # e
        self.n_kp_big = 50000 // scale     # e
        self.groups = 20                   # created dates spread over 20 imports, 10 days apart
        self.id_counter = 0
        self.logf = open(os.path.join(self.w, "details.log"), "w")
        global RSS_FILE
        RSS_FILE = os.path.join(self.w, "gnu-time.out")

    # -- helpers
    def log(self, text=""):
        print(text, flush=True)
        self.logf.write(text + "\n")
        self.logf.flush()

    def ak_cmd(self, vault, *rest, passphrase=False):
        cmd = [self.ak, "--vault", vault]
        if passphrase:
            cmd += ["--passphrase-file", self.pp]
        return cmd + list(rest)

    def vault_dir(self, name):
        d = os.path.join(self.w, name)
        if os.path.exists(d):
            shutil.rmtree(d)
        os.mkdir(d, 0o700)
        os.chmod(d, 0o700)
        return os.path.join(d, "vault.db")

    def copy_vault(self, src, name):
        dst = self.vault_dir(name)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(src + suffix):
                shutil.copy2(src + suffix, dst + suffix)
                os.chmod(dst + suffix, 0o600)
        return dst

    def init_vault(self, name, kdf="interactive"):
        v = self.vault_dir(name)
        run(self.ak_cmd(v, "init", "--kdf", kdf, passphrase=True), env=self.env)
        return v

    def new_id(self):
        self.id_counter += 1
        return "LTAIbench%015d" % self.id_counter

    def secret_file(self):
        p = os.path.join(self.w, "secret-line")
        if not os.path.exists(p):
            write_private(p, SECRET + "\n")
        return p

    def import_groups(self, vault, per_group, group_order, snapshot_after=None, snapshot_name=None):
        """Imports len(group_order) CSVs of per_group rows; group g is created 10*g days ago, with
        owners spread over 20 names and apps over 5, rotate-days 90: groups 9..19 (55%) are due."""
        snap = None
        for k, g in enumerate(group_order):
            csv = os.path.join(self.w, "group.csv")
            gen_csv(csv, per_group, self.rng)
            created = (today() - dt.timedelta(days=10 * g)).isoformat()
            run(self.ak_cmd(vault, "import", csv, "--owner", "owner%02d" % (g % 20), "--app", "app%d" % (g % 5),
                            "--created", created, "--rotate-days", "90", passphrase=True), env=self.env)
            if snapshot_after is not None and k + 1 == snapshot_after:
                snap = self.copy_vault(vault, snapshot_name)
        return snap

    def row(self, bench, akv, ref, ratio, target, verdict, cpu_ratio="-"):
        self.rows.append((bench, akv, ref, ratio, target, verdict, cpu_ratio))

    # -- data set-up
    def setup(self):
        model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
        mem = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
        self.log("== machine: %d cores, %s, %.1f GiB RAM, load average at start %s" % (
            os.cpu_count(), model, mem / 1048576.0, " ".join(open("/proc/loadavg").read().split()[:3])))
        self.log("== set-up (data in %s)" % self.w)
        t0 = time.time()
        self.v_empty = self.init_vault("empty")
        # 50 keys
        self.v50 = self.init_vault("v50")
        self.import_groups(self.v50, self.n_small, [10])
        # 1,000 keys (100 in quick mode), dates spread like the big one
        self.v1k = self.init_vault("v1k")
        self.import_groups(self.v1k, self.n_kp_small // self.groups, range(self.groups))
        # 100,000 keys; the even groups first, so the snapshot after 10 imports is a 50,000-key vault
        # with the same spread of dates (for e)
        self.v100k = self.init_vault("v100k")
        order = list(range(0, self.groups, 2)) + list(range(1, self.groups, 2))
        self.v50k = self.import_groups(self.v100k, self.n_big // self.groups, order,
                                       snapshot_after=self.groups // 2, snapshot_name="v50k")
        # 1,000-key vault for h memory (same spread); in full mode it is v1k
        self.v_due_small = self.v1k
        self.log("vaults: 50, %d, %d, %d keys (--kdf interactive), built in %.0f s"
                 % (self.n_kp_small, self.n_kp_big, self.n_big, time.time() - t0))

    # ---------------------------------------------------------------- a. import
    def bench_import(self):
        n = self.n_import
        self.log("\n== a. import of %d console-CSV rows vs sqlite3 .import (plain table)" % n)
        csv = os.path.join(self.w, "import.csv")
        gen_csv(csv, n, self.rng)
        plain = os.path.join(self.w, "plain-import.db")
        state = {}

        def setup_ak(r):
            state["v"] = self.copy_vault(self.v_empty, "a-import")

        def ak(r):
            return run(self.ak_cmd(state["v"], "import", csv, "--owner", "alice", "--app", "web", passphrase=True),
                       env=self.env)

        def setup_sq(r):
            if os.path.exists(plain):
                os.remove(plain)

        def sq(r):
            return run(["sqlite3", plain, ".mode csv", ".import %s keys" % csv], env=self.env)

        # The unlock-only command runs on the vault the latest import produced (round 0 imports first;
        # later rounds alternate the order, and the import's set-up only replaces that vault right
        # before the next import): `config get` with the passphrase does the one Argon2id and then
        # verifies one setting's MAC (see d for the count).
        def unlock(r):
            return run(self.ak_cmd(state["v"], "config", "get", "rotate-days", passphrase=True), env=self.env)

        # 7 rounds: the three series are a few hundred milliseconds each, and the medians of 3 moved
        # the ratio by 0.2 between runs on a shared machine.
        rounds = 7
        s_ak, s_sq, s_un = interleave([("akvault import (%d rows)" % n, ak, setup_ak),
                                       ("sqlite3 .import (%d rows)" % n, sq, setup_sq),
                                       ("akvault config get (unlock only)", unlock, None)], rounds, 1, self.log)
        self.v_sameday = state["v"]  # 100,000 keys created the same day: used again by h
        raw, ref, unl = s_ak.med(), s_sq.med(), s_un.med()
        net = raw - unl
        cpu_net = s_ak.med("cpu") - s_un.med("cpu")
        self.log("import raw %s, unlock %s, net %s; sqlite3 %s; net ratio %.1fx (cpu net ratio %.1fx); "
                 "import peak RSS %s" % (fmt_t(raw), fmt_t(unl), fmt_t(net), fmt_t(ref), net / ref,
                                         cpu_net / s_sq.med("cpu"), fmt_mb(s_ak.med("rss_kb"))))
        self.row("a. import %dk rows, net of unlock" % (n // 1000), "%s (raw %s, unlock %s)" % (fmt_t(net), fmt_t(raw), fmt_t(unl)),
                 "sqlite3 .import %s" % fmt_t(ref), "%.1fx" % (net / ref), "<= 3x",
                 "PASS" if net <= 3 * ref else "MISS", "%.1fx" % (cpu_net / s_sq.med("cpu")))

    # ---------------------------------------------------------------- b. add, 100k vs 50
    def bench_add_scaling(self):
        self.log("\n== b. one add into %d keys vs one add into %d keys" % (self.n_big, self.n_small))
        big = self.copy_vault(self.v100k, "b-big")
        small = self.copy_vault(self.v50, "b-small")
        sec = self.secret_file()

        def adder(v):
            return lambda r: run(self.ak_cmd(v, "add", "--owner", "bob", "--app", "bench", "--id", self.new_id(),
                                             passphrase=True), stdin_path=sec, env=self.env)

        def unlocker(v):
            return lambda r: run(self.ak_cmd(v, "config", "get", "rotate-days", passphrase=True), env=self.env)

        s_big, s_small, u_big, u_small = interleave([
            ("akvault add into %d keys" % self.n_big, adder(big), None),
            ("akvault add into %d keys" % self.n_small, adder(small), None),
            ("unlock only (config get), %d keys" % self.n_big, unlocker(big), None),
            ("unlock only (config get), %d keys" % self.n_small, unlocker(small), None)], 7, 1, self.log)
        ratio = s_big.med() / s_small.med()
        net_big, net_small = s_big.med() - u_big.med(), s_small.med() - u_small.med()
        self.log("raw ratio %.2fx; net of unlock: %s vs %s (%+.1f ms)" % (ratio, fmt_t(net_big), fmt_t(net_small),
                                                                        (net_big - net_small) * 1000))
        self.row("b. add into %dk keys vs 50 keys" % (self.n_big // 1000),
                 "%s (net %s)" % (fmt_t(s_big.med()), fmt_t(net_big)),
                 "%s (net %s)" % (fmt_t(s_small.med()), fmt_t(net_small)), "%.2fx" % ratio, "<= 1.25x",
                 "PASS" if ratio <= 1.25 else "MISS", "%.2fx" % (s_big.med("cpu") / s_small.med("cpu")))

    # ---------------------------------------------------------------- c. list --json memory
    def bench_list_memory(self):
        self.log("\n== c. list --json peak RSS (GNU time %%M), %d vs %d keys" % (self.n_small, self.n_big))
        res = {}
        for n, v in ((self.n_small, self.v50), (self.n_big, self.v100k)):
            rss, walls = [], []
            for _ in range(3):
                s = run(self.ak_cmd(v, "--json", "list"), env=self.env)
                rss.append(s.rss_kb)
                walls.append(s.wall)
            res[n] = (statistics.median(rss), statistics.median(walls))
            self.log("list --json, %6d keys: peak RSS %s (runs: %s), wall %s" % (
                n, fmt_mb(res[n][0]), ", ".join(fmt_mb(x) for x in rss), fmt_t(res[n][1])))
        delta = (res[self.n_big][0] - res[self.n_small][0]) / 1024.0
        self.row("c. list --json RSS growth 50 -> %dk" % (self.n_big // 1000),
                 "%s at %dk" % (fmt_mb(res[self.n_big][0]), self.n_big // 1000),
                 "%s at 50" % fmt_mb(res[self.n_small][0]), "+%.1f MB" % delta, "< +32 MB",
                 "PASS" if delta < 32 else "MISS")

    # ---------------------------------------------------------------- d. Argon2id count
    def kdf_count(self, cmd, stdin_path=None, expect=(0,)):
        """Argon2id derivations the command runs, counted under strace as the allocations of
        Argon2id's memory: libsodium maps each derivation's m_cost in one
        mmap(NULL, mem, PROT_READ|PROT_WRITE, ...|MAP_POPULATE). Every KDF here costs 64 MiB
        (vaults at --kdf interactive, bundles at 64 MiB). Unlike tracing library calls (ltrace),
        this sees through the static libsodium that akvault links (docs/design.md)."""
        out = os.path.join(self.w, "strace.out")
        run(["strace", "-f", "-qq", "-e", "trace=mmap", "-o", out] + cmd, stdin_path=stdin_path, env=self.env,
            expect=expect)
        pat = re.compile(r"mmap\(NULL, (\d+), PROT_READ\|PROT_WRITE, [^,]*MAP_POPULATE")
        deriving = 0
        with open(out) as f:
            for line in f:
                m = pat.search(line)
                if m and int(m.group(1)) == KDF_MEM_BYTES:
                    deriving += 1
        return deriving

    def bench_kdf_count(self):
        self.log("\n== d. Argon2id derivations per command")
        ok = True
        if shutil.which("strace"):
            v = self.copy_vault(self.v1k, "d-count")
            sec = self.secret_file()
            csv = os.path.join(self.w, "d.csv")
            gen_csv(csv, 3, self.rng)
            key = self.new_id()
            run(self.ak_cmd(v, "add", "--owner", "dora", "--id", key, passphrase=True), stdin_path=sec, env=self.env)
            idf = os.path.join(self.w, "d-identity")
            pub = subprocess.run([self.ak, "keygen", "--out", idf], capture_output=True, text=True, env=self.env,
                                 check=True).stdout.strip().split()[-1]
            pw = os.path.join(self.w, "d-bundle-pw")
            b_rec, b_pw = os.path.join(self.w, "d-rec.akb"), os.path.join(self.w, "d-pw.akb")
            rk = self.new_id()
            cases = [
                ("list", self.ak_cmd(v, "list"), None, (0,), 0),
                ("list --json", self.ak_cmd(v, "--json", "list"), None, (0,), 0),
                ("due", self.ak_cmd(v, "due"), None, (0, 13), 0),
                ("log", self.ak_cmd(v, "log"), None, (0,), 0),
                ("show (no --reveal)", self.ak_cmd(v, "show", key), None, (0,), 0),
                ("check", self.ak_cmd(v, "check", passphrase=True), None, (0,), 1),
                ("config get --passphrase-file", self.ak_cmd(v, "config", "get", "rotate-days", passphrase=True), None, (0,), 1),
                ("show --reveal", self.ak_cmd(v, "show", key, "--reveal", passphrase=True), None, (0,), 1),
                ("add", self.ak_cmd(v, "add", "--owner", "dora", "--id", self.new_id(), passphrase=True), sec, (0,), 1),
                ("import (3 rows)", self.ak_cmd(v, "import", csv, "--owner", "dora", passphrase=True), None, (0,), 1),
                ("rotate", self.ak_cmd(v, "rotate", key, "--new-id", rk, passphrase=True), sec, (0,), 1),
                ("retire", self.ak_cmd(v, "retire", key, passphrase=True), None, (0,), 1),
                ("export --recipient", self.ak_cmd(v, "export", rk, "--out", b_rec, "--recipient", pub, passphrase=True), None, (0,), 1),
                ("export (password bundle: unlock + bundle KDF)",
                 self.ak_cmd(v, "export", rk, "--out", b_pw, "--password-file", pw, passphrase=True), None, (0,), 2),
                ("open --identity (no vault)", [self.ak, "open", b_rec, "--identity", idf], None, (0,), 0),
                ("open --password-file (bundle KDF)", [self.ak, "open", b_pw, "--password-file", pw], None, (0,), 1),
            ]
            bad = []
            for label, cmd, stdin, expect, want in cases:
                got = self.kdf_count(cmd, stdin, expect)
                mark = "ok" if got == want else "UNEXPECTED"
                if got != want:
                    bad.append(label)
                self.log("  %-48s Argon2id derivations: %d (expected %d) %s" % (label, got, want, mark))
            ok = not bad
            self.row("d. Argon2id runs per command (strace)", "%d/%d commands as expected" % (len(cases) - len(bad), len(cases)),
                     "unlocking: 1, metadata: 0", "-", "exact", "PASS" if ok else "MISS (%s)" % ", ".join(bad))
        else:
            self.log("  strace not installed: counting skipped, timing only")

        # timing: a --kdf sensitive vault (1 GiB, 4 passes) against a bare derivation at the same cost
        v = self.init_vault("d-sensitive", "sensitive")
        csv = os.path.join(self.w, "d-sens.csv")
        gen_csv(csv, 50, self.rng)
        run(self.ak_cmd(v, "import", csv, "--owner", "sam", passphrase=True), env=self.env)
        specs = [
            ("list (sensitive vault)", lambda r: run(self.ak_cmd(v, "list"), env=self.env), None),
            ("due (sensitive vault)", lambda r: run(self.ak_cmd(v, "due"), env=self.env, expect=(0, 13)), None),
            ("check (sensitive vault)", lambda r: run(self.ak_cmd(v, "check", passphrase=True), env=self.env), None),
            ("argon2_bare 4 passes 1024 MiB", lambda r: run([self.bare, "4", "1024"], env=self.env), None),
        ]
        s_list, s_due, s_check, s_bare = interleave(specs, 1 if self.quick else 3, 0 if self.quick else 1, self.log)
        ratio = s_check.med() / s_bare.med()
        meta_ms = max(s_list.med(), s_due.med())
        self.row("d. list/due on a sensitive vault", "%s / %s" % (fmt_t(s_list.med()), fmt_t(s_due.med())),
                 "1 derivation %s" % fmt_t(s_bare.med()), "%.3fx" % (meta_ms / s_bare.med()), "milliseconds",
                 "PASS" if meta_ms < 0.1 * s_bare.med() else "MISS")
        self.row("d. check on a sensitive vault", fmt_t(s_check.med()), "1 derivation %s" % fmt_t(s_bare.med()),
                 "%.2fx" % ratio, "~1 derivation (< 1.5x)", "PASS" if ratio < 1.5 else "MISS",
                 "%.2fx" % (s_check.med("cpu") / s_bare.med("cpu")))

    # ---------------------------------------------------------------- e. KeePassXC
    def bench_keepassxc(self):
        if not shutil.which("keepassxc-cli"):
            self.log("\n== e. skipped: keepassxc-cli not installed")
            return
        self.log("\n== e. add into %d and %d entries: akvault vs keepassxc-cli (headline)" % (self.n_kp_small, self.n_kp_big))
        sec = self.secret_file()
        kp_add_in = os.path.join(self.w, "kp-add-stdin")  # db password, then the entry's password
        write_private(kp_add_in, PASSPHRASE + "\n" + SECRET + "\n")
        for n, src in ((self.n_kp_small, self.v1k), (self.n_kp_big, self.v50k)):
            xml = os.path.join(self.w, "kp%d.xml" % n)
            kdbx = os.path.join(self.w, "kp%d.kdbx" % n)
            gen_keepass_xml(xml, n, self.rng)
            t0 = time.time()
            imp_in = os.path.join(self.w, "kp-import-stdin")
            write_private(imp_in, PASSPHRASE + "\n" + PASSPHRASE + "\n")
            # -t 200: KDF tuned to ~200 ms, close to akvault's interactive Argon2id on the same machine
            run(["keepassxc-cli", "import", "-q", "-p", "-t", "200", xml, kdbx], stdin_path=imp_in, env=self.env)
            os.remove(xml)
            self.log("built %s (%d entries) with keepassxc-cli import in %.1f s, %.1f MB on disk"
                     % (os.path.basename(kdbx), n, time.time() - t0, os.path.getsize(kdbx) / 1e6))
            v = self.copy_vault(src, "e-%d" % n)

            def ak(r, v=v):
                return run(self.ak_cmd(v, "add", "--owner", "bob", "--id", self.new_id(), passphrase=True),
                           stdin_path=sec, env=self.env)

            def kp(r, kdbx=kdbx):
                return run(["keepassxc-cli", "add", "-q", "-p", "-u", "bench", kdbx, "bench%d" % self.new_id_num()],
                           stdin_path=kp_add_in, env=self.env)

            rounds = 5 if n <= 5000 else 3
            s_ak, s_kp = interleave([("akvault add, %d keys" % n, ak, None), ("keepassxc-cli add, %d entries" % n, kp, None)],
                                    rounds, 1, self.log)
            self.row("e. add at %d entries (info)" % n, "%s, %s" % (fmt_t(s_ak.med()), fmt_mb(s_ak.med("rss_kb"))),
                     "keepassxc-cli %s, %s" % (fmt_t(s_kp.med()), fmt_mb(s_kp.med("rss_kb"))),
                     "%.2fx (%.0fx faster)" % (s_ak.med() / s_kp.med(), s_kp.med() / s_ak.med()), "context", "-",
                     "%.2fx" % (s_ak.med("cpu") / s_kp.med("cpu")))

    def new_id_num(self):
        self.id_counter += 1
        return self.id_counter

    # ---------------------------------------------------------------- f, g. open
    def bundle_payload_plain_bytes(self, path):
        b = open(path, "rb").read()
        mode = b[50]
        if mode == 2:
            off = 52 + 80 * b[51] + 32 + 24
        elif mode == 1:
            off = 184 + 24
        else:
            off = 81 + 120 * b[80] + 32 + 24
        return int.from_bytes(b[off:off + 4], "big") - 16

    def bench_open(self):
        self.log("\n== f. open of a one-recipient bundle vs age -d (same payload size)")
        v = self.copy_vault(self.v1k, "f-vault")
        key = self.new_id()
        run(self.ak_cmd(v, "add", "--owner", "fay", "--app", "svc", "--id", key, passphrase=True),
            stdin_path=self.secret_file(), env=self.env)
        idf = os.path.join(self.w, "f-identity")
        pub = subprocess.run([self.ak, "keygen", "--out", idf], capture_output=True, text=True, env=self.env,
                             check=True).stdout.strip().split()[-1]
        bundle = os.path.join(self.w, "f.akb")
        run(self.ak_cmd(v, "export", key, "--out", bundle, "--recipient", pub, "--expires-in", "30", passphrase=True),
            env=self.env)
        size = self.bundle_payload_plain_bytes(bundle)
        agekey = os.path.join(self.w, "age-key.txt")
        run(["age-keygen", "-o", agekey], env=self.env)
        agepub = [l.split(":", 1)[1].strip() for l in open(agekey) if l.startswith("# public key:")][0]
        plain = os.path.join(self.w, "age-plain")
        with open(plain, "wb") as f:
            f.write(os.urandom(size))
        agefile = os.path.join(self.w, "f.age")
        run(["age", "-r", agepub, "-o", agefile, plain], env=self.env)
        self.log("bundle %d bytes (payload %d bytes of plaintext); age file %d bytes of the same plaintext size"
                 % (os.path.getsize(bundle), size, os.path.getsize(agefile)))
        s_ak, s_age = interleave([
            ("akvault open --identity --format env", lambda r: run([self.ak, "open", bundle, "--identity", idf,
                                                                   "--format", "env"], env=self.env, rss=False), None),
            ("age -d -i key.txt", lambda r: run(["age", "-d", "-i", agekey, agefile], env=self.env, rss=False), None)],
            30 if self.quick else 60, 5, self.log)
        ratio = s_ak.med() / s_age.med()
        self.row("f. open recipient bundle vs age -d", fmt_t(s_ak.med()), "age -d %s" % fmt_t(s_age.med()),
                 "%.2fx" % ratio, "<= 0.5x", "PASS" if ratio <= 0.5 else "MISS",
                 "%.2fx" % (s_ak.med("cpu") / s_age.med("cpu")))
        self.hyperfine_crosscheck([[self.ak, "open", bundle, "--identity", idf, "--format", "env"],
                                   ["age", "-d", "-i", agekey, agefile]])

        self.log("\n== g. open of a password bundle vs one bare Argon2id (ops 3, 64 MiB), whole processes")
        pw = os.path.join(self.w, "g-bundle-pw")
        pbundle = os.path.join(self.w, "g.akb")
        run(self.ak_cmd(v, "export", key, "--out", pbundle, "--password-file", pw, "--expires-in", "30",
                        passphrase=True), env=self.env)
        s_ak, s_bare = interleave([
            ("akvault open --password-file --format env", lambda r: run([self.ak, "open", pbundle, "--password-file", pw,
                                                                        "--format", "env"], env=self.env, rss=False), None),
            ("argon2_bare 3 64", lambda r: run([self.bare, "3", "64"], env=self.env, rss=False), None)],
            10 if self.quick else 25, 2, self.log)
        ratio = s_ak.med() / s_bare.med()
        self.row("g. open password bundle vs bare Argon2id", fmt_t(s_ak.med()), "argon2_bare %s" % fmt_t(s_bare.med()),
                 "%.3fx" % ratio, "<= 1.05x", "PASS" if ratio <= 1.05 else "MISS",
                 "%.3fx" % (s_ak.med("cpu") / s_bare.med("cpu")))
        self.hyperfine_crosscheck([[self.ak, "open", pbundle, "--password-file", pw, "--format", "env"],
                                   [self.bare, "3", "64"]], runs=10)

    def hyperfine_crosscheck(self, cmds, runs=None):
        """hyperfine's view of the same pair (not interleaved: one command's runs, then the other's)."""
        if not shutil.which("hyperfine"):
            return
        out = os.path.join(self.w, "hyperfine.json")
        args = ["hyperfine", "-N", "--warmup", "3", "--export-json", out, "--style", "none"]
        if runs:
            args += ["--runs", str(runs)]
        args += [" ".join(c) for c in cmds]
        subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=self.env, check=True)
        res = json.load(open(out))["results"]
        a, b = res[0], res[1]
        self.log("hyperfine cross-check: %s +- %s vs %s +- %s -> ratio %.2fx (mean)" % (
            fmt_t(a["mean"]), fmt_t(a["stddev"] or 0), fmt_t(b["mean"]), fmt_t(b["stddev"] or 0), a["mean"] / b["mean"]))

    # ---------------------------------------------------------------- h. due
    def bench_due(self):
        self.log("\n== h. due --json over %d keys vs sqlite3 -json on a plain table" % self.n_big)
        plain = os.path.join(self.w, "plain-due.db")
        if os.path.exists(plain):
            os.remove(plain)
        listing = os.path.join(self.w, "list.json")
        run(self.ak_cmd(self.v100k, "--json", "list", "--all"), stdout_path=listing, env=self.env)
        rows = json.load(open(listing))
        os.remove(listing)
        db = sqlite3.connect(plain)
        db.execute("CREATE TABLE keys (akid TEXT PRIMARY KEY, owner TEXT, app TEXT, status TEXT, created TEXT, "
                   "rotate_days INTEGER, due TEXT)")
        db.executemany("INSERT INTO keys VALUES (?,?,?,?,?,?,?)",
                       [(r["akid"], r["owner"], r["app"], r["status"], r["created"], r["rotate_days"], r["due"])
                        for r in rows])
        db.execute("CREATE INDEX keys_due ON keys (due)")
        db.commit()
        db.close()
        query = ("SELECT akid, owner, app, status, due, CAST(julianday(due) - julianday('now', 'start of day') AS INTEGER)"
                 " AS days_left FROM keys WHERE status = 'active' AND due <= date('now') ORDER BY due")
        out = os.path.join(self.w, "due.out")
        run(self.ak_cmd(self.v100k, "--json", "due"), stdout_path=out, env=self.env, expect=(13,))
        n_due = len(json.load(open(out)))
        run(["sqlite3", "-json", plain, query], stdout_path=out, env=self.env)
        n_sql = len(json.load(open(out)))
        self.log("keys due: akvault %d, sqlite3 query %d (of %d)" % (n_due, n_sql, len(rows)))
        s_ak, s_sq, s_small = interleave([
            ("akvault --json due, %d keys" % self.n_big,
             lambda r: run(self.ak_cmd(self.v100k, "--json", "due"), env=self.env, expect=(13,)), None),
            ("sqlite3 -json SELECT ... ORDER BY due", lambda r: run(["sqlite3", "-json", plain, query], env=self.env), None),
            ("akvault --json due, %d keys" % self.n_due_small,
             lambda r: run(self.ak_cmd(self.v_due_small, "--json", "due"), env=self.env, expect=(13,)), None),
        ], 7, 1, self.log)
        ratio = s_ak.med() / s_sq.med()
        self.row("h. due --json, %dk keys (%dk due)" % (self.n_big // 1000, n_due // 1000), fmt_t(s_ak.med()),
                 "sqlite3 -json %s" % fmt_t(s_sq.med()), "%.2fx" % ratio, "<= 2x", "PASS" if ratio <= 2 else "MISS",
                 "%.2fx" % (s_ak.med("cpu") / s_sq.med("cpu")))
        grow = (s_ak.med("rss_kb") - s_small.med("rss_kb")) / 1024.0
        self.row("h. due --json RSS %d -> %dk keys" % (self.n_due_small, self.n_big // 1000),
                 "%s at %dk" % (fmt_mb(s_ak.med("rss_kb")), self.n_big // 1000),
                 "%s at %d" % (fmt_mb(s_small.med("rss_kb")), self.n_due_small), "%+.1f MB" % grow,
                 "flat (< +4 MB)", "PASS" if grow < 4 else "MISS")

        # The worst case for memory: every key due the same day (one big import). The keys of a's vault
        # were all created today, so --within 100 lists all of them.
        same = getattr(self, "v_sameday", None)
        if not same:
            same = self.copy_vault(self.v_empty, "h-sameday")
            csv = os.path.join(self.w, "h-sameday.csv")
            gen_csv(csv, self.n_big, self.rng)
            run(self.ak_cmd(same, "import", csv, "--owner", "alice", passphrase=True), env=self.env)
        s_same, s_small2 = interleave([
            ("akvault --json due --within 100, %d keys, 1 day" % self.n_big,
             lambda r: run(self.ak_cmd(same, "--json", "due", "--within", "100"), env=self.env, expect=(13,)), None),
            ("akvault --json due --within 100, %d keys" % self.n_due_small,
             lambda r: run(self.ak_cmd(self.v_due_small, "--json", "due", "--within", "100"), env=self.env,
                           expect=(13,)), None)], 3, 0, self.log)
        grow = (s_same.med("rss_kb") - s_small2.med("rss_kb")) / 1024.0
        self.row("h. due RSS, all %dk due the same day" % (self.n_big // 1000),
                 "%s at %dk" % (fmt_mb(s_same.med("rss_kb")), self.n_big // 1000),
                 "%s at %d" % (fmt_mb(s_small2.med("rss_kb")), self.n_due_small), "%+.1f MB" % grow,
                 "flat (< +4 MB)", "PASS" if grow < 4 else "MISS")

    # ---------------------------------------------------------------- table
    def table(self):
        head = ("benchmark", "akvault", "reference", "ratio", "target", "verdict", "cpu ratio")
        rows = [head] + self.rows
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        lines = ["| " + " | ".join(c.ljust(widths[i]) for i, c in enumerate(r)) + " |" for r in rows]
        lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
        return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--akvault", required=True)
    ap.add_argument("--argon2-bare", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--workdir")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--only", default="a,b,c,d,e,f,h", help="comma-separated subset of a,b,c,d,e,f (f runs f and g),h")
    ap.add_argument("--out", help="also write the table (markdown) here")
    args = ap.parse_args()
    made = False
    if not args.workdir:
        args.workdir = tempfile.mkdtemp(prefix="akvault-bench.")
        made = True
    os.makedirs(args.workdir, exist_ok=True)
    os.chmod(args.workdir, 0o700)
    args.workdir = os.path.realpath(args.workdir)
    t0 = time.time()
    s = Suite(args)
    only = set(args.only.split(","))
    try:
        s.setup()
        if "a" in only:
            s.bench_import()
        if "b" in only:
            s.bench_add_scaling()
        if "c" in only:
            s.bench_list_memory()
        if "d" in only:
            s.bench_kdf_count()
        if "e" in only:
            s.bench_keepassxc()
        if "f" in only or "g" in only:
            s.bench_open()
        if "h" in only:
            s.bench_due()
    finally:
        elapsed = time.time() - t0
        table = s.table()
        s.log("\n== results (%s run, %.1f min; medians of interleaved runs; ratio = akvault / reference; "
              "cpu ratio = the same with user+sys CPU time)" % ("QUICK smoke" if args.quick else "full", elapsed / 60))
        s.log(table)
        if args.out:
            with open(args.out, "w") as f:
                f.write(table + "\n")
        if made and not args.keep:
            shutil.rmtree(args.workdir, ignore_errors=True)
        else:
            print("data kept in %s (details.log has every series)" % args.workdir)
    misses = [r for r in s.rows if r[5].startswith("MISS")]
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())

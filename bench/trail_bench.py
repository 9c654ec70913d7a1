#!/usr/bin/env python3
"""`akvault trail` side by side with jq and ripgrep, in one run, on one JSON
Lines file of ActionTrail events from bench/trail_gen.py (docs/benchmarks.md,
"trail").

    trail_bench.py --akvault PATH [--mb 200] [--rounds 3] [--workdir DIR] [--parsers PATH]

Rows:
  trail    akvault trail --json FILE (the whole per-key report, vault read
           without a passphrase as in the how-to)
  jq       jq computing only the per-key call counts and the VPC/internet split
  rg       rg -c accessKeyId FILE (the cost of reading the bytes)
Targets (issue 13): trail <= 0.1 x jq, trail <= 3 x rg, trail peak RSS < 64 MB.
Each command is a whole process (wall time; peak RSS from GNU time);
the three run interleaved round by round, the order rotating, after a warm-up
round that also puts the file in the page cache. Medians are printed.
With --parsers, also runs bench/trail_parsers.cc (akvault's reader, nlohmann
SAX and simdjson in one process on the same bytes).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PASSPHRASE = "correct horse battery staple"
JQ_PROGRAM = ('reduce (inputs | select(.userIdentity.accessKeyId != null)) as $e ({}; '
              '.[$e.userIdentity.accessKeyId] |= (. // {calls: 0, vpc: 0, internet: 0}) '
              '| .[$e.userIdentity.accessKeyId].calls += 1 '
              '| if ($e.vpcId // "") != "" then .[$e.userIdentity.accessKeyId].vpc += 1 '
              'else .[$e.userIdentity.accessKeyId].internet += 1 end)')


def run(argv, env=None, stdout=subprocess.DEVNULL):
    """Wall time and peak RSS (KiB) of one process. The peak comes from GNU
    time: a child forked straight from this Python process has Python's own
    resident size counted in its ru_maxrss."""
    with tempfile.NamedTemporaryFile("r") as rss:
        t0 = time.monotonic()
        proc = subprocess.Popen(["/usr/bin/time", "-q", "-f", "%M", "-o", rss.name] + argv, env=env, stdout=stdout,
                                stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        _, status, _ = os.wait4(proc.pid, 0)
        wall = time.monotonic() - t0
        return wall, int(rss.read().split()[-1]), os.waitstatus_to_exitcode(status)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--akvault", required=True)
    p.add_argument("--mb", type=int, default=200)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--workdir")
    p.add_argument("--keep", action="store_true")
    p.add_argument("--parsers")
    args = p.parse_args()
    if not os.path.exists("/usr/bin/time"):
        sys.exit("trail_bench: /usr/bin/time is required (apt-get install time)")
    for tool in ("jq", "rg"):
        if not shutil.which(tool):
            sys.exit("trail_bench: %s is required (apt-get install %s)" % (tool, "ripgrep" if tool == "rg" else tool))
    work = args.workdir or tempfile.mkdtemp(prefix="akv-trail-bench-")
    os.makedirs(work, exist_ok=True)
    events = os.path.join(work, "events.jsonl")
    count = int(args.mb * 1e6 / 1052)  # the generator's events average ~1,052 bytes
    if not os.path.exists(events):
        subprocess.run([sys.executable, os.path.join(HERE, "trail_gen.py"), "events", "--count", str(count),
                        "--shape", "jsonl", events], check=True)
    size = os.path.getsize(events)
    home = os.path.join(work, "home")
    env = dict(os.environ, HOME=home)
    vault_dir = os.path.join(home, ".akvault")
    if not os.path.exists(os.path.join(vault_dir, "vault.db")):
        os.makedirs(home, exist_ok=True)
        pw = os.path.join(work, "pass")
        with open(pw, "w") as f:
            f.write(PASSPHRASE + "\n")
        os.chmod(pw, 0o600)
        subprocess.run([args.akvault, "--passphrase-file", pw, "init", "--kdf", "interactive"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        keys = subprocess.run([sys.executable, os.path.join(HERE, "trail_gen.py"), "keys"], check=True,
                              stdout=subprocess.PIPE).stdout.decode().splitlines()
        for line in keys:
            k = json.loads(line)
            subprocess.run([args.akvault, "--passphrase-file", pw, "add", "--owner", k["owner"], "--app", k["app"],
                            "--id", k["akid"]], input=b"bH6xnAbnBEoonCrbZINl91huSS6AZP\n", env=env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for entry in k["policy"] or []:
                subprocess.run([args.akvault, "--passphrase-file", pw, "policy", k["akid"], "--allow", entry],
                               env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cmds = {
        "trail": [args.akvault, "trail", "--json", events],
        "jq": ["jq", "-n", "-c", JQ_PROGRAM, events],
        "rg": ["rg", "-c", "accessKeyId", events],
    }
    # Same answer check: trail's per-key calls and split equal jq's.
    out = subprocess.run(cmds["trail"], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    trail_keys = {k["akid"]: (k["calls"], k["vpc_calls"], k["internet_calls"]) for k in json.loads(out)["keys"]}
    jq_out = json.loads(subprocess.run(cmds["jq"], stdout=subprocess.PIPE, check=True).stdout)
    jq_keys = {k: (v["calls"], v["vpc"], v["internet"]) for k, v in jq_out.items() if not k.startswith("STS.")}
    agree = trail_keys == jq_keys
    samples = {name: [] for name in cmds}
    order = list(cmds)
    for r in range(args.rounds + 1):
        for name in order:
            wall, rss, _ = run(cmds[name], env=env)
            if r > 0:  # round 0 warms up the page cache and is discarded
                samples[name].append((wall, rss))
        order = order[1:] + order[:1]
    med = {n: statistics.median(w for w, _ in s) for n, s in samples.items()}
    rss = {n: max(m for _, m in s) for n, s in samples.items()}
    print("trail benchmark: %.0f MB JSON Lines, %d events, %d rounds, %d cores, load %s" %
          (size / 1e6, count, args.rounds, os.cpu_count(), open("/proc/loadavg").read().split()[0]))
    print("%-6s %9s %9s %10s  %s" % ("tool", "median s", "MB/s", "peak MiB", "spread (min..max s)"))
    for n in cmds:
        ws = [w for w, _ in samples[n]]
        print("%-6s %9.2f %9.0f %10.1f  %.2f..%.2f" % (n, med[n], size / 1e6 / med[n], rss[n] / 1024, min(ws), max(ws)))
    r_jq, r_rg = med["trail"] / med["jq"], med["trail"] / med["rg"]
    ok_jq, ok_rg, ok_mem = r_jq <= 0.1, r_rg <= 3.0, rss["trail"] < 64 * 1024
    print("trail/jq %.3f (target <= 0.1: %s); trail/rg %.2f (target <= 3: %s); trail peak %.1f MiB "
          "(target < 64: %s); per-key counts agree with jq: %s" %
          (r_jq, "pass" if ok_jq else "MISS", r_rg, "pass" if ok_rg else "MISS", rss["trail"] / 1024,
           "pass" if ok_mem else "MISS", "yes" if agree else "NO"))
    if args.parsers:
        print("\nparsers (one process, bytes in memory):")
        sys.stdout.flush()
        subprocess.run([args.parsers, events, "3"], check=True)
    if not args.keep and not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok_jq and ok_rg and ok_mem and agree else 1


if __name__ == "__main__":
    sys.exit(main())

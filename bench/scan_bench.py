#!/usr/bin/env python3
"""akvault scan benchmark, side by side with ripgrep in one run (issue 12).

  bench/scan_bench.py AKVAULT_BIN [--workdir DIR] [--files N] [--mb M] [--rounds R]

1. accuracy on the corpus of bench/scan_corpus.py: recall of planted IDs and
   of the vault's secrets, false positives among the decoys;
2. tree scan, page cache warm, both on 2 cores: `akvault scan` (with the
   vault's fingerprints, and --no-vault) vs `rg -uuu -a -j2` with an
   ASCII-bounded ID regex; peak memory of akvault;
3. `scan --git --no-vault` over a repository holding the tree in 4 commits vs
   `git cat-file --batch-all-objects --batch | rg -a` with the same regex.
Prints a table with the ratios and the targets; exit 1 when a target is missed.
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
RG_REGEX = r"(?-u:\b)LTAI(?:[A-Za-z0-9]{20}|[A-Za-z0-9]{12})(?-u:\b)"
PASS = "bench passphrase for scan"


def run(argv, **kw):
    return subprocess.run(argv, check=False, capture_output=True, **kw)


CPU = {}  # last median CPU seconds (user + system, children included) per command


def timed(argv, shell=False, env=None):
    """Wall time, peak RSS (KiB) and CPU seconds of one run; output discarded."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, shell=shell, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    cpu = usage.ru_utime + usage.ru_stime
    if shell:  # a pipeline: its processes are the shell's children
        import resource
        cpu = None
    return wall, usage.ru_maxrss, cpu


def median_of(argv, rounds, shell=False, env=None):
    """Median wall time and peak RSS; the median CPU time goes to CPU[key].
    On a loaded machine wall time is mostly waiting for a core: the CPU
    time shows the work itself."""
    times, cpus, rss = [], [], 0
    for _ in range(rounds):
        if shell:
            import resource
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t, m, cpu = timed(argv, shell, env)
        if shell:
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        times.append(t)
        cpus.append(cpu)
        rss = max(rss, m)
    CPU[" ".join(argv) if not shell else argv] = statistics.median(cpus)
    return statistics.median(times), rss


def cpu_of(argv):
    return CPU[argv if isinstance(argv, str) else " ".join(argv)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("akvault")
    ap.add_argument("--workdir")
    ap.add_argument("--files", type=int, default=20000)
    ap.add_argument("--mb", type=float, default=200)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    akv = os.path.abspath(args.akvault)
    work = args.workdir or tempfile.mkdtemp(prefix="akv-scan-bench-")
    os.makedirs(work, exist_ok=True)
    os.chmod(work, 0o700)
    corpus = os.path.join(work, "corpus")
    if not os.path.exists(os.path.join(corpus, "truth.json")):
        subprocess.run([sys.executable, os.path.join(HERE, "scan_corpus.py"), corpus, "--files", str(args.files),
                        "--mb", str(args.mb)], check=True)
    tree = os.path.join(corpus, "tree")
    truth = json.load(open(os.path.join(corpus, "truth.json")))
    home = os.path.join(work, "home")
    os.makedirs(home, exist_ok=True)
    os.chmod(home, 0o755)
    env = dict(os.environ, HOME=home, AKVAULT_VAULT=os.path.join(home, ".akvault", "vault.db"))
    pf = os.path.join(work, "pass")
    with open(pf, "w") as f:
        f.write(PASS + "\n")
    os.chmod(pf, 0o600)
    if not os.path.exists(env["AKVAULT_VAULT"]):
        subprocess.run([akv, "init", "--kdf", "interactive", "--passphrase-file", pf], env=env, check=True,
                       capture_output=True)
        subprocess.run([akv, "import", os.path.join(corpus, "keys.csv"), "--owner", "bench", "--app", "corpus",
                        "--passphrase-file", pf], env=env, check=True, capture_output=True)
    rows = []
    ok = True

    # 1. accuracy
    r = run([akv, "scan", "--json", tree], env=env)
    found = json.loads(r.stdout)
    ids = {(os.path.relpath(f["path"], tree), f["access_key_id"]) for f in found if f["matched"] == "id"}
    secs = {(os.path.relpath(f["path"], tree), f["access_key_id"]) for f in found if f["matched"] == "secret"}
    want_ids = {(p, a) for p, _, a in truth["ids"]}
    want_secs = {(p, a) for p, _, a in truth["secrets"]}
    fp = len(ids - want_ids) + len(secs - want_secs)
    rid, rsec = len(ids & want_ids), len(secs & want_secs)
    acc_ok = rid == len(want_ids) and rsec == len(want_secs) and fp == 0
    ok &= acc_ok
    rows.append(("accuracy: planted IDs / vault secrets / false positives",
                 "%d/%d, %d/%d, %d FP" % (rid, len(want_ids), rsec, len(want_secs), fp), "100%, 0 FP",
                 "PASS" if acc_ok else "MISS"))
    rg = run(["rg", "-uuu", "-a", "-j2", "-o", "--no-filename", "-N", RG_REGEX, tree])
    rg_ids = set(rg.stdout.decode("latin-1").split())
    rows.append(("(rg -uuu -a, same regex: distinct IDs matched)", "%d" % len(rg_ids), "-", "-"))

    # 2. tree speed, warm cache
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(tree) for f in fs)
    for _ in range(2):  # warm the page cache
        timed(["rg", "-uuu", "-a", "-j2", "-c", RG_REGEX, tree])
    rg_cmd = ["rg", "-uuu", "-a", "-j2", "-c", RG_REGEX, tree]
    av_cmd = [akv, "scan", "--json", tree]
    nv_cmd = [akv, "scan", "--no-vault", "--json", tree]
    t_rg, _ = median_of(rg_cmd, args.rounds)
    t_av, m_av = median_of(av_cmd, args.rounds, env=env)
    t_nv, m_nv = median_of(nv_cmd, args.rounds, env=env)
    rows.append(("tree: CPU seconds (user + system): akvault vault / no vault / rg",
                 "%.3f / %.3f / %.3f" % (cpu_of(av_cmd), cpu_of(nv_cmd), cpu_of(rg_cmd)),
                 "ratio %.2f / %.2f" % (cpu_of(av_cmd) / max(cpu_of(rg_cmd), 1e-3),
                                        cpu_of(nv_cmd) / max(cpu_of(rg_cmd), 1e-3)), "-"))
    ratio = t_av / t_rg
    ok &= ratio <= 1.0 and max(m_av, m_nv) < 50 * 1024
    rows.append(("tree %.0f MB: akvault scan (vault) vs rg -uuu -a -j2" % (size / 1e6),
                 "%.3f s vs %.3f s (%.0f vs %.0f MB/s)" % (t_av, t_rg, size / t_av / 1e6, size / t_rg / 1e6),
                 "ratio %.2f <= 1.0 (aim 0.7)" % ratio, "PASS" if ratio <= 1.0 else "MISS"))
    rows.append(("tree: akvault scan --no-vault vs rg", "%.3f s" % t_nv, "ratio %.2f" % (t_nv / t_rg),
                 "PASS" if t_nv <= t_rg else "MISS"))
    rows.append(("peak memory of akvault scan (vault / no vault)", "%.1f / %.1f MB" % (m_av / 1024, m_nv / 1024),
                 "< 50 MB", "PASS" if max(m_av, m_nv) < 50 * 1024 else "MISS"))

    # 3. git history
    repo = os.path.join(work, "repo")
    if not os.path.exists(os.path.join(repo, ".git")):
        shutil.copytree(tree, repo, symlinks=True)
        genv = dict(os.environ, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@x", GIT_COMMITTER_NAME="b",
                    GIT_COMMITTER_EMAIL="b@x")
        g = ["git", "-c", "init.defaultBranch=main", "-c", "core.excludesFile=/dev/null", "-c", "gc.auto=0"]
        subprocess.run(g + ["init", "-q"], cwd=repo, check=True, env=genv)
        subprocess.run(g + ["add", "-A", "-f", "."], cwd=repo, check=True, env=genv)
        subprocess.run(g + ["commit", "-q", "-m", "c0"], cwd=repo, check=True, env=genv)
        for c in range(1, 4):  # three more commits, each changing a tenth of the files
            for d, _, fs in os.walk(repo):
                if "/.git" in d or d.endswith(".git"):
                    continue
                for i, f in enumerate(fs):
                    if (hash(f) + c) % 10 == 0:
                        with open(os.path.join(d, f), "a") as out:
                            out.write("change %d\n" % c)
            subprocess.run(g + ["commit", "-q", "-a", "-m", "c%d" % c], cwd=repo, check=True, env=genv)
        subprocess.run(["git", "gc", "-q"], cwd=repo, check=True)
    ref = "git -C %s cat-file --batch-all-objects --batch | rg -a -c '%s'" % (repo, RG_REGEX)
    timed(ref, shell=True)
    t_git_ref, _ = median_of(ref, args.rounds, shell=True)
    git_cmd = [akv, "scan", "--git", "--no-vault", "--json", repo]
    t_git, m_git = median_of(git_cmd, args.rounds, env=env)
    rows.append(("--git: CPU seconds akvault / git cat-file + rg", "%.3f / %.3f" % (cpu_of(git_cmd), cpu_of(ref)),
                 "ratio %.2f" % (cpu_of(git_cmd) / max(cpu_of(ref), 1e-3)), "-"))
    gr = t_git / t_git_ref
    ok &= gr <= 1.5
    rows.append(("--git (4 commits, gc'd): akvault vs `git cat-file --batch-all-objects --batch` piped to rg",
                 "%.3f s vs %.3f s, %.1f MB peak" % (t_git, t_git_ref, m_git / 1024), "ratio %.2f <= 1.5" % gr,
                 "PASS" if gr <= 1.5 else "MISS"))

    print("| benchmark | measured | target | verdict |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| %s |" % " | ".join(row))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

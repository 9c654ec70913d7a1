"""akvault scan end to end: every input mode (paths, -, --git, --staged,
--leak-report), every output (human, --json, --sarif), the exit status, git
history (a key committed then deleted, on a side branch), the pre-commit hook
of docs/howto-leaks.md as written, and that no secret reaches any output."""
import json
import os
import random
import shutil
import string
import subprocess
import unittest

from harness import EXIT, VaultTestCase, fake_id

ALNUM = string.ascii_letters + string.digits


def random_id(rng, legacy=False):
    return "LTAI" + "".join(rng.choice(ALNUM) for _ in range(12 if legacy else 20))


def random_secret(rng):
    return "".join(rng.choice(ALNUM) for _ in range(30))


class ScanTestCase(VaultTestCase):
    def setUp(self):
        super().setUp()
        self.rng = random.Random(12)
        self.init_vault()
        self.key_id = random_id(self.rng)
        self.key_secret = random_secret(self.rng)
        self.add_secret_key(0, "alice", "billing", akid=self.key_id, secret=self.key_secret)
        self.tree = self.path("tree")
        os.mkdir(self.tree)

    def write(self, rel, data):
        p = os.path.join(self.tree, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
        return p

    def scan(self, *args, expect="E_LEAK", **kw):
        r = self.run_akvault("scan", *args, **kw)
        self.assertEqual(r.code, EXIT[expect], r)
        for secret in self.secrets.values():
            self.assertNotIn(secret, r.out + r.err, "a secret reached the output")
        return r

    def scan_json(self, *args, **kw):
        r = self.scan("--json", *args, **kw)
        return json.loads(r.out)


class TreeScanTest(ScanTestCase):
    def test_finds_ids_and_vault_secrets_everywhere_and_no_decoy(self):
        unknown = random_id(self.rng)
        legacy = random_id(self.rng, legacy=True)
        self.write(".env", "ALIBABA_CLOUD_ACCESS_KEY_ID=%s\n" % self.key_id)
        self.write("notes/chat.txt", "我的密钥是%s，别外传\n" % self.key_secret)  # the secret alone, glued to CJK
        self.write("build/.gitignore-d/config.xml", "<AccessKeyId>%s</AccessKeyId>" % unknown)
        self.write(".gitignore", "build/\n")
        self.write("app.bin", b"\x7fELF\x02\x00" + legacy.encode() + b"\x00\xff")
        self.write("decoys.yaml", "a: LTAIxxxxxxxxxxxxxxxxxxxx\nb: LTAI5t****\nc: x%s\nd: %sQ\ne: LTAI%s\n"
                   % (unknown, unknown, "A" * 19))
        found = self.scan_json(self.tree)
        got = sorted((os.path.relpath(f["path"], self.tree), f["kind"], f["matched"], f["access_key_id"])
                     for f in found)
        self.assertEqual(got, sorted([
            (".env", "vault-key", "id", self.key_id),
            ("notes/chat.txt", "vault-key", "secret", self.key_id),
            ("build/.gitignore-d/config.xml", "unknown-key", "id", unknown),
            ("app.bin", "unknown-key", "id", legacy),
        ]))
        chat = [f for f in found if f["matched"] == "secret"][0]
        self.assertEqual((chat["line"], chat["column"]), (1, 6))
        self.assertEqual(chat["secret_masked"], self.key_secret[:3] + "*" * 27)
        self.assertEqual(chat["vault"]["owner"], "alice")
        self.assertEqual(chat["vault"]["app"], "billing")
        self.assertEqual(chat["vault"]["status"], "active")
        self.assertIn("rotate", chat["next_step"])

    def test_clean_tree_exits_0_and_says_so(self):
        self.write("src/main.py", "print('hello')\n")
        r = self.scan(self.tree, expect="OK")
        self.assertIn("0 findings in 1 files", r.out)

    def test_symlinks_not_followed_special_files_skipped(self):
        outside = self.path("outside")
        os.mkdir(outside)
        with open(os.path.join(outside, "k.txt"), "w") as f:
            f.write(self.key_id + "\n")
        os.symlink(outside, os.path.join(self.tree, "link"))
        os.symlink(os.path.join(outside, "k.txt"), os.path.join(self.tree, "k-link"))
        os.mkfifo(os.path.join(self.tree, "fifo"))  # must not hang the scan
        self.scan(self.tree, expect="OK", timeout=60)

    def test_human_output_names_owner_app_and_next_step(self):
        self.write("deploy.sh", "export ALICLOUD_ACCESS_KEY=%s\n" % self.key_id)
        r = self.scan(self.tree)
        self.assertIn("deploy.sh:1:28  vault-key", r.out)
        self.assertIn("owner alice, app billing, active", r.out)
        self.assertIn("next: rotate", r.out)
        self.assertIn("1 finding in 1 files", r.out)

    def test_stdin(self):
        r = self.scan("-", input="line one\nak=%s&sig=1\n" % self.key_id)
        self.assertIn("-:2:4  vault-key", r.out)

    def test_retired_key_and_bundles(self):
        new_id = random_id(self.rng)
        new_secret = random_secret(self.rng)
        self.watcher.watch(new_secret)
        self.secrets[new_id] = new_secret
        self.ok("rotate", self.key_id, "--new-id", new_id, "--passphrase-file", self.passfile,
                input=new_secret + "\n")
        pw = self.path("bundle.pw")
        self.ok("export", new_id, "--out", self.path("new.akb"), "--password-file", pw,
                "--passphrase-file", self.passfile)
        self.write("old.ini", "access_key_id = %s\naccess_key_secret = %s\n" % (self.key_id, new_secret))
        found = self.scan_json(self.tree)
        kinds = sorted((f["kind"], f["access_key_id"], f["matched"]) for f in found)
        self.assertEqual(kinds, sorted([("retired-key", self.key_id, "id"), ("vault-key", new_id, "secret")]))
        new = [f for f in found if f["access_key_id"] == new_id][0]
        self.assertEqual(len(new["vault"]["bundles"]), 1)
        self.assertEqual(new["vault"]["bundles"][0]["destination"], self.path("new.akb"))
        old = [f for f in found if f["access_key_id"] == self.key_id][0]
        self.assertIn("deleted in the console", old["next_step"])

    def test_sarif(self):
        self.write("a.json", '{"AccessKeyId": "%s"}' % self.key_id)
        r = self.scan("--sarif", self.tree)
        sarif = json.loads(r.out)
        self.assertEqual(sarif["version"], "2.1.0")
        run = sarif["runs"][0]
        self.assertEqual(run["tool"]["driver"]["name"], "akvault")
        self.assertEqual({rule["id"] for rule in run["tool"]["driver"]["rules"]},
                         {"vault-key", "unknown-key", "retired-key"})
        (result,) = run["results"]
        self.assertEqual(result["ruleId"], "vault-key")
        region = result["locations"][0]["physicalLocation"]["region"]
        self.assertEqual((region["startLine"], region["startColumn"]), (1, 18))

    def test_no_vault_and_missing_path(self):
        self.write("k.txt", self.key_id)
        found = self.scan_json("--no-vault", self.tree)
        self.assertEqual([f["kind"] for f in found], ["unknown-key"])
        r = self.run_akvault("scan", self.path("nope"))
        self.assertEqual(r.code, EXIT["E_NOTFOUND"], r)

    def test_control_bytes_in_a_path_are_escaped(self):
        self.write("evil\x1b[31m.txt", self.key_id)
        r = self.scan(self.tree)
        self.assertNotIn("\x1b", r.out + r.err)
        self.assertIn("evil\\x1b[31m.txt", r.out)


class FingerprintTest(ScanTestCase):
    def test_backfill_on_unlock_and_check_catches_a_forged_fingerprint(self):
        self.write("n.txt", "sk %s\n" % self.key_secret)
        self.assertEqual(len(self.scan_json(self.tree)), 1)
        # A vault from before schema 6: no fingerprints.
        self.sqlite("DELETE FROM scan_fingerprints")
        r = self.scan(self.tree, expect="OK")
        self.assertIn("1 keys of the vault have no fingerprint yet", r.err)
        self.ok("check", "--passphrase-file", self.passfile)  # unlocks: backfills
        self.assertEqual(len(self.scan_json(self.tree)), 1)
        # An attacker who rewrites a fingerprint hides the key from scan; check tells.
        self.sqlite("UPDATE scan_fingerprints SET secret_fp = zeroblob(32)")
        self.scan(self.tree, expect="OK")
        r = self.run_akvault("check", "--passphrase-file", self.passfile)
        self.assertNotEqual(r.code, 0, r)
        self.assertIn("fingerprint of %s" % self.key_id, r.out + r.err)

    def test_no_secret_or_fingerprint_key_in_clear_outside_the_vault(self):
        self.write("n.txt", "sk %s\n" % self.key_secret)
        self.scan_json(self.tree)
        self.assertNoSecretOnDisk(self.key_secret, root=self.home)


def git(cwd, *args, env=None):
    e = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
             GIT_COMMITTER_EMAIL="t@example.com", HOME=cwd)
    if env:
        e.update(env)
    return subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"] + list(args),
                          cwd=cwd, env=e, check=True, capture_output=True, text=True).stdout.strip()


@unittest.skipUnless(shutil.which("git"), "git is not installed")
class GitScanTest(ScanTestCase):
    def setUp(self):
        super().setUp()
        self.repo = self.path("repo")
        os.mkdir(self.repo)
        git(self.repo, "init", "-q")

    def commit_file(self, rel, text, message):
        with open(os.path.join(self.repo, rel), "w") as f:
            f.write(text)
        git(self.repo, "add", rel)
        git(self.repo, "commit", "-q", "-m", message)
        return git(self.repo, "rev-parse", "HEAD")

    def test_history_finds_a_deleted_key_on_a_side_branch(self):
        self.commit_file("README", "hello\n", "first")
        git(self.repo, "checkout", "-q", "-b", "side")
        leaked = self.commit_file("cfg.env", "x=1\nAK_SECRET=%s\n" % self.key_secret, "oops")
        git(self.repo, "rm", "-q", "cfg.env")
        git(self.repo, "commit", "-q", "-m", "remove it")
        git(self.repo, "checkout", "-q", "main")
        self.scan(self.repo, expect="OK")  # the work tree is clean (its .git holds compressed objects)
        found = self.scan_json("--git", self.repo)
        self.assertEqual(len(found), 1, found)
        f = found[0]
        self.assertEqual((f["commit"], f["path"], f["line"], f["kind"], f["matched"]),
                         (leaked, "cfg.env", 2, "vault-key", "secret"))

    def test_staged(self):
        self.commit_file("README", "hello\n", "first")
        with open(os.path.join(self.repo, "new.py"), "w") as f:
            f.write("ak = '%s'\n" % self.key_id)
        self.scan("--staged", self.repo, expect="OK")  # not staged yet
        git(self.repo, "add", "new.py")
        found = self.scan_json("--staged", self.repo)
        self.assertEqual([(f["path"], f["line"], f["kind"]) for f in found], [("new.py", 1, "vault-key")])

    def test_pre_commit_hook_as_written_in_the_howto(self):
        hook_src = os.path.join(os.environ["AKVAULT_SOURCE_DIR"], "tools", "pre-commit")
        hook = os.path.join(self.repo, ".git", "hooks", "pre-commit")
        shutil.copy(hook_src, hook)
        os.chmod(hook, 0o755)
        env = {"PATH": os.path.dirname(os.environ["AKVAULT_BIN"]) + ":" + os.environ.get("PATH", ""),
               "AKVAULT_VAULT": self.vault}
        with open(os.path.join(self.repo, "ok.txt"), "w") as f:
            f.write("fine\n")
        git(self.repo, "add", "ok.txt")
        git(self.repo, "commit", "-q", "-m", "fine", env=env)
        with open(os.path.join(self.repo, "bad.txt"), "w") as f:
            f.write("secret %s\n" % self.key_secret)
        git(self.repo, "add", "bad.txt")
        with self.assertRaises(subprocess.CalledProcessError) as refused:
            git(self.repo, "commit", "-q", "-m", "leak", env=env)
        self.assertIn("vault-key", refused.exception.stdout + refused.exception.stderr)
        self.assertNotIn(self.key_secret, refused.exception.stdout + refused.exception.stderr)
        self.assertEqual(git(self.repo, "log", "--format=%s"), "fine")


class LeakReportTest(ScanTestCase):
    def test_pages_and_details(self):
        unknown = random_id(self.rng)
        page = {"RequestId": "r", "CurrentPage": 1, "PageSize": 20, "TotalCount": 2, "AkLeakCount": 1,
                "AccessKeyLeakList": [
                    {"AccesskeyId": self.key_id, "Url": "https://github.com/x/y/blob/main/a.py",
                     "Status": "pending", "DealType": "pending", "GmtModified": 1767225600000,
                     "UserType": "master", "AliUserName": "root", "Id": 7, "Type": "AccessKey",
                     "Asset": "Cloud platform"},
                    {"AccesskeyId": unknown, "Url": "https://github.com/x/z", "Status": "dealed",
                     "DealType": "manual", "GmtModified": 1767225600000, "UserType": "ram", "Id": 8}]}
        detail = {"RequestId": "q", "AccesskeyId": unknown, "Source": "GitHub", "GithubRepoName": "x/z",
                  "GithubFileName": "b.js", "WhitelistStatus": "no", "GmtModified": 1767225600000}
        report = self.path("leaks.json")
        with open(report, "w") as f:
            f.write(json.dumps(page) + "\n" + json.dumps(detail) + "\n")
        found = self.scan_json("--leak-report", report)
        self.assertEqual(len(found), 3)
        mine = found[0]
        self.assertEqual((mine["kind"], mine["level"]), ("vault-key", "critical"))
        self.assertTrue(mine["next_step"].startswith("rotate now"))
        self.assertIn("main account", mine["next_step"])
        self.assertEqual(mine["vault"]["owner"], "alice")
        self.assertEqual(found[1]["kind"], "unknown-key")
        r = self.run_akvault("scan", "--leak-report", "-", input="not json")
        self.assertEqual(r.code, EXIT["E_FORMAT"], r)


if __name__ == "__main__":
    unittest.main()

"""README.md's quick start and the two how-tos, run AS WRITTEN by throwaway
non-root users in fresh homes (issue 10), the results read by real parsers
and by Alibaba Cloud's own Node.js credentials library (@alicloud/credentials,
pinned in tests/e2e/node, installed by .ci/install-deps --test), driven
provider by provider (Environment, Profile, CLIProfile incl. External mode;
never its default chain, which probes the network).

The commands come from the markdown itself: every ```sh block preceded by
`<!-- e2e: USER -->` is run, in order, by that user (alice keeps the vault,
bob is the teammate, svc the service account, root the server admin) in a
shell on a pseudo-terminal, the prompts answered as a person would. The only
changes to the text: the user names (svc -> akv_ru_svc, ...) and the example
public key (replaced by the one keygen printed). What a person does between
the blocks (copying a bundle, reading the password to Bob) the test does.

Needs root (to create users; CI runs as root), sudo, useradd and node with
the cached library; skips otherwise, unless AKVAULT_REQUIRE_REALUSER=1.
"""

import configparser
import csv
import fcntl
import json
import os
import pty
import re
import select
import shutil
import signal
import stat
import subprocess
import tempfile
import termios
import time
import unittest

from harness import AKVAULT, RECIPIENT_RE, fake_id, unique_secret

SOURCE = os.environ.get("AKVAULT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
NODE_MODULES = os.environ.get("AKVAULT_NODE_MODULES", "/var/cache/akvault-test/node/node_modules")
READER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node", "read_credentials.js")
USERS = {"alice": "akv_ru_alice", "bob": "akv_ru_bob", "svc": "akv_ru_svc"}
EXAMPLE_PUBKEY = "akvpub16zcvj8ez24svrxgrhnv3887a9xdcjzxf2pq89s6rcfczam1t2garbe60g4"
BLOCK_RE = re.compile(r"<!-- e2e: (\w+) -->\n```sh\n(.*?)```", re.S)


def blocks(doc):
    with open(os.path.join(SOURCE, doc)) as f:
        return [(user, body) for user, body in BLOCK_RE.findall(f.read())]


def missing_prerequisite():
    if os.geteuid() != 0:
        return "needs root to create the throwaway users"
    for tool in ("useradd", "userdel", "sudo", "runuser", "node"):
        if shutil.which(tool) is None:
            return "needs %s (.ci/install-deps --test)" % tool
    if not os.path.isdir(os.path.join(NODE_MODULES, "@alicloud", "credentials")):
        return "needs @alicloud/credentials in %s (.ci/install-deps --test)" % NODE_MODULES
    return None


class PtyShell:
    """Runs one shell script as a user on a new pseudo-terminal (its
    controlling terminal, so akvault prompts there) and answers prompts."""

    def __init__(self, argv, env, answers, timeout=300):
        self.argv, self.env, self.answers, self.timeout = argv, env, answers, timeout

    def run(self):
        master, slave = pty.openpty()
        attrs = termios.tcgetattr(slave)
        attrs[3] &= ~termios.ECHO  # the transcript shows what akvault prints, not our typing
        termios.tcsetattr(slave, termios.TCSANOW, attrs)

        def child_setup():
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)

        proc = subprocess.Popen(self.argv, stdin=slave, stdout=slave, stderr=slave, env=self.env,
                                preexec_fn=child_setup, close_fds=True)
        os.close(slave)
        out = b""
        answered = 0
        deadline = time.monotonic() + self.timeout
        try:
            while True:
                if time.monotonic() > deadline:
                    os.killpg(proc.pid, signal.SIGKILL)
                    raise AssertionError("timed out; transcript:\n" + out.decode(errors="replace"))
                ready, _, _ = select.select([master], [], [], 0.2)
                if ready:
                    try:
                        chunk = os.read(master, 4096)
                    except OSError:
                        chunk = b""
                    if not chunk:
                        break
                    out += chunk
                    tail = out[answered:].decode(errors="replace")
                    for pattern, answer in self.answers:
                        if re.search(pattern, tail):
                            os.write(master, (answer() if callable(answer) else answer).encode() + b"\n")
                            answered = len(out)
                            break
                elif proc.poll() is not None:
                    break
        finally:
            os.close(master)
        code = proc.wait(timeout=30)
        return code, out.decode(errors="replace").replace("\r\n", "\n")


@unittest.skipIf(missing_prerequisite() and os.environ.get("AKVAULT_REQUIRE_REALUSER") != "1",
                 missing_prerequisite() or "")
class HowtoAsRealUsersTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Runs even when setUpClass fails half-way: no user or file is left.
        cls.addClassCleanup(cls.remove_everything)
        cls.sudoers = None
        # umask 000, as every end-to-end test: akvault must set its modes
        # itself (the users' shells inherit it).
        cls.old_umask = os.umask(0)
        cls.tmp = tempfile.mkdtemp(prefix="akvault-realuser-")
        os.chmod(cls.tmp, 0o755)  # the users must reach their homes and the binary
        # akvault "installed": a copy on the users' PATH (the build tree may
        # sit in folders they cannot enter).
        cls.bin = os.path.join(cls.tmp, "bin")
        os.mkdir(cls.bin, 0o755)
        shutil.copy2(AKVAULT, os.path.join(cls.bin, "akvault"))
        os.chmod(os.path.join(cls.bin, "akvault"), 0o755)
        # sudo runs commands with its secure_path, where this akvault is not:
        # for the throwaway service user only, its folder comes first (what
        # `sudo install -m 755 akvault /usr/local/bin/` does for a real server,
        # without touching /usr/local/bin of the machine running the tests).
        cls.sudoers = "/etc/sudoers.d/akv_ru_test_%d" % os.getpid()
        fd = os.open(cls.sudoers, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o440)
        with os.fdopen(fd, "w") as f:
            f.write('Defaults>%s secure_path="%s:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"\n'
                    % (USERS["svc"], cls.bin))
        cls.homes = {}
        for short, name in USERS.items():
            subprocess.run(["userdel", "-r", name], capture_output=True)
            home = os.path.join(cls.tmp, "home", name)
            os.makedirs(os.path.dirname(home), mode=0o755, exist_ok=True)
            subprocess.run(["useradd", "-m", "-d", home, "-s", "/bin/sh", "-K", "UMASK=022", name], check=True,
                           capture_output=True)
            os.chmod(home, 0o750)
            cls.homes[short] = home

    @classmethod
    def remove_everything(cls):
        for name in USERS.values():
            subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)
            subprocess.run(["userdel", "-r", name], capture_output=True)
        os.umask(cls.old_umask)
        if cls.sudoers and os.path.exists(cls.sudoers):
            os.unlink(cls.sudoers)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # ---- running as a user -------------------------------------------------
    def env_for(self, short):
        home = self.homes[short] if short != "root" else "/root"
        return {"HOME": home, "USER": USERS.get(short, "root"), "LOGNAME": USERS.get(short, "root"),
                "SHELL": "/bin/sh", "LANG": "C.UTF-8", "TERM": "dumb",
                "PATH": self.bin + ":/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
                "AKVAULT_NODE_MODULES": NODE_MODULES}

    def as_user(self, short, script, answers=(), expect=0):
        """Runs `script` with sh -e as the user (root: as root), in its home."""
        env = self.env_for(short)
        script = "cd\n" + script
        if short == "root":
            argv = ["sh", "-ec", script]
        else:
            argv = ["runuser", "-u", USERS[short], "--", "env", "-i"] + ["%s=%s" % kv for kv in env.items()] + \
                   ["sh", "-ec", script]
        code, out = PtyShell(argv, env, list(answers)).run()
        self.assertEqual(code, expect, "as %s:\n%s\n--- transcript ---\n%s" % (short, script, out))
        return out

    def literal(self, body):
        """The block as written, with the test's user names and public key."""
        for short, name in USERS.items():
            body = re.sub(r"(?<=~)%s\b" % short, name, body)
            body = re.sub(r"(?<=-u )%s\b" % short, name, body)
            body = re.sub(r"(?<=--chown )%s\b" % short, name, body)
        if getattr(self, "pubkey", None):
            body = body.replace(EXAMPLE_PUBKEY, self.pubkey)
        return body

    def node(self, short, provider, profile=None, prefix=""):
        cmd = "node %s %s %s" % (READER, provider, profile or "")
        out = self.as_user(short, prefix + cmd)
        return json.loads(out.strip().splitlines()[-1])

    def copy_to(self, src, short, name=None):
        dst = os.path.join(self.homes[short], name or os.path.basename(src))
        shutil.copyfile(src, dst)
        os.chown(dst, *self.ids(short))
        os.chmod(dst, 0o600)
        return dst

    @staticmethod
    def read(path):
        with open(path, "rb") as f:
            return f.read()

    def ids(self, short):
        st = os.stat(self.homes[short])
        return st.st_uid, st.st_gid

    def assertPrivate(self, path, short, mode=0o600):
        st = os.lstat(path)
        self.assertTrue(stat.S_ISREG(st.st_mode), path)
        self.assertEqual(stat.S_IMODE(st.st_mode), mode, path)
        self.assertEqual((st.st_uid, st.st_gid)[0], self.ids(short)[0], path)

    # ---- the jobs ----------------------------------------------------------
    def test_the_three_jobs_as_written(self):
        alice_pass = "alice master " + unique_secret()
        bob_pass = "bob master " + unique_secret()
        billing_id, billing_secret = "LTAI5tXXXXXXXXXXXXXXXXXX", unique_secret()
        reports_id, reports_secret = fake_id(7001), unique_secret()
        bob_id, bob_secret = fake_id(7002), unique_secret()

        # -- README quick start, as alice. The console's CSV is in her home.
        csv_path = os.path.join(self.homes["alice"], "keys.csv")
        with open(csv_path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["AccessKey ID", "AccessKey Secret"])
            w.writerow([reports_id, reports_secret])
        os.chown(csv_path, *self.ids("alice"))
        os.chmod(csv_path, 0o600)
        [(user, quick)] = blocks("README.md")
        self.assertEqual(user, "alice")
        out = self.as_user("alice", self.literal(quick), answers=[
            (r"[Pp]assphrase.*: *$", alice_pass),
            (r"Secret.*: *$", billing_secret)])
        self.assertNotIn("unretired", out)  # the quick start no longer crowds one owner and app
        self.assertIn(billing_id, out)
        self.assertNotIn(billing_secret, out)
        self.assertPrivate(os.path.join(self.homes["alice"], ".akvault", "vault.db"), "alice")
        # Bob's key, added the way the README says.
        self.as_user("alice", "akvault add --owner bob --id %s\n" % bob_id, answers=[
            (r"[Pp]assphrase.*: *$", alice_pass), (r"Secret.*: *$", bob_secret)])

        # -- howto-teammate: alice exports, bob receives.
        teammate = blocks("docs/howto-teammate.md")
        self.assertEqual([u for u, _ in teammate], ["alice", "bob"])
        self.as_user("alice", self.literal(teammate[0][1]), answers=[(r"[Pp]assphrase.*: *$", alice_pass)])
        pw_file = os.path.join(self.homes["alice"], "bob.pw")
        self.assertPrivate(pw_file, "alice")
        with open(pw_file) as f:
            bundle_password = f.readline().strip()
        self.copy_to(os.path.join(self.homes["alice"], "bob.akb"), "bob")  # "email bob.akb to Bob"
        # Bob already has an aliyun profile of his own: it must survive.
        os.makedirs(os.path.join(self.homes["bob"], ".aliyun"), mode=0o700)
        own = {"current": "mine", "profiles": [{"name": "mine", "mode": "AK", "access_key_id": fake_id(7003),
                                                "access_key_secret": unique_secret(), "region_id": "cn-beijing"}],
               "meta_path": ""}
        conf = os.path.join(self.homes["bob"], ".aliyun", "config.json")
        with open(conf, "w") as f:
            json.dump(own, f, indent=4)
        os.chmod(conf, 0o600)
        for p in (os.path.dirname(conf), conf):
            os.chown(p, *self.ids("bob"))
        bob_block = self.literal(teammate[1][1])
        # After the block, in the same shell (where eval exported the key):
        # the Node library's Environment provider.
        check = "\nnode %s env\n" % READER
        out = self.as_user("bob", bob_block + check, answers=[
            (r"Bundle password.*: *$", bundle_password),
            (r"[Pp]assphrase.*: *$", bob_pass)])
        got = json.loads(out.strip().splitlines()[-1])
        self.assertEqual((got["access_key_id"], got["access_key_secret"]), (bob_id, bob_secret))
        bob_home = self.homes["bob"]
        cred = os.path.join(bob_home, ".alibabacloud", "credentials")
        self.assertPrivate(cred, "bob")
        ini = configparser.ConfigParser()
        ini.read(cred)
        self.assertEqual(ini["default"]["access_key_id"], bob_id)
        got = self.node("bob", "profile")  # Profile provider, default lookup: [default]
        self.assertEqual((got["access_key_id"], got["access_key_secret"]), (bob_id, bob_secret))
        self.assertPrivate(conf, "bob")
        with open(conf) as f:
            merged = json.load(f)
        self.assertEqual(merged["profiles"][0], own["profiles"][0])
        self.assertEqual(merged["current"], "mine")
        names = [p["name"] for p in merged["profiles"]]
        self.assertEqual(len(names), 2, merged)
        got = self.node("bob", "cli_profile", names[1])
        self.assertEqual((got["access_key_id"], got["access_key_secret"]), (bob_id, bob_secret))
        # receive: Bob's own vault, with the dates of Alice's.
        self.assertPrivate(os.path.join(bob_home, ".akvault", "vault.db"), "bob")
        alice_rows = json.loads(self.as_user("alice", "akvault list --json"))
        bob_rows = json.loads(self.as_user("bob", "akvault list --json"))
        [a] = [r for r in alice_rows if r["akid"] == bob_id]
        self.assertEqual(len(bob_rows), 1)
        for field in ("akid", "owner", "app", "created", "rotate_days", "deadline"):
            self.assertEqual(bob_rows[0][field], a[field], field)

        # -- howto-server: svc's identity in its own home; exec, ini, External.
        server = blocks("docs/howto-server.md")
        self.assertEqual([u for u, _ in server], ["root", "alice", "svc", "svc", "svc"])
        out = self.as_user("root", self.literal(server[0][1]))
        self.pubkey = RECIPIENT_RE.search(out).group(0)
        ident = os.path.join(self.homes["svc"], ".akvault", "id.key")
        self.assertPrivate(ident, "svc")
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(ident)).st_mode), 0o700)
        self.as_user("alice", self.literal(server[1][1]), answers=[(r"[Pp]assphrase.*: *$", alice_pass)])
        self.copy_to(os.path.join(self.homes["alice"], "billing-web1.akb"), "svc")  # "scp"
        for _, body in server[2:]:
            self.as_user("svc", self.literal(body))
        svc_home = self.homes["svc"]
        cred = os.path.join(svc_home, ".alibabacloud", "credentials")
        self.assertPrivate(cred, "svc")
        got = self.node("svc", "profile")
        self.assertEqual((got["access_key_id"], got["access_key_secret"]), (billing_id, billing_secret))
        conf = os.path.join(svc_home, ".aliyun", "config.json")
        self.assertPrivate(conf, "svc", 0o400)
        before = self.read(conf)
        self.assertNotIn(billing_secret.encode(), before)
        got = self.node("svc", "cli_profile")  # External mode: runs akvault credential-process
        self.assertEqual((got["access_key_id"], got["access_key_secret"]), (billing_id, billing_secret))
        self.assertIn("external", got["provider"])
        # The library tried to write the key back; the 0400 file stopped it.
        self.assertEqual(self.read(conf), before)
        self.assertPrivate(conf, "svc", 0o400)


if __name__ == "__main__":
    unittest.main()

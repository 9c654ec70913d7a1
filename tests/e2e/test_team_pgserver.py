"""The throwaway PostgreSQL that the team-vault tests use
(tests/support/pgserver.py), from the Python side: it starts as a non-root
account even under root, answers on its socket and over TCP with a password
from a pgpass file only, and leaves no process and no folder behind."""

import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.environ.get("AKVAULT_SOURCE_DIR", ".."), "tests", "support"))
import pgserver  # noqa: E402


def require_or_skip(exc):
    if os.environ.get("AKVAULT_REQUIRE_PG") == "1":
        raise exc
    raise unittest.SkipTest(str(exc))


class PgServerTest(unittest.TestCase):
    def test_starts_serves_and_leaves_nothing_behind(self):
        try:
            pg = pgserver.PgServer()
            pg.start()
        except pgserver.PgUnavailable as e:
            require_or_skip(e)
        try:
            folder = pg.dir
            self.assertTrue(pg.psql("SELECT version()").startswith("PostgreSQL 15"))
            # The server never runs as root (initdb refuses it).
            owner = pg.psql("SELECT pg_catalog.current_setting('data_directory')").strip()
            self.assertNotEqual(os.stat(owner).st_uid, 0)
            pg.create_login("akv_e2e_alice", "e2e-password")
            with tempfile.TemporaryDirectory() as tmp:
                pgpass = os.path.join(tmp, "pgpass")
                fd = os.open(pgpass, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as f:
                    f.write("127.0.0.1:%d:*:akv_e2e_alice:e2e-password\n" % pg.port)
                psql = os.path.join(pg.bindir, "psql")
                env = {"PATH": "/usr/bin:/bin", "PGPASSFILE": pgpass, "PGCONNECT_TIMEOUT": "10"}
                ok = subprocess.run([psql, "-X", "-At", "-c", "select current_user", pg.tcp_uri("akv_e2e_alice")],
                                    env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
                self.assertEqual(ok.returncode, 0, ok.stderr)
                self.assertEqual(ok.stdout.decode().strip(), "akv_e2e_alice")
                env["PGPASSFILE"] = os.path.join(tmp, "missing")
                refused = subprocess.run([psql, "-X", "-w", "-At", "-c", "select 1", pg.tcp_uri("akv_e2e_alice")],
                                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                         stdin=subprocess.DEVNULL)
                self.assertNotEqual(refused.returncode, 0)
        finally:
            pg.stop()
        self.assertFalse(os.path.exists(folder))
        procs = subprocess.run(["ps", "-eo", "args"], stdout=subprocess.PIPE).stdout.decode()
        self.assertNotIn(folder, procs)


if __name__ == "__main__":
    unittest.main()

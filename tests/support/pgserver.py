#!/usr/bin/env python3
"""A throwaway PostgreSQL 15 server for akvault's tests and benchmarks.

initdb and pg_ctl in a fresh temporary folder, on a free localhost port, with
its socket in that folder; stopped and removed by stop(). initdb refuses to
run as root (CI runs as root), so as root the server runs as the `postgres`
account that Debian's package creates (runuser); as anyone else it runs as
that user. Nothing outside the temporary folder is touched: no /etc, no
cluster of the system's.

Authentication: `trust` on the folder's socket (the superuser `akv_admin`,
for setting up), `scram-sha-256` on TCP, so a test that connects over TCP
needs a password from a pgpass file, exactly as a real admin would.

Used three ways:
  - from Python: `with PgServer() as pg: pg.psql("select 1")`;
  - from GoogleTest (tests/support/pg_server.h): `pgserver.py start` prints
    the server's details as one JSON line, `pgserver.py stop DIR` ends it;
  - from a shell (bench/): `pgserver.py run -- COMMAND...` runs COMMAND with
    PGHOST, PGPORT, PGUSER, PGDATABASE and AKVAULT_TEST_PG_URI set, then stops.

A test that needs a server and finds no PostgreSQL installed skips, unless
AKVAULT_REQUIRE_PG=1 (set by .ci/test), where it fails.
"""

import glob
import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time

SUPERUSER = "akv_admin"
DATABASE = "akvault_test"


class PgUnavailable(Exception):
    pass


def find_bindir():
    """The folder with initdb and pg_ctl: $AKVAULT_PG_BINDIR, else the newest
    /usr/lib/postgresql/N/bin (Debian's layout)."""
    env = os.environ.get("AKVAULT_PG_BINDIR")
    if env:
        return env
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if not found:
        raise PgUnavailable("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); "
                            "run .ci/install-deps --test")
    return os.path.dirname(found[-1])


def scratch_root():
    """Where servers live: $AKVAULT_PG_TMPDIR, else /dev/shm when it is a
    writable tmpfs (a data folder is ~40 MB of small files: copying or
    creating it there is ten times faster than on this machine's disk), else
    the usual temporary folder."""
    env = os.environ.get("AKVAULT_PG_TMPDIR")
    if env:
        return env
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK | os.X_OK):
        return "/dev/shm"
    return None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self):
        self.bindir = None
        self.dir = None
        self.port = None
        self.as_postgres = os.geteuid() == 0
        self.started = False

    # ---- life cycle --------------------------------------------------
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def _as_owner(self, argv):
        if self.as_postgres:
            return ["runuser", "-u", "postgres", "--"] + argv
        return argv

    def _run(self, argv, **kw):
        proc = subprocess.run(self._as_owner(argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, **kw)
        if proc.returncode != 0:
            raise RuntimeError("%s failed (exit %d):\n%s" % (argv[0], proc.returncode,
                                                             proc.stdout.decode("utf-8", "replace")))
        return proc.stdout.decode("utf-8", "replace")

    def _initdb(self, data, password):
        pwfile = os.path.join(os.path.dirname(data), "pwfile")
        fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(password + "\n")
        if self.as_postgres:
            os.chown(pwfile, pwd.getpwnam("postgres").pw_uid, -1)
        try:
            self._run([os.path.join(self.bindir, "initdb"), "-D", data, "-U", SUPERUSER,
                       "--pwfile", pwfile, "--auth-local=trust", "--auth-host=scram-sha-256",
                       "--no-sync", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"])
        finally:
            os.unlink(pwfile)

    def _new_folder(self, prefix, parent=None):
        path = tempfile.mkdtemp(prefix=prefix, dir=parent or scratch_root())
        os.chmod(path, 0o700)
        if self.as_postgres:
            pw = pwd.getpwnam("postgres")
            os.chown(path, pw.pw_uid, pw.pw_gid)
        return path

    def _template(self):
        """initdb costs seconds (most of a server's start-up); with
        $AKVAULT_PG_TEMPLATE_DIR set (ctest sets it inside the build tree),
        it runs once and every server starts from a copy. Built in a
        temporary folder and renamed into place, so parallel tests never see
        half a template."""
        root = os.environ.get("AKVAULT_PG_TEMPLATE_DIR")
        if not root:
            return None
        version = os.path.basename(os.path.dirname(self.bindir))
        template = os.path.join(root, "pg%s-%s" % (version, "postgres" if self.as_postgres else os.geteuid()))
        if not os.path.isdir(template):
            # initdb runs as the server's user in a scratch folder; the copy
            # into the template folder is made by this process (as root, cp -a
            # keeps the postgres ownership), so the template folder itself
            # need not be reachable by the postgres account.
            os.makedirs(root, mode=0o700, exist_ok=True)
            staging = self._new_folder("akv-pg-template-")
            try:
                password = secrets.token_hex(16)
                self._initdb(os.path.join(staging, "data"), password)
                fd = os.open(os.path.join(staging, "password"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as f:
                    f.write(password)
                partial = tempfile.mkdtemp(prefix=".partial-", dir=root)
                subprocess.run(["cp", "-a", staging + "/.", partial], check=True)
                try:
                    os.rename(partial, template)
                except OSError:  # another test made it first
                    shutil.rmtree(partial, ignore_errors=True)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        with open(os.path.join(template, "password")) as f:
            return template, f.read().strip()

    def start(self):
        self.bindir = find_bindir()
        self.dir = self._new_folder("akv-pg-")
        try:
            template = self._template()
            if template:
                subprocess.run(["cp", "-a", os.path.join(template[0], "data"), self.data], check=True)
                self.superuser_password = template[1]
            else:
                self.superuser_password = secrets.token_hex(16)
                self._initdb(self.data, self.superuser_password)
            # A port found free may be taken before the server binds it: try a few.
            for attempt in range(5):
                self.port = free_port()
                opts = ("-c listen_addresses=127.0.0.1 -c port=%d -c unix_socket_directories=%s "
                        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                        "-c max_connections=60 -c shared_buffers=32MB" % (self.port, self.dir))
                try:
                    self._run([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-l", self.log,
                               "-w", "-t", "30", "-o", opts, "start"])
                    break
                except RuntimeError:
                    if attempt == 4:
                        raise RuntimeError("the test PostgreSQL did not start:\n" + self.log_tail())
            self.started = True
            self.psql("CREATE DATABASE %s" % DATABASE, dbname="postgres")
        except BaseException:
            self.stop()
            raise

    def stop(self):
        if self.dir is None:
            return
        if self.started:
            try:
                self._run([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-m", "immediate",
                           "-w", "-t", "30", "stop"])
            except RuntimeError:
                pass
            self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    # ---- where it is -------------------------------------------------
    @property
    def data(self):
        return os.path.join(self.dir, "data")

    @property
    def log(self):
        return os.path.join(self.dir, "server.log")

    def log_tail(self, lines=40):
        try:
            with open(self.log, "r", errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return "(no server log)"

    def socket_uri(self, user=SUPERUSER, dbname=DATABASE):
        """Over the folder's socket (trust): for setting up as the superuser."""
        return "postgresql://%s@/%s?host=%s&port=%d" % (user, dbname, self.dir.replace("/", "%2F"), self.port)

    def tcp_uri(self, user, dbname=DATABASE, extra=""):
        """Over TCP (scram-sha-256): the password must come from a pgpass file."""
        return "postgresql://%s@127.0.0.1:%d/%s%s" % (user, self.port, dbname, extra)

    def info(self):
        return {"dir": self.dir, "port": self.port, "host": "127.0.0.1", "socket_dir": self.dir,
                "superuser": SUPERUSER, "superuser_password": self.superuser_password,
                "dbname": DATABASE, "uri": self.socket_uri(), "log": self.log}

    def env(self):
        return {"PGHOST": self.dir, "PGPORT": str(self.port), "PGUSER": SUPERUSER, "PGDATABASE": DATABASE,
                "AKVAULT_TEST_PG_URI": self.socket_uri()}

    # ---- doing things ------------------------------------------------
    def psql(self, sql, user=SUPERUSER, dbname=DATABASE, check=True):
        """Runs `sql` with psql as `user` over the socket; returns stdout
        (unaligned, tuples only)."""
        argv = [os.path.join(self.bindir, "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", self.dir, "-p", str(self.port), "-U", user, "-d", dbname, "-c", sql]
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                              env=dict(os.environ, PGPASSWORD="", PGCONNECT_TIMEOUT="10"))
        if check and proc.returncode != 0:
            raise RuntimeError("psql failed: %s" % proc.stderr.decode("utf-8", "replace"))
        return proc.stdout.decode("utf-8", "replace") if check else proc

    def create_login(self, name, password, in_roles=()):
        self.psql("CREATE ROLE %s LOGIN PASSWORD '%s'%s" % (
            name, password, (" IN ROLE " + ", ".join(in_roles)) if in_roles else ""))


def main(argv):
    if len(argv) >= 1 and argv[0] == "start":
        try:
            pg = PgServer()
            pg.start()
        except PgUnavailable as e:
            print(json.dumps({"unavailable": str(e)}))
            return 0
        print(json.dumps(pg.info()))
        return 0
    if len(argv) == 2 and argv[0] == "stop":
        pg = PgServer()
        pg.dir = argv[1]
        pg.bindir = find_bindir()
        pg.started = os.path.exists(os.path.join(argv[1], "data", "postmaster.pid"))
        pg.stop()
        return 0
    if len(argv) >= 2 and argv[0] == "run" and argv[1] == "--":
        with PgServer() as pg:
            proc = subprocess.run(argv[2:], env=dict(os.environ, **pg.env()))
            return proc.returncode
    sys.stderr.write("usage: pgserver.py start | stop DIR | run -- COMMAND...\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

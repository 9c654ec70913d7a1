"""`akvault import`: the CSV the Alibaba Cloud console offers when a key is
created (../shared/spec/cli.md). All rows or none, owner-only input, the
reminder to delete the file, and no secret in any output (E6)."""

import json
import os
import unittest

from harness import VaultTestCase, day, error_lines, fake_id, fake_secret, utc_today

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "vault")


def fixture_rows(name):
    """(akid, secret) of every row of a fixture, read the simple way."""
    rows = []
    with open(os.path.join(FIXTURES, name)) as f:
        header = f.readline().rstrip("\n").split(",")
        i, s = header.index("AccessKey ID"), header.index("AccessKey Secret")
        for line in f:
            fields = [x.strip('"') for x in line.rstrip("\n").split(",")]
            rows.append((fields[i], fields[s]))
    return rows


def csv_text(rows, header="AccessKey ID,AccessKey Secret"):
    return header + "\n" + "".join("%s,%s\n" % r for r in rows)


class VaultImportTest(VaultTestCase):
    def setUp(self):
        super().setUp()
        self.init_vault()

    def fixture(self, name, transform=None, mode=0o600, dest=None):
        """Copies a fixture into the test folder (0600 by default); every secret in it is watched (E4)."""
        with open(os.path.join(FIXTURES, name), "rb") as f:
            data = f.read()
        for akid, secret in fixture_rows(name):
            self.watcher.watch(secret)
        if transform:
            data = transform(data)
        return self.write_file(dest or name, data, mode)

    def csv(self, name, rows, header="AccessKey ID,AccessKey Secret", mode=0o600):
        for _, secret in rows:
            self.watcher.watch(secret)
        return self.write_file(name, csv_text(rows, header), mode)

    def imported(self):
        return sorted(k["akid"] for k in self.list_json("--all"))

    def test_console_csv(self):
        today = utc_today()
        rows = fixture_rows("console_two_keys.csv")
        path = self.fixture("console_two_keys.csv")
        r = self.ok("import", path, "--owner", "alice", "--app", "billing", "--created", day(today, -30),
                    "--rotate-days", "60", "--passphrase-file", self.passfile)
        self.assertEqual(r.out, "Imported 2 key(s) for owner alice, app billing, rotate by %s\n" % day(today, 30))
        # The reminder to delete the CSV, on stderr, naming the file.
        self.assertIn("akvault: the CSV still holds the secret(s) in clear: delete it now (shred -u %s)" % path, r.err)
        self.assertEqual(error_lines(r), [])
        self.assertNoSecretsIn(r, [s for _, s in rows])
        keys = self.keys_by_id()
        self.assertEqual(sorted(keys), [a for a, _ in rows])
        for akid, secret in rows:
            self.assertEqual((keys[akid]["owner"], keys[akid]["app"], keys[akid]["created"], keys[akid]["due"]),
                             ("alice", "billing", day(today, -30), day(today, 30)))
            self.assertEqual(self.reveal(akid), secret)
            self.assertNoSecretOnDisk(secret, self.vault_folder())
        # The audit trail: one import entry naming the file and every ID, never a secret.
        entry = [e for e in self.log_json() if e["event"] == "import"]
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry[0]["detail"], {"source": "console_two_keys.csv", "count": 2, "owner": "alice",
                                              "app": "billing", "akids": [a for a, _ in rows]})
        self.assertEqual([e["event"] for e in self.log_json("--key", rows[1][0])], ["import", "reveal"])
        log_text = self.ok("log").out
        self.assertIn("2 keys from console_two_keys.csv (owner alice)", log_text)
        for _, secret in rows:
            self.assertNotIn(secret, log_text)
        self.check_ok()

    def test_json_output(self):
        rows = fixture_rows("console_two_keys.csv")
        r = self.ok("import", self.fixture("console_two_keys.csv"), "--owner", "bob", "--json",
                    "--passphrase-file", self.passfile)
        self.assertEqual(json.loads(r.out), {"imported": 2, "owner": "bob", "app": None})
        self.assertIn("shred -u", r.err)
        self.assertNoSecretsIn(r, [s for _, s in rows])
        self.assertEqual([k["app"] for k in self.list_json()], [None, None])

    # The console's variants: BOM, CRLF, no final newline, blank lines at the end,
    # a leading User Name column, quoted fields, spaces around column names.
    def test_accepted_layouts(self):
        n = [500]

        def rows(count=2):
            out = []
            for _ in range(count):
                n[0] += 1
                out.append((fake_id(n[0]), fake_secret(n[0])))
            return out

        bom = b"\xef\xbb\xbf"
        variants = {
            "bom": lambda r: bom + csv_text(r).encode(),
            "crlf": lambda r: csv_text(r).replace("\n", "\r\n").encode(),
            "bom-crlf": lambda r: bom + csv_text(r).replace("\n", "\r\n").encode(),
            "no-final-newline": lambda r: csv_text(r).rstrip("\n").encode(),
            "blank-lines-at-end": lambda r: (csv_text(r) + "\n\n").encode(),
            "user-name-first": lambda r: ("User Name,AccessKey ID,AccessKey Secret\n" +
                                          "".join("u%d@example.onaliyun.com,%s,%s\n" % (i, a, s)
                                                  for i, (a, s) in enumerate(r))).encode(),
            "extra-column-last": lambda r: ("AccessKey ID,AccessKey Secret,Created\n" +
                                            "".join("%s,%s,2024-01-01 10:00\n" % x for x in r)).encode(),
            "quoted": lambda r: ('"AccessKey ID","AccessKey Secret"\r\n' +
                                 "".join('"%s","%s"\r\n' % x for x in r)).encode(),
            "spaces-around-names": lambda r: (" AccessKey ID , AccessKey Secret\n" +
                                              "".join("%s,%s\n" % x for x in r)).encode(),
        }
        reveal_from = {"crlf", "bom-crlf", "quoted", "no-final-newline", "user-name-first"}
        for name, make in variants.items():
            with self.subTest(variant=name):
                r_rows = rows()
                for _, secret in r_rows:
                    self.watcher.watch(secret)
                path = self.write_file(name + ".csv", make(r_rows))
                r = self.ok("import", path, "--owner", "alice", "--passphrase-file", self.passfile)
                self.assertIn("Imported 2 key(s)", r.out)
                self.assertNoSecretsIn(r, [s for _, s in r_rows])
                ids = set(self.imported())
                for akid, secret in r_rows:
                    self.assertIn(akid, ids)
                if name in reveal_from:
                    self.assertEqual(self.reveal(r_rows[-1][0]), r_rows[-1][1])
        # The fixture with the User Name column and a fully quoted row.
        u_rows = fixture_rows("console_with_user_name.csv")
        self.ok("import", self.fixture("console_with_user_name.csv"), "--owner", "carol",
                "--passphrase-file", self.passfile)
        self.assertEqual(self.reveal(u_rows[1][0]), u_rows[1][1])
        self.check_ok()

    # All rows or none: a malformed line N is E_FORMAT naming line N, nothing imported,
    # never a secret in the message; refused before the passphrase is asked.
    def test_malformed_files_import_nothing(self):
        good = [(fake_id(600 + i), fake_secret(600 + i)) for i in range(4)]
        for _, s in good:
            self.watcher.watch(s)
        g = csv_text(good)
        lines = g.splitlines(keepends=True)
        cases = {
            "extra-field-line-3": ("".join(lines[:2]) + lines[2].rstrip("\n") + ",x\n" + "".join(lines[3:]),
                                   "line 3: expected 2 fields, found 3"),
            "missing-field-line-5": (g + "LTAI5tQQQQQQQQQQQQQQQQQ9\n", "line 6: expected 2 fields, found 1"),
            "bad-secret-line-4": ("".join(lines[:3]) + "%s,%s-x\n" % good[2] + "".join(lines[4:]),
                                  "line 4: AccessKey Secret contains a character outside"),
            "space-in-secret-line-2": (lines[0] + "%s,%s \n" % good[0] + "".join(lines[2:]),
                                       "line 2: AccessKey Secret contains a character outside"),
            "empty-id-line-2": (lines[0] + ",%s\n" % good[0][1] + "".join(lines[2:]), "line 2: AccessKey ID is empty"),
            "bad-id-line-5": (g + "LTAI5t/../x,%s\n" % fake_secret(9), "line 6: AccessKey ID contains a character"),
            "blank-line-between-rows": ("".join(lines[:3]) + "\n" + "".join(lines[3:]), "line 4: blank line between rows"),
            "quote-inside-field": ("".join(lines[:2]) + 'LTAI5t"QQ,%s\n' % good[1][1], "line 3: a quote inside an unquoted field"),
            "unclosed-quote": ("".join(lines[:4]) + '"LTAI5tQQ,%s\n' % good[3][1], "line 5: a quoted field is not closed"),
            "nul-byte": ("".join(lines[:2]) + "%s,%s\0\n" % good[1], "line 3: NUL byte"),
            "no-header": ("".join(lines[1:]), "line 1: expected the header `AccessKey ID,AccessKey Secret`"),
            "header-twice": ("AccessKey ID,AccessKey ID,AccessKey Secret\n", "line 1: the column `AccessKey ID` appears twice"),
            "header-only": (lines[0], "has no AccessKey rows after the header"),
            "empty": ("", "is empty"),
        }
        for name, (content, needle) in cases.items():
            with self.subTest(case=name):
                path = self.write_file(name + ".csv", content)
                r = self.refused("E_FORMAT", "import", path, "--owner", "alice", "--passphrase-file", self.passfile)
                self.assertIn(os.path.basename(path), r.err)
                self.assertIn(needle, r.err)
                self.assertNoSecretsIn(r, [s for _, s in good])
                # Parsed before the passphrase is asked: same refusal without one.
                self.refused("E_FORMAT", "import", path, "--owner", "alice")
        bad_utf8 = self.write_file("bad-utf8.csv", g.encode() + b"LTAI5tQQ\xff\xfe,abc\n")
        r = self.refused("E_FORMAT", "import", bad_utf8, "--owner", "alice")
        self.assertIn("line 6: invalid UTF-8", r.err)
        r = self.refused("E_FORMAT", "import", self.fixture("malformed_line3.csv"), "--owner", "alice",
                         "--passphrase-file", self.passfile)
        self.assertIn("malformed_line3.csv line 3: expected 2 fields, found 3", r.err)
        self.assertEqual(self.imported(), [])

    # The CSV is parsed while Argon2id runs (passphrase from a file), yet a CSV
    # error still wins over every error of the vault or the passphrase.
    def test_csv_error_wins_over_vault_and_passphrase_errors(self):
        path = self.fixture("malformed_line3.csv")
        wrong = self.write_secret_file("wrong", "not the passphrase\n")
        for name, extra in (("wrong passphrase", ["--passphrase-file", wrong]),
                            ("no such vault", ["--passphrase-file", self.passfile, "--vault", self.path("none.db")]),
                            ("no terminal", [])):
            with self.subTest(case=name):
                r = self.refused("E_FORMAT", "import", path, "--owner", "alice", *extra)
                self.assertIn("malformed_line3.csv line 3: expected 2 fields, found 3", r.err)
        # A good CSV with the wrong passphrase is the passphrase's error.
        good = self.write_file("good.csv", csv_text([(fake_id(700), fake_secret(700))]))
        self.refused("E_AUTH", "import", good, "--owner", "alice", "--passphrase-file", wrong)
        self.assertEqual(self.imported(), [])

    # A duplicate inside the file: refused naming the ID and both lines; nothing imported.
    def test_duplicate_inside_the_file_imports_nothing(self):
        path = self.fixture("duplicate_lines_2_and_4.csv")
        before = self.snapshot()
        r = self.run_akvault("import", path, "--owner", "alice", "--passphrase-file", self.passfile)
        self.assertEqual(r.code, 9, r)
        self.assertEqual(len(error_lines(r)), 1, r)
        self.assertIn("duplicate_lines_2_and_4.csv lines 2 and 4: AccessKey ID LTAI5tFixtureQQQQQQQQQ31 appears twice",
                      r.err)
        self.assertUnchangedSince(before, r)
        self.assertEqual(self.imported(), [])

    # E_CONFLICT like an ID already in the vault (docs/exit-codes.md: "duplicate AccessKey ID"), with
    # both lines and the fix; found while parsing, before the passphrase is asked.
    def test_duplicate_inside_the_file_is_a_conflict(self):
        path = self.fixture("duplicate_lines_2_and_4.csv")
        r = self.refused("E_CONFLICT", "import", path, "--owner", "alice", "--passphrase-file", self.passfile)
        self.assertIn("lines 2 and 4", r.err)
        self.assertIn("keep one row per AccessKey: delete the other row and import again; nothing was imported", r.err)
        self.assertNoSecretsIn(r, [s for _, s in fixture_rows("duplicate_lines_2_and_4.csv")])
        self.refused("E_CONFLICT", "import", path, "--owner", "alice")
        self.assertEqual(self.imported(), [])

    # A key already in the vault: E_CONFLICT naming its owner and app; none of the file imported.
    def test_duplicate_already_in_the_vault(self):
        rows = [(fake_id(700 + i), fake_secret(700 + i)) for i in range(3)]
        self.add_secret_key(0, "bob", "web", akid=rows[1][0], secret=fake_secret(799))
        path = self.csv("keys.csv", rows)
        r = self.refused("E_CONFLICT", "import", path, "--owner", "alice", "--passphrase-file", self.passfile)
        self.assertIn("AccessKey %s from keys.csv is already in the vault (owner bob, app web)" % rows[1][0], r.err)
        self.assertIn("nothing was imported", r.err)
        self.assertEqual(self.imported(), [rows[1][0]])
        self.assertEqual(self.reveal(rows[1][0]), fake_secret(799))
        self.check_ok()

    # The CSV holds secrets: owner-only regular files only (C4).
    def test_csv_must_be_owner_only(self):
        for mode in (0o644, 0o640, 0o604, 0o660):
            path = self.fixture("console_two_keys.csv", mode=mode, dest="k%o.csv" % mode)
            r = self.refused("E_PERM", "import", path, "--owner", "alice", "--passphrase-file", self.passfile)
            self.assertIn("%s is accessible to group or others (mode %04o)" % (path, mode), r.err)
            self.assertIn("chmod 600 " + path, r.err)
        fifo = self.path("fifo.csv")
        os.mkfifo(fifo, 0o600)
        r = self.refused("E_PERM", "import", fifo, "--owner", "alice", "--passphrase-file", self.passfile, timeout=30)
        self.assertIn("not a regular file", r.err)
        os.mkdir(self.path("dir.csv"), 0o700)
        self.refused("E_PERM", "import", self.path("dir.csv"), "--owner", "alice", "--passphrase-file", self.passfile)
        self.refused("E_NOTFOUND", "import", self.path("missing.csv"), "--owner", "alice",
                     "--passphrase-file", self.passfile)
        if os.geteuid() == 0:
            path = self.fixture("console_two_keys.csv", dest="theirs.csv")
            os.chown(path, 65534, 65534)
            r = self.refused("E_PERM", "import", path, "--owner", "alice", "--passphrase-file", self.passfile)
            self.assertIn("owned by uid 65534", r.err)
        self.assertEqual(self.imported(), [])

    def test_invalid_options_import_nothing(self):
        path = self.fixture("console_two_keys.csv")
        today = utc_today()
        for extra in (["--owner", "al ice"], ["--owner", "alice", "--app", "a/b"],
                      ["--owner", "alice", "--created", day(today, 1)], ["--owner", "alice", "--rotate-days", "0"],
                      ["--owner", "alice", "--rotate-days", "03"], ["--owner", "alice", "--created", "2023-02-29"]):
            self.refused("E_USAGE", "import", path, *extra, "--passphrase-file", self.passfile)
        self.refused("E_AUTH", "import", path, "--owner", "alice",
                     "--passphrase-file", self.write_secret_file("wrong", "not the passphrase\n"))
        self.assertEqual(self.imported(), [])

    # 1000 rows: one unlock, one transaction, every key listed back.
    def test_thousand_rows(self):
        rows = [(fake_id(10000 + i), fake_secret(10000 + i)) for i in range(1000)]
        path = self.write_file("big.csv", csv_text(rows))  # not watched one by one: 1000 secrets
        r = self.ok("import", path, "--owner", "ops", "--app", "fleet", "--json", "--passphrase-file", self.passfile)
        self.assertEqual(json.loads(r.out)["imported"], 1000)
        for _, secret in rows[::97]:
            self.assertNotIn(secret, r.out + r.err)
        listed = self.list_json()
        self.assertEqual([k["akid"] for k in listed], sorted(a for a, _ in rows))
        self.assertTrue(all(k["owner"] == "ops" and k["app"] == "fleet" and k["status"] == "active" for k in listed))
        self.assertEqual(self.reveal(rows[567][0]), rows[567][1])
        report = self.check_ok()
        self.assertEqual(report["keys"], 1000)
        for _, secret in rows[::50]:
            self.assertNoSecretOnDisk(secret, self.vault_folder())


if __name__ == "__main__":
    unittest.main()

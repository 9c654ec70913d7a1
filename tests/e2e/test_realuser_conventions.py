"""What a user of git, age or aws-vault expects (issue 10, conventions):
`akvault` alone and `akvault help [COMMAND]`, "did you mean", the first
contact before `init`, and a closed pipe."""

import os
import subprocess

from harness import AKVAULT, AkvaultTestCase, fake_id, fake_secret


class ConventionsTest(AkvaultTestCase):
    def test_alone_lists_the_commands(self):
        r = self.run_akvault()
        self.assertEqual(r.code, 2, r)
        for command in ("init", "open", "receive", "configure-external"):
            self.assertIn(command, r.out)
        self.assertIn("no command given", r.err)

    def test_help_and_help_command(self):
        r = self.ok("help")
        self.assertIn("receive", r.out)
        r = self.ok("help", "open")
        self.assertIn("--format", r.out)
        self.assertEqual(r.out, self.ok("open", "--help").out)

    def test_did_you_mean(self):
        r = self.fails("E_USAGE", "lsit")
        self.assertIn("did you mean `akvault list`?", r.err)
        r = self.fails("E_USAGE", "recieve", "x.akb")
        self.assertIn("did you mean `akvault receive`?", r.err)
        r = self.fails("E_USAGE", "open", "x.akb", "--fromat", "ini")
        self.assertIn("did you mean --format?", r.err)
        r = self.fails("E_USAGE", "frobnicate")
        self.assertNotIn("did you mean", r.err)

    def test_list_and_due_before_init_say_run_init(self):
        for command in ("list", "due"):
            r = self.fails("E_NOTFOUND", command)
            self.assertIn("akvault init", r.err)

    def test_closed_pipe_is_quiet_and_ok(self):
        self.init_vault()
        # Enough rows that `list` writes after the reader has gone.
        rows = "".join("%s,%s\n" % (fake_id(n), fake_secret(n)) for n in range(1, 2001))
        csv = self.write_secret_file("keys.csv", "AccessKey ID,AccessKey Secret\n" + rows)
        self.ok("import", csv, "--owner", "alice", "--app", "bulk", "--passphrase-file", self.passfile)
        r, w = os.pipe()
        os.close(r)  # `akvault list | head -0`: the reader is gone before the first write
        proc = subprocess.run([AKVAULT, "list"], stdout=w, stderr=subprocess.PIPE, env=self.env(),
                              cwd=self.home, timeout=60)
        os.close(w)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stderr, b"")


if __name__ == "__main__":
    import unittest
    unittest.main()

"""The command-line contract of ../shared/spec/cli.md that is not tied to one
command: global options anywhere, --version, --help with the exit statuses,
no secret-taking option, and no hang without a terminal."""

import os
import re
import subprocess
import time

from harness import AKVAULT, EXIT, AkvaultTestCase, fake_id, fake_secret

COMMANDS = ["init", "add", "import", "list", "show", "remove", "due", "rotate", "retire", "lint", "config",
            "export", "open", "exec", "credential-process", "keygen", "passwd", "log", "check", "trail", "policy",
            "receive", "configure-external", "inspect", "scan", "unlock", "lock"]


class CliContractTest(AkvaultTestCase):
    def test_version(self):
        r = self.ok("--version")
        self.assertRegex(r.out, r"^akvault \d+\.\d+\.\d+\n$")

    def test_every_command_exists_and_has_help(self):
        for command in COMMANDS:
            r = self.ok(command, "--help")
            self.assertIn(command, r.out)

    def test_help_lists_every_exit_status(self):
        r = self.ok("--help")
        for name, status in EXIT.items():
            if name == "OK":
                continue
            self.assertRegex(r.out, r"\b%d\s+%s\b" % (status, name), name)

    def test_exit_codes_doc_matches_the_binary(self):
        doc = os.path.join(os.environ["AKVAULT_SOURCE_DIR"], "docs", "exit-codes.md")
        with open(doc) as f:
            text = f.read()
        table = dict((name, int(code)) for code, name in re.findall(r"^\|\s*(\d+)\s*\|\s*`?(E_[A-Z]+|OK)`?", text, re.M))
        self.assertEqual(table, EXIT)

    def test_no_option_takes_a_secret(self):
        # cli.md: an option like --secret VALUE must not exist.
        for command in COMMANDS:
            help_text = self.ok(command, "--help").out
            for forbidden in ("--secret", "--password ", "--passphrase ", "--access-key-secret", "--password=", "--passphrase="):
                self.assertNotIn(forbidden, help_text, command)
        self.fails("E_USAGE", "add", "--owner", "a", "--id", fake_id(1), "--secret", fake_secret(1))

    def test_global_options_before_or_after_the_command(self):
        vault = os.path.join(self.tmp, "v", "vault.db")
        self.ok("--vault", vault, "--passphrase-file", self.passfile, "init", "--kdf", "interactive")
        self.ok("list", "--vault", vault)
        self.ok("--vault", vault, "list", "--json")
        self.ok("list", "--json", "--vault", vault)
        # The environment variable, and the option winning over it.
        self.ok("list", env={"AKVAULT_VAULT": vault})
        self.fails("E_NOTFOUND", "list", "--vault", os.path.join(self.tmp, "none.db"), env={"AKVAULT_VAULT": vault})

    def test_usage_errors_exit_2(self):
        self.fails("E_USAGE", "frobnicate")
        self.fails("E_USAGE")
        self.fails("E_USAGE", "add", "--owner", "alice")  # --id missing
        self.fails("E_USAGE", "list", "--", "extra")

    # E7: without a terminal and without a file, fail at once, never hang.
    def test_no_terminal_and_no_passphrase_file_fails_at_once(self):
        self.init_vault()
        for args in (["check"], ["add", "--owner", "a", "--id", fake_id(1)], ["show", fake_id(1), "--reveal"]):
            start = time.monotonic()
            r = self.fails("E_INPUT" if args[0] != "show" else "E_NOTFOUND", *args, input=fake_secret(1) + "\n")
            self.assertLess(time.monotonic() - start, 10, args)
        r = self.fails("E_INPUT", "check")
        self.assertIn("--passphrase-file", r.err)

    def test_init_without_terminal_fails_at_once(self):
        r = self.fails("E_INPUT", "init", "--kdf", "interactive")
        self.assertFalse(os.path.exists(self.vault))

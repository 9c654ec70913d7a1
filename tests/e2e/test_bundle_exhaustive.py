"""Every truncation and every bit flip of a real recipient-mode bundle,
opened by the real binary (attack catalogue A2, A4). Recipient bundles open
without a KDF, so the loops stay exhaustive at the end-to-end level; the
password-mode equivalents are the unit tests in tests/unit/bundle/ and a
sample in test_bundle_attacks.py."""

import concurrent.futures
import os
import unittest

from harness import EXIT, BundleTestCase, fake_id, unique_secret

K1, S1 = fake_id(1), unique_secret()

# docs/bundle-format.md §1, mode 2 with one stanza: [start, end) of each field.
MAGIC, BUNDLE_ID, TIMES, MODE, COUNT = (0, 18), (18, 34), (34, 50), (50, 51), (51, 52)
EPHEMERAL, STANZA, HEADER_MAC, NONCE, LENGTH = (52, 84), (52, 132), (132, 164), (164, 188), (188, 192)
CIPHERTEXT_START = 192


def expected_for_flip(byte):
    """The documented outcome (order of checks, docs/bundle-format.md §3) of
    one flipped bit at `byte` of a one-stanza recipient bundle."""
    def within(span):
        return span[0] <= byte < span[1]
    if within(MAGIC) or within(MODE) or within(COUNT) or within(LENGTH):
        return ("E_FORMAT",)
    if within(BUNDLE_ID) or within(HEADER_MAC) or within(NONCE) or byte >= CIPHERTEXT_START:
        return ("E_TAMPERED",)
    if within(TIMES):
        return ("E_TAMPERED", "E_FORMAT")  # E_FORMAT when created > expires or past 9999
    if within(EPHEMERAL):
        return ("E_NOMATCH", "E_FORMAT")  # E_FORMAT only on a low-order point
    if within(STANZA):
        return ("E_NOMATCH",)
    raise AssertionError(byte)


class ExhaustiveBundleTest(BundleTestCase):
    def setUp(self):
        super().setUp()
        self.init_vault()
        self.add_key(K1, "alice", "billing", S1)
        self.srv = self.make_home("server")
        self.identity, pub = self.keygen(self.srv)
        out = self.path("r.akb")
        self.ok("export", K1, "--recipient", pub, "--out", out, "--passphrase-file", self.passfile)
        with open(out, "rb") as f:
            self.data = f.read()
        self.assertEqual(self.data[MODE[0]], 2)
        self.assertEqual(self.data[COUNT[0]], 1)
        self.assertEqual(int.from_bytes(self.data[LENGTH[0]:LENGTH[1]], "big"), len(self.data) - CIPHERTEXT_START)

    def open_bytes(self, data, tag):
        """Opens `data` on the server with --out; returns (Result, whether --out exists)."""
        path = os.path.join(self.srv, "b%s.akb" % tag)
        out = os.path.join(self.srv, "out%s" % tag)
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, 0o600)
        r = self.run_akvault("open", path, "--identity", self.identity, "--out", out, **self.in_home(self.srv))
        os.unlink(path)
        created = os.path.exists(out)
        if created:
            os.unlink(out)
        return r, created

    def many(self, jobs, fn):
        """fn(job) for every job on two workers (the machine has two cores)."""
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            return list(pool.map(fn, jobs))

    def test_a2_every_truncation(self):  # A2
        results = self.many(range(len(self.data)), lambda n: (n,) + self.open_bytes(self.data[:n], "t%d" % n))
        bad = []
        for n, r, created in results:
            # The parser checks every length, so every prefix is a format error,
            # never an authentication failure, never a plaintext, never --out.
            if r.code != EXIT["E_FORMAT"] or r.out or created or S1 in r.err:
                bad.append((n, created, r))
        self.assertEqual(bad[:3], [], "%d of %d truncations misbehaved" % (len(bad), len(self.data)))
        r, created = self.open_bytes(self.data, "whole")
        self.assertEqual(r.code, 0, r)
        self.assertTrue(created)

    def test_a4_every_bit_flip(self):  # A4
        def job(bit):
            flipped = bytearray(self.data)
            flipped[bit // 8] ^= 1 << (bit % 8)
            return (bit,) + self.open_bytes(bytes(flipped), "f%d" % bit)

        bad, codes = [], {}
        for bit, r, created in self.many(range(len(self.data) * 8), job):
            expected = [EXIT[n] for n in expected_for_flip(bit // 8)]
            codes[r.code] = codes.get(r.code, 0) + 1
            if r.code not in expected or r.out or created or S1 in r.err:
                bad.append((bit, expected, created, r))
        self.assertEqual(bad[:3], [], "%d of %d flips misbehaved" % (len(bad), len(self.data) * 8))
        self.assertNotIn(0, codes)
        # The loop met every kind of refusal the layout implies.
        for name in ("E_FORMAT", "E_TAMPERED", "E_NOMATCH"):
            self.assertIn(EXIT[name], codes, codes)


if __name__ == "__main__":
    unittest.main()

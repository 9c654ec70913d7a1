#!/usr/bin/env python3
"""Deterministic corpus for `akvault scan` (bench/scan_bench.py, tests).

  bench/scan_corpus.py OUT_DIR [--files N] [--mb M] [--seed S]

Writes OUT_DIR/tree (a source-like tree: dot-files, an ignored build/ folder,
binaries, minified files) with keys planted in every syntax of issue 12, and
decoys of every kind, and OUT_DIR/truth.json:
  {"ids": [[relpath, line, id]...], "secrets": [[relpath, line, id]...],
   "vault": [[id, secret]...], "decoys": N}
Vault keys are the planted pairs: their IDs and secrets must all be found
(the secrets also where no ID is near); no decoy may be.
"""
import argparse
import json
import os
import random
import string

ALNUM = string.ascii_letters + string.digits


def rid(rng, legacy=False):
    while True:
        body = "".join(rng.choice(ALNUM) for _ in range(12 if legacy else 20))
        # keep planted IDs clear of the placeholder rules (as issued IDs are)
        low = body.lower()
        if any(w in low for w in ("example", "sample", "dummy", "placeholder", "your", "fake", "xxxx", "test",
                                  "demo", "changeme", "redacted", "mock")):
            continue
        return "LTAI" + body


def rsecret(rng):
    return "".join(rng.choice(ALNUM) for _ in range(30))


# Each syntax: (relative path pattern, template). {id} and {secret} are filled in.
SYNTAXES = [
    ("svc{n}/.env", "ALIBABA_CLOUD_ACCESS_KEY_ID={id}\nALIBABA_CLOUD_ACCESS_KEY_SECRET={secret}\n"),
    ("svc{n}/config.yaml", "aliyun:\n  access_key_id: {id}\n  access_key_secret: \"{secret}\"\n"),
    ("svc{n}/creds.json", '{{"AccessKeyId": "{id}", "AccessKeySecret": "{secret}"}}\n'),
    ("svc{n}/.aliyun/config.ini", "[default]\ntype = access_key\naccess_key_id = {id}\naccess_key_secret = {secret}\n"),
    ("svc{n}/client.py", "from aliyunsdkcore.client import AcsClient\nc = AcsClient('{id}', '{secret}', 'cn-hangzhou')\n"),
    ("svc{n}/Main.java", "class Main {{\n  String ak = \"{id}\";\n  String sk = \"{secret}\";\n}}\n"),
    ("svc{n}/main.go", "package main\nvar cfg = Config{{AccessKeyId: tea.String(\"{id}\"), AccessKeySecret: tea.String(\"{secret}\")}}\n"),
    ("svc{n}/index.js", "const client = new Client({{ accessKeyId: `{id}`, accessKeySecret: '{secret}' }});\n"),
    ("svc{n}/main.tf", "provider \"alicloud\" {{\n  access_key = \"{id}\"\n  secret_key = \"{secret}\"\n}}\n"),
    ("svc{n}/deploy.sh", "#!/bin/sh\nexport ALICLOUD_ACCESS_KEY={id}\nexport ALICLOUD_SECRET_KEY={secret}\n"),
    ("logs/app{n}.log", "2026-01-02T03:04:05Z INFO GET /?AccessKeyId={id}&Signature=x&Secret={secret} 200\n"),
    ("downloads/AccessKey{n}.csv", "AccessKey ID,AccessKey Secret\n{id},{secret}\n"),
    ("notes/chat{n}.txt", "张三: 测试环境的AK是{id}，密钥{secret}，用完删掉\n"),
    ("svc{n}/pom.xml", "<config><AccessKeyId>{id}</AccessKeyId><AccessKeySecret>{secret}</AccessKeySecret></config>\n"),
    ("svc{n}/backup.sh", "ossutil cp x oss://{id}:{secret}@bucket/x\n"),
    ("build/out{n}/app.properties", "ak={id}\nsk={secret}\n"),  # in the ignored folder
    ("svc{n}/vendor.min.js", None),  # minified: filled in below
    ("bin/tool{n}.bin", None),       # binary
    ("svc{n}/README.md", "Key for staging: `{id}` (secret `{secret}`)\n"),
    ("svc{n}/legacy.ini", "accessKeyId={legacy}\naccessKeySecret={secret}\n"),
]

DECOYS = [
    "LTAIxxxxxxxxxxxxxxxxxxxx", "LTAI5tXXXXXXXXXXXXXXXXXX", "LTAI****************", "LTAI5t****",
    "LTAI5tEXAMPLEEXAMPLE1234", "LTAIyourAccessKeyId12345", "LTAI00000000000000000000",
    "LTAI12345678901234567890", "LTAIabcdefghijklmnopqrst", "${ALIBABA_CLOUD_ACCESS_KEY_ID}",
]


def decoy(rng):
    kind = rng.randrange(6)
    if kind == 0:
        return rng.choice(DECOYS)                       # placeholders, masked
    if kind == 1:
        return "x" + rid(rng)                            # inside a longer token
    if kind == 2:
        return rid(rng) + rng.choice(ALNUM)              # too long (25)
    if kind == 3:
        return rid(rng)[:rng.choice([17, 18, 20, 22, 23])]  # wrong length
    if kind == 4:
        return "ltai" + rid(rng)[4:]                     # wrong case
    return rsecret(rng)                                  # a 30-char token that is no vault secret


FILLER_WORDS = ("import os sys def return class value config request client region endpoint bucket "
                "object list map key name data result error retry timeout cache").split()


def filler(rng, size):
    out = []
    n = 0
    while n < size:
        line = " ".join(rng.choice(FILLER_WORDS) for _ in range(rng.randrange(3, 14)))
        if rng.random() < 0.05:
            line += " sha=" + "".join(rng.choice("0123456789abcdef") for _ in range(40))
        out.append(line)
        n += len(line) + 1
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--files", type=int, default=20000)
    ap.add_argument("--mb", type=float, default=200.0)
    ap.add_argument("--pairs", type=int, default=240)
    ap.add_argument("--decoys", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    tree = os.path.join(args.out, "tree")
    os.makedirs(tree, exist_ok=True)
    with open(os.path.join(tree, ".gitignore"), "w") as f:
        f.write("build/\n*.log\n")
    truth = {"ids": [], "secrets": [], "vault": [], "decoys": 0}
    avg = int(args.mb * 1e6 / args.files)

    def write(rel, data):
        p = os.path.join(tree, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "ab") as f:
            f.write(data if isinstance(data, bytes) else data.encode())

    planted = 0
    for i in range(args.pairs):
        rel_t, tmpl = SYNTAXES[i % len(SYNTAXES)]
        rel = rel_t.format(n=i)
        legacy = "legacy" in rel
        akid = rid(rng, legacy=legacy)
        secret = rsecret(rng)
        head = filler(rng, rng.randrange(0, 2000))
        head_lines = head.count("\n")
        if tmpl is None and rel.endswith(".min.js"):
            body = ("!function(){var a=1;" * 50) + 'var k="%s",s="%s";' % (akid, secret) + ("b();" * 200) + "}();"
            id_line = sec_line = head_lines + 1
            text = head + body + "\n"
        elif tmpl is None:
            blob = bytes(rng.randrange(256) for _ in range(3000))
            data = blob + b"\x00" + akid.encode() + b"\x00\x07" + secret.encode() + b"\x00" + blob
            write(rel, data)
            truth["ids"].append([rel, None, akid])
            truth["secrets"].append([rel, None, akid])
            truth["vault"].append([akid, secret])
            planted += 1
            continue
        else:
            body = tmpl.format(id=akid, secret=secret, legacy=akid)
            lines = body.split("\n")
            id_line = head_lines + 1 + next(k for k, l in enumerate(lines) if akid in l)
            sec_line = head_lines + 1 + next(k for k, l in enumerate(lines) if secret in l)
            text = head + body
        write(rel, text)
        truth["ids"].append([rel, id_line, akid])
        truth["secrets"].append([rel, sec_line, akid])
        truth["vault"].append([akid, secret])
        planted += 1
    # decoys, in their own files and inside planted syntaxes' neighbours
    for i in range(args.decoys):
        d = decoy(rng)
        write("src/decoys/d%d.txt" % (i % 50), "value: %s\n" % d)
        truth["decoys"] += 1
    # filler files up to the size and count
    made = args.pairs + 50
    k = 0
    while made < args.files:
        ext = rng.choice([".py", ".java", ".go", ".js", ".md", ".txt", ".yaml", ".json"])
        sub = "pkg%d/mod%d" % (k % 97, k % 13)
        size = max(100, int(rng.expovariate(1.0 / avg)))
        name = ("." if k % 40 == 0 else "") + "f%d%s" % (k, ext)
        write(os.path.join(sub, name), filler(rng, size))
        made += 1
        k += 1
    with open(os.path.join(args.out, "truth.json"), "w") as f:
        json.dump(truth, f)
    # The vault's keys, for `akvault import` (which refuses a CSV others can read).
    csv_path = os.path.join(args.out, "keys.csv")
    with open(os.open(csv_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write("AccessKey ID,AccessKey Secret\n")
        for akid, secret in truth["vault"]:
            f.write("%s,%s\n" % (akid, secret))
    os.chmod(csv_path, 0o600)
    print("corpus: %d files, %d planted pairs, %d decoys in %s" % (made, planted, truth["decoys"], tree))


if __name__ == "__main__":
    main()

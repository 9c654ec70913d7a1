#!/usr/bin/env python3
"""Deterministic ActionTrail event generator for `akvault trail` (tests, the
compliance how-to and the benchmark).

The same seed and count give the same events, byte for byte, in every
input layout trail reads, and the generator knows the answers: per key the
calls, VPC/internet split, errors, first and last call, and the findings
trail must report. Every ID and address is visibly fake (LTAI5tEXAMPLE...,
documentation ranges 192.0.2/24, 198.51.100/24, 203.0.113/24, private
172.16/12).

  trail_gen.py events --count N --shape SHAPE [--gzip] [--end-day DAY] OUT
      SHAPE: jsonl | array | lookup | sls-json | sls-flat | oss (OUT a folder)
  trail_gen.py instances OUT        DescribeInstances pages + DescribeEipAddresses
  trail_gen.py keys                 the vault's keys, one JSON object per line
  trail_gen.py answers --count N [--end-day DAY]   the expected report (JSON)
"""

import argparse
import datetime
import gzip
import json
import os
import random
import sys

ACCOUNT = "1000000000000001"


def akid(n):
    return "LTAI5tEXAMPLEFAKEKEY%04d" % n


# The keys. `vault`: how the e2e test / how-to records the key (None: not in
# the vault). `sources`: (vpc_id or None, ip) the key calls from.
VPC = "vpc-fakeexample0000000001"
KEYS = [
    dict(akid=akid(1), user="billing-job", weight=30,
         vault=dict(owner="billing", app="billing-job", status="active", policy=["vpc-fakeexample0000000001"]),
         sources=[(VPC, "172.16.1.10"), (VPC, "172.16.1.11")]),
    dict(akid=akid(2), user="ci-deployer", weight=25,
         vault=dict(owner="ci", app="deployer", status="active", policy=["203.0.113.0/28"]),
         sources=[(None, "203.0.113.10"), (None, "203.0.113.11"), (None, "198.51.100.77")]),
    dict(akid=akid(3), user="report-export", weight=20,
         vault=dict(owner="reports", app="export", status="active", policy=None),
         sources=[(None, "192.0.2.45")]),
    dict(akid=akid(4), user="legacy-ftp-sync", weight=10, vault=None,
         sources=[(None, "198.51.100.200")]),
    dict(akid=akid(5), user="old-batch", weight=5,
         vault=dict(owner="batch", app="nightly", status="retired", policy=None),
         sources=[(VPC, "172.16.1.10")]),
    dict(akid=akid(6), user="spare", weight=0,
         vault=dict(owner="ops", app="spare", status="active", policy=None), sources=[]),
    dict(akid=akid(7), user="root", weight=3, root=True, vault=None,
         sources=[(None, "198.51.100.9")]),
]
STS_WEIGHT = 5
CONSOLE_WEIGHT = 2
ACTIONS = [("Ecs", "DescribeInstances", "ecs.cn-hangzhou.aliyuncs.com", "2014-05-26"),
           ("Ecs", "DescribeRegions", "ecs.aliyuncs.com", "2014-05-26"),
           ("Rds", "DescribeDBInstances", "rds.aliyuncs.com", "2014-08-15"),
           ("Oss", "GetBucketInfo", "oss-cn-hangzhou.aliyuncs.com", "2019-05-17"),
           ("Ram", "ListUsers", "ram.aliyuncs.com", "2015-05-01")]
INSTANCES = [
    dict(id="i-fakeexample0000000001", name="billing-1", private="172.16.1.10", vpc=VPC, public=None, eip=None),
    dict(id="i-fakeexample0000000002", name="billing-2", private="172.16.1.11", vpc=VPC, public=None, eip=None),
    dict(id="i-fakeexample0000000003", name="reports", private="172.16.2.20", vpc=VPC, public=None, eip="192.0.2.45"),
    dict(id="i-fakeexample0000000004", name="web", private="172.16.2.21", vpc=VPC, public="192.0.2.80", eip=None),
]


def day(text):
    return datetime.datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=datetime.timezone.utc)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def events(count, end_day):
    """Yields (event dict, kind) with kind the key index, "sts" or "console"."""
    rng = random.Random(20261105)
    end = day(end_day) + datetime.timedelta(days=1)
    start = end - datetime.timedelta(days=7)
    last_day = end - datetime.timedelta(days=1)
    span = (end - start).total_seconds()
    weights = [k["weight"] for k in KEYS] + [STS_WEIGHT, CONSOLE_WEIGHT]
    kinds = list(range(len(KEYS))) + ["sts", "console"]
    for i in range(count):
        t = start + datetime.timedelta(seconds=int(span * i / max(count, 1)))
        kind = rng.choices(kinds, weights)[0]
        if kind == 4 and t < last_day:  # the retired key calls on the last day only
            kind = 1
        service, action, source, version = ACTIONS[rng.randrange(len(ACTIONS))]
        ev = {
            "eventVersion": "1" if i % 2 else 1,
            "eventId": "%08x-fake-4000-8000-%012x" % (i, i),
            "eventType": "ApiCall",
            "eventCategory": "Management",
            "eventRW": "Read",
            "eventName": action,
            "eventSource": source,
            "serviceName": service,
            "apiVersion": version,
            "acsRegion": "cn-hangzhou",
            "eventTime": iso(t),
            "requestId": "%08X-FAKE-4000-8000-%012X" % (i, i),
            "userAgent": "aliyun-sdk-python/2.0 Python/3.11 Linux \u4e2d\u6587",
            "requestParameters": {"RegionId": "cn-hangzhou", "PageSize": 50, "PageNumber": 1,
                                  "Tag": [{"Key": "env", "Value": "prod"}], "Filter": "\"quoted\" \\ path"},
            "responseElements": {"RequestId": "%08X-FAKE" % i, "TotalCount": rng.randrange(100)},
            "additionalEventData": {"Scheme": "https"},
            "referencedResources": {"ACS::ECS::Instance": ["i-fakeexample%010d" % rng.randrange(10)]},
            "recipientAccountId": ACCOUNT,
            "isGlobal": False,
            "errorCode": "",
            "errorMessage": "",
        }
        if kind == "console":
            ev["eventType"] = "ConsoleSignin"
            ev["eventName"] = "ConsoleSignin"
            ev["serviceName"] = "AasSub"
            ev["sourceIpAddress"] = "198.51.100.50"
            ev["userIdentity"] = {"type": "root-account", "principalId": ACCOUNT, "accountId": ACCOUNT,
                                  "userName": "root"}
        elif kind == "sts":
            ev["sourceIpAddress"] = "172.16.2.21"
            ev["vpcId"] = VPC
            ev["userIdentity"] = {"type": "assumed-role", "principalId": "3000:inv", "accountId": ACCOUNT,
                                  "userName": "EcsRoleForInventory:i-fakeexample0000000004",
                                  "accessKeyId": "STS.NUFAKEEXAMPLE%08d" % (i % 7)}
        else:
            key = KEYS[kind]
            vpc, ip = key["sources"][rng.randrange(len(key["sources"]))]
            ev["sourceIpAddress"] = ip
            if vpc:
                ev["vpcId"] = vpc
            elif i % 3 == 0:
                ev["vpcId"] = None  # a null vpcId is an internet call too
            ev["userIdentity"] = {"type": "root-account" if key.get("root") else "ram-user",
                                  "principalId": "2000%012d" % kind, "accountId": ACCOUNT,
                                  "userName": key["user"], "accessKeyId": key["akid"]}
            if rng.random() < 0.05:
                ev["errorCode"] = "Forbidden.RAM"
                ev["errorMessage"] = "User not authorized to operate on the specified resource."
        yield ev, kind


def flatten(prefix, value, out):
    if isinstance(value, dict):
        for k, v in value.items():
            flatten(prefix + "." + k, v, out)
    else:
        out[prefix] = value if isinstance(value, str) or value is None else json.dumps(value)


def write_events(args):
    opener = (lambda p: gzip.open(p, "wt", encoding="utf-8", compresslevel=6)) if args.gzip else \
        (lambda p: open(p, "w", encoding="utf-8"))
    gen = events(args.count, args.end_day)
    dumps = lambda v: json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    if args.shape == "oss":
        # An OSS delivery download: AliyunLogs/Actiontrail/<region>/<YYYY>/<MM>/<DD>/Actiontrail_....gz,
        # one event per line, a file per 1,000 events.
        batch, n = [], 0

        def flush():
            nonlocal batch, n
            if not batch:
                return
            t = batch[0]["eventTime"]
            folder = os.path.join(args.out, "AliyunLogs", "Actiontrail", "cn-hangzhou", t[0:4], t[5:7], t[8:10])
            os.makedirs(folder, exist_ok=True)
            name = "Actiontrail_cn-hangzhou_%s_1002_%d_%d_fake%04d.gz" % (
                t.replace("-", "").replace(":", "").replace("T", "")[:14], len(batch), 0, n)
            with gzip.open(os.path.join(folder, name), "wt", encoding="utf-8") as f:
                for e in batch:
                    f.write(dumps(e) + "\n")
            batch, n = [], n + 1

        for ev, _ in gen:
            batch.append(ev)
            if len(batch) == 1000:
                flush()
        flush()
        return
    with opener(args.out) as f:
        if args.shape == "jsonl":
            for ev, _ in gen:
                f.write(dumps(ev) + "\n")
        elif args.shape == "array":
            f.write("[\n")
            first = True
            for ev, _ in gen:
                f.write(("" if first else ",\n") + dumps(ev))
                first = False
            f.write("\n]\n")
        elif args.shape == "lookup":
            # LookupEvents pages of 50 as the aliyun CLI prints them (indented).
            page, n = [], 0
            for ev, _ in gen:
                page.append(ev)
                if len(page) == 50:
                    f.write(json.dumps({"RequestId": "FAKE-%d" % n, "NextToken": "tok%d" % (n + 1),
                                        "Events": page}, ensure_ascii=False, indent=2) + "\n")
                    page, n = [], n + 1
            f.write(json.dumps({"RequestId": "FAKE-%d" % n, "NextToken": "", "Events": page},
                               ensure_ascii=False, indent=2) + "\n")
        elif args.shape == "sls-json":
            for ev, _ in gen:
                f.write(dumps({"__topic__": "actiontrail_audit_event", "__source__": "actiontrail",
                               "__time__": ev["eventTime"], "event": dumps(ev)}) + "\n")
        elif args.shape == "sls-flat":
            for ev, _ in gen:
                rec = {"__topic__": "actiontrail_event", "owner_id": ACCOUNT}
                flatten("event", ev, rec)
                f.write(dumps(rec) + "\n")
        else:
            sys.exit("unknown shape " + args.shape)


def write_instances(args):
    pages = []
    for i in range(0, len(INSTANCES), 2):
        items = []
        for inst in INSTANCES[i:i + 2]:
            items.append({"InstanceId": inst["id"], "InstanceName": inst["name"], "RegionId": "cn-hangzhou",
                          "InstanceNetworkType": "vpc",
                          "VpcAttributes": {"VpcId": inst["vpc"], "VSwitchId": "vsw-fakeexample01",
                                            "PrivateIpAddress": {"IpAddress": [inst["private"]]}, "NatIpAddress": ""},
                          "PublicIpAddress": {"IpAddress": [inst["public"]] if inst["public"] else []},
                          "EipAddress": {"IpAddress": inst["eip"] or "", "AllocationId": "eip-fake%s" % inst["id"][-2:]
                                         if inst["eip"] else ""}})
        pages.append({"RequestId": "FAKE-%d" % i, "TotalCount": len(INSTANCES), "PageNumber": i // 2 + 1,
                      "PageSize": 2, "Instances": {"Instance": items}})
    with open(args.out, "w") as f:
        json.dump(pages, f, indent=2)


def answers(count, end_day):
    keys = {}
    sts = console = 0
    for ev, kind in events(count, end_day):
        if kind == "sts":
            sts += 1
            continue
        if kind == "console":
            console += 1
            continue
        k = KEYS[kind]
        a = keys.setdefault(k["akid"], dict(calls=0, vpc_calls=0, internet_calls=0, error_calls=0,
                                            first_call=ev["eventTime"], last_call=ev["eventTime"]))
        a["calls"] += 1
        a["vpc_calls" if ev.get("vpcId") else "internet_calls"] += 1
        a["error_calls"] += 1 if ev["errorCode"] else 0
        a["last_call"] = ev["eventTime"]
    findings = set()
    for k in KEYS:
        a = keys.get(k["akid"])
        v = k["vault"]
        if a is None:
            if v and v["status"] != "retired":
                findings.add(("warning", "unused-key", k["akid"]))
            continue
        if v is None:
            findings.add(("error", "not-in-vault", k["akid"]))
        if k.get("root"):
            findings.add(("error", "main-account-key", k["akid"]))
        if v and v["status"] == "retired":
            findings.add(("error", "retired-key-used", k["akid"]))
    # What the scenario was built to show (checked against the sources above).
    findings.add(("warning", "ram-role-candidate", akid(1)))   # both private IPs are instances
    findings.add(("error", "outside-policy", akid(2)))         # 198.51.100.77 is outside 203.0.113.0/28
    findings.add(("warning", "internet-not-own", akid(2)))
    findings.add(("warning", "ram-role-candidate", akid(3)))   # 192.0.2.45 is i-...03's EIP
    findings.add(("info", "no-policy", akid(3)))
    findings.add(("warning", "internet-not-own", akid(4)))
    findings.add(("warning", "internet-not-own", akid(7)))
    findings.add(("warning", "ram-role-candidate", akid(5)))   # 172.16.1.10 is i-...01
    return {"keys": keys, "sts_calls": sts, "calls_without_accesskey": console,
            "findings": sorted([list(f) for f in findings])}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("events")
    e.add_argument("--count", type=int, default=1000)
    e.add_argument("--shape", default="jsonl")
    e.add_argument("--gzip", action="store_true")
    e.add_argument("--end-day", default="2026-11-07")
    e.add_argument("out")
    i = sub.add_parser("instances")
    i.add_argument("out")
    sub.add_parser("keys")
    a = sub.add_parser("answers")
    a.add_argument("--count", type=int, default=1000)
    a.add_argument("--end-day", default="2026-11-07")
    args = p.parse_args()
    if args.cmd == "events":
        write_events(args)
    elif args.cmd == "instances":
        write_instances(args)
    elif args.cmd == "keys":
        for k in KEYS:
            if k["vault"]:
                print(json.dumps(dict(akid=k["akid"], **k["vault"])))
    else:
        print(json.dumps(answers(args.count, args.end_day), indent=2, sort_keys=True))


if __name__ == "__main__":
    main()

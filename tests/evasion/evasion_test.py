#!/usr/bin/python3
"""End to end: the shipped detections under one evasion technique.

Generates the technique's captures with spanwatch-gen-evasion, runs the sensor on each, and checks per
case: exit status 0, the exact multiset of alert sids from the manifest, that the named counters of the
final stats record are non-zero, that the named anomaly records ("type:event") are present, and that
every EVE line validates against Suricata's schema.

usage: evasion_test.py --sensor BIN --generator BIN --rules DIR --technique NAME --validator PY
                       --schema JSON --work DIR
"""
import argparse
import collections
import json
import os
import shutil
import subprocess
import sys

SKIP = 77


def stats_value(stats, dotted):
    node = stats
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def check_case(args, case, out_dir):
    """Returns a list of failure strings for one case (empty: it behaved as the manifest says)."""
    os.makedirs(out_dir)
    run = subprocess.run([args.sensor, "-c", "/dev/null", "--rules", args.rules, "-r", case["pcap"], "-l", out_dir],
                         capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        return [f"sensor exited {run.returncode}: {run.stderr.strip()}"]
    records = [json.loads(line) for line in open(os.path.join(out_dir, "eve.json"), encoding="utf-8")]
    failures = []
    got = collections.Counter(r["alert"]["signature_id"] for r in records if r["event_type"] == "alert")
    want = collections.Counter(case["sids"])
    if got != want:
        failures.append(f"alerts {sorted(got.elements())}, expected {sorted(want.elements())}")
    stats = [r["stats"] for r in records if r["event_type"] == "stats"]
    final = stats[-1] if stats else {}
    for counter in case["counters_nonzero"]:
        value = stats_value(final, counter)
        if not value:
            failures.append(f"stats.{counter} is {value}, expected non-zero")
    evidence = case["evidence"]
    if evidence and not any(evidence in json.dumps(r, separators=(",", ":")) for r in records
                            if r["event_type"] not in ("alert", "stats", "anomaly")):
        failures.append(f"no app record contains {evidence}")
    anomalies = {f'{r["anomaly"].get("type")}:{r["anomaly"].get("event")}' for r in records
                 if r["event_type"] == "anomaly"}
    for anomaly in case["anomalies"]:
        if anomaly not in anomalies:
            failures.append(f"no anomaly record {anomaly} (seen: {sorted(anomalies)})")
    return failures


def main():
    parser = argparse.ArgumentParser()
    for option in ("sensor", "generator", "rules", "technique", "validator", "schema", "work"):
        parser.add_argument("--" + option, required=True)
    args = parser.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    captures = os.path.join(args.work, "captures")
    subprocess.run([args.generator, "--out", captures, "--technique", args.technique], check=True)
    cases = json.load(open(os.path.join(captures, "manifest.json"), encoding="utf-8"))

    passed, failed = [], []
    eve_files = []
    for case in cases:
        out_dir = os.path.join(args.work, "out", case["name"])
        failures = check_case(args, case, out_dir)
        if os.path.exists(os.path.join(out_dir, "eve.json")):
            eve_files.append(os.path.join(out_dir, "eve.json"))
        label = f'{case["name"]} (expects {case["sids"]}{", parser sees the decoy" if case["decoy_seen"] else ""})'
        if failures:
            failed.append(f"FAIL {label}: " + "; ".join(failures))
        else:
            passed.append(f"ok   {label}")

    schema_note = "schema not checked"
    if eve_files:
        check = subprocess.run([sys.executable, args.validator, "--schema", args.schema] + eve_files,
                               capture_output=True, text=True)
        if check.returncode == 0:
            schema_note = "every EVE line valid"
        elif check.returncode == SKIP:
            schema_note = "schema check skipped: " + check.stderr.strip()
        else:
            failed.append("FAIL EVE schema: " + (check.stdout + check.stderr).strip())

    for line in passed + failed:
        print(line)
    print(f"evasion_{args.technique}: {len(passed)} passed, {len(failed)} failed; {schema_note}")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())

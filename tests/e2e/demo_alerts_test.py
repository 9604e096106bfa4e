#!/usr/bin/python3
"""End to end: the shipped rules on the generated demo capture raise exactly the expected alerts, one
per flow and detection, with the evidence a SOC analyst needs in the metadata, and nothing else.

usage: demo_alerts_test.py SENSOR GENERATOR RULES_DIR WORKDIR
"""
import json
import os
import shutil
import subprocess
import sys

# (signature id, client, server port) -> metadata that must be present
EXPECTED = {
    (9100001, "10.20.5.77", 445): {"users": ["alice"], "last_status": ["STATUS_LOGON_FAILURE"]},
    (9100009, "10.20.5.77", 445): {"user": ["CORP\\alice"]},
    (9100002, "198.51.100.23", 21): {"announced_address": ["192.168.1.50"], "interpretation": ["client behind NAT"]},
    (9100003, "198.51.100.23", 21): {"user": ["alice"]},
    (9100003, "10.20.5.80", 21): {"user": ["bob"]},
    (9100004, "2001:db8::81", 110): {"user": ["carol"], "mechanism": ["USER/PASS"]},
    (9100005, "10.20.5.91", 443): {"client_max_version": ["TLS 1.2"], "negotiated_version": ["TLS 1.0"]},
    (9100005, "10.20.5.92", 443): {"fallback_scsv": ["true"]},
    (9100006, "10.20.5.90", 443): {"negotiated_version": ["TLS 1.0"]},
    (9100006, "10.20.5.91", 443): {"negotiated_version": ["TLS 1.0"]},
    (9100007, "10.20.5.90", 443): {"cipher_name": ["TLS_RSA_WITH_AES_128_CBC_SHA"]},
    (9100007, "10.20.5.91", 443): {"cipher_name": ["TLS_RSA_WITH_AES_128_CBC_SHA"]},
}


def main():
    sensor, generator, rules, work = sys.argv[1:5]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    pcap = os.path.join(work, "demo.pcap")
    subprocess.run([generator, "--profile", "demo", "--seed", "1", "--out", pcap], check=True, capture_output=True)
    run = subprocess.run([sensor, "-c", "/dev/null", "--rules", rules, "-r", pcap, "-l", work],
                         capture_output=True, text=True, timeout=60)
    failures = []
    if run.returncode != 0:
        failures.append(f"sensor exited {run.returncode}: {run.stderr}")
    alerts = [json.loads(l) for l in open(os.path.join(work, "eve.json"))]
    alerts = [e for e in alerts if e["event_type"] == "alert"]
    seen = {}
    for a in alerts:
        key = (a["alert"]["signature_id"], a["src_ip"], a["dest_port"])
        seen[key] = seen.get(key, 0) + 1
        if key not in EXPECTED:
            failures.append(f"unexpected alert {key}: {a['alert']['signature']}")
            continue
        metadata = a["alert"].get("metadata", {})
        for field, value in EXPECTED[key].items():
            if metadata.get(field) != value:
                failures.append(f"alert {key} metadata {field}={metadata.get(field)}, expected {value}")
        for field in ("signature", "category", "severity", "rev", "gid", "action"):
            if field not in a["alert"]:
                failures.append(f"alert {key} lacks alert.{field}")
    for key in EXPECTED:
        if seen.get(key, 0) != 1:
            failures.append(f"alert {key} raised {seen.get(key, 0)} times, expected once")
    if f"alerts    {len(EXPECTED)} " not in run.stdout:
        failures.append(f"summary does not count {len(EXPECTED)} alerts:\n{run.stdout}")
    for f in failures:
        print("FAIL:", f)
    if not failures:
        print(f"{len(alerts)} alerts as expected")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""End to end: generate the foundation capture (VLAN, QinQ, IPv6, IPv4/IPv6 fragments, out-of-order,
retransmitted and overlapping TCP segments, midstream, malformed frames) with its ground-truth manifest,
run the sensor on it, and check that eve.json's stats and anomaly records say what the capture holds.
Also reads the same traffic as pcapng and as nanosecond pcap, and as two files in a row.

usage: foundation_test.py SENSOR GENERATOR WORKDIR
"""
import json
import os
import shutil
import subprocess
import sys


def run_sensor(sensor, pcaps, logdir):
    os.makedirs(logdir, exist_ok=True)
    # Parsers off: every flow is reassembled, so the stream counters cover all of the capture's TCP
    # (with parsers on, flows no parser recognises are bypassed after their first bytes).
    cmd = [sensor, "-c", "/dev/null", "--set", "protocols.enabled=false", "-l", logdir]
    for p in pcaps:
        cmd += ["-r", p]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr}")
    with open(os.path.join(logdir, "eve.json")) as fh:
        events = [json.loads(line) for line in fh]
    return events, proc.stdout


def final_stats(events):
    stats = [e for e in events if e["event_type"] == "stats"]
    if not stats:
        raise AssertionError("no stats record in eve.json")
    return stats[-1]["stats"]


def get(stats, path):
    node = stats
    for part in path.split("."):
        node = node.get(part, 0) if isinstance(node, dict) else 0
    return node


class Checker:
    def __init__(self, name):
        self.name, self.failures = name, 0

    def equal(self, what, got, expected):
        if got != expected:
            print(f"FAIL [{self.name}] {what}: sensor says {got}, capture holds {expected}")
            self.failures += 1


def check_one(checker, events, m, files=1):
    s = final_stats(events)
    n = files  # the same capture read `files` times in a row
    checker.equal("decoder.pkts", get(s, "decoder.pkts"), n * m["packets"])
    checker.equal("decoder.bytes", get(s, "decoder.bytes"), n * m["bytes"])
    checker.equal("decoder.ipv4", get(s, "decoder.ipv4"), n * m["ipv4"])
    checker.equal("decoder.ipv6", get(s, "decoder.ipv6"), n * m["ipv6"])
    checker.equal("decoder.vlan", get(s, "decoder.vlan"), n * m["vlan_tagged"])
    checker.equal("decoder.vlan_qinq", get(s, "decoder.vlan_qinq"), n * m["qinq"])
    checker.equal("decoder.arp", get(s, "decoder.arp"), n * m["arp"])
    checker.equal("decoder.invalid", get(s, "decoder.invalid"), n * m["malformed_frames"])
    checker.equal("defrag.ipv4.fragments", get(s, "defrag.ipv4.fragments"), n * m["ipv4_fragments"])
    checker.equal("defrag.ipv6.fragments", get(s, "defrag.ipv6.fragments"), n * m["ipv6_fragments"])
    # A datagram with overlapping fragments is still complete: first data wins, it is reassembled.
    checker.equal("defrag.ipv4.reassembled", get(s, "defrag.ipv4.reassembled"),
                  n * (m["ipv4_reassembled"] + m["overlapping_fragment_datagrams"]))
    checker.equal("defrag.ipv6.reassembled", get(s, "defrag.ipv6.reassembled"), n * m["ipv6_reassembled"])
    checker.equal("decoder.event.ipv4.frag_overlap", get(s, "decoder.event.ipv4.frag_overlap"),
                  n * m["overlapping_fragment_datagrams"])
    if files == 1:
        # Read twice in a row, the second copy's flows meet the first's (same tuples): counts differ.
        checker.equal("flow.tcp", get(s, "flow.tcp"), m["tcp_flows"])
        checker.equal("flow.udp", get(s, "flow.udp"), m["udp_flows"])
        checker.equal("tcp.midstream_pickups", get(s, "tcp.midstream_pickups"), m["midstream_flows"])
        checker.equal("tcp.overlap", get(s, "tcp.overlap"), m["retransmissions"] + m["overlaps"])
        checker.equal("flow.active at exit", get(s, "flow.active"), 0)
        checker.equal("tcp.active_sessions at exit", get(s, "tcp.active_sessions"), 0)
    anomalies = [e for e in events if e["event_type"] == "anomaly"]
    checker.equal("anomaly records", len(anomalies),
                  n * (m["malformed_frames"] + m["overlapping_fragment_datagrams"]))
    for e in anomalies:
        if e["anomaly"].get("type") != "decode" or not e["anomaly"].get("event"):
            print(f"FAIL [{checker.name}] anomaly record without type/event: {e}")
            checker.failures += 1
    for e in events:
        if "timestamp" not in e or "event_type" not in e:
            print(f"FAIL [{checker.name}] record without timestamp/event_type: {e}")
            checker.failures += 1


def main():
    sensor, generator, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    failures = 0
    manifest_of = {}
    for fmt in ("pcap", "pcapng", "pcap-ns"):
        pcap = os.path.join(work, f"foundation-{fmt}.pcap")
        manifest = os.path.join(work, f"foundation-{fmt}.json")
        subprocess.run([generator, "--profile", "foundation", "--seed", "7", "--format", fmt, "--out", pcap,
                        "--manifest", manifest], check=True, capture_output=True)
        with open(manifest) as fh:
            manifest_of[fmt] = json.load(fh)
        events, summary = run_sensor(sensor, [pcap], os.path.join(work, f"out-{fmt}"))
        checker = Checker(fmt)
        check_one(checker, events, manifest_of[fmt])
        if f"packets   {manifest_of[fmt]['packets']} " not in summary:
            print(f"FAIL [{fmt}] summary does not report the packet count:\n{summary}")
            checker.failures += 1
        failures += checker.failures
        if fmt == "pcap":
            # Every record names the file it came from; `engine` records (the outputs' counters)
            # describe the sensor, not the capture, and carry none (as Suricata's).
            names = {e.get("pcap_filename") for e in events if e.get("event_type") != "engine"}
            if names != {pcap}:
                print(f"FAIL [pcap] pcap_filename values {names}, expected {{{pcap}}}")
                failures += 1
    # ns and µs files carry the same instants, so the two runs agree on the last timestamp.
    first = os.path.join(work, "foundation-pcap.pcap")
    second = os.path.join(work, "foundation-pcapng.pcap")
    events, _ = run_sensor(sensor, [first, second], os.path.join(work, "out-two-files"))
    checker = Checker("two files")
    check_one(checker, events, manifest_of["pcap"], files=2)
    failures += checker.failures
    if failures:
        print(f"{failures} check(s) failed")
        return 1
    print("eve.json agrees with the generated captures")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""End to end: the sensor under floods and pathological sessions keeps its memory bounded, counts what
it dropped, says what it saw, and still detects the ordinary attack that follows.

  flood_test.py SCENARIO SENSOR GENERATOR SIZES RULES_DIR WORKDIR
    SCENARIO: flood | ftp-commands | smb-outstanding | tls-huge-hello

Every scenario has a control run: the same ordinary session(s) without the flood or with a tiny
pathological session, same options. Memory bound (peak RSS, /usr/bin/time %M):
  flood:        peak <= control peak + flow.memuse + capacity * cold_state + outputs.queue_size + SLACK
                (cold_state: engine::FlowState, one per TCP flow inspected, reserved per flow record but
                outside flow.memcap; see README.md), and the flood run's alerts equal the control's.
  pathological: peak <= control peak + outputs.queue_size + SLACK (the parsers' buffers are fixed-size;
                nothing may grow with the number of commands, requests or handshake bytes).
Captures and outputs are written into WORKDIR and deleted at the end (kept when a check fails).
"""
import collections
import json
import os
import re
import shutil
import subprocess
import sys

SLACK_KIB = 4 * 1024  # allocator arenas, stdio and page-granularity noise between two runs
# Under AddressSanitizer (the sanitizer job) RSS also holds shadow memory (1/8 of what is touched) and
# the allocator's quarantine: the same bound plus room for them, so the runs still check the counters.
if "ASAN_OPTIONS" in os.environ:
    SLACK_KIB += 64 * 1024
# The worker -> output thread record queue (outputs.queue_size): reserved at start, touched as it fills.
# A run that writes a record per packet (the anomaly records of a pathological session) fills it;
# the control run does not, so it is part of the bound.
QUEUE_KIB = 8 * 1024
FLOOD_FLOWS = 1000000
ANOMALY_EVENT = re.compile(r'"anomaly":\{[^}]*"event":"([^"]+)"')
FLOOD_MEMCAP = 16 * 1024 * 1024


def stat(stats, path):
    node = stats
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


class Run:
    """One sensor run under /usr/bin/time: peak RSS (KiB), CPU seconds, and its eve.json read back."""

    def __init__(self, sensor, rules, pcap, out, options):
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        timing = os.path.join(out, "time.txt")
        command = ["/usr/bin/time", "-f", "%M %U %S", "-o", timing, sensor, "-c", "/dev/null", "--rules", rules,
                   "-r", pcap, "-l", out]
        for option in options:
            command += ["--set", option]
        self.proc = subprocess.run(command, capture_output=True, text=True, timeout=300)
        with open(timing) as f:
            fields = f.read().split()[-3:]  # a signal line may precede the numbers
        self.peak_kib = int(fields[0])
        self.cpu = float(fields[1]) + float(fields[2])
        self.records = []
        self.anomalies = collections.Counter()
        eve = os.path.join(out, "eve.json")
        if os.path.exists(eve):
            with open(eve) as f:
                for line in f:
                    # Anomaly records can number a million: counted by name without a JSON parse.
                    anomaly = ANOMALY_EVENT.search(line) if '"event_type":"anomaly"' in line else None
                    if anomaly:
                        self.anomalies[anomaly.group(1)] += 1
                    else:
                        self.records.append(json.loads(line))
        stats = [r["stats"] for r in self.records if r["event_type"] == "stats"]
        self.stats = stats[-1] if stats else {}
        self.alerts = collections.Counter(
            (r["alert"]["signature_id"], r["src_ip"], r["dest_ip"], r["dest_port"])
            for r in self.records if r["event_type"] == "alert")

    def describe(self):
        return f"peak {self.peak_kib} KiB, cpu {self.cpu:.2f} s, exit {self.proc.returncode}"


class Checks:
    def __init__(self):
        self.failures = []

    def check(self, ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            self.failures.append(what)


def generate(generator, scenario, pcap, *args):
    out = subprocess.run([generator, scenario, "--out", pcap, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def check_ran(c, run, name):
    c.check(run.proc.returncode == 0, f"{name}: sensor exits 0 ({run.describe()}) {run.proc.stderr[-500:]}")
    c.check(bool(run.stats), f"{name}: a final stats record was written")


def flood(c, sensor, generator, sizes, rules, work):
    control_pcap = os.path.join(work, "control.pcap")
    flood_pcap = os.path.join(work, "flood.pcap")
    generate(generator, "flood", control_pcap, "--no-flood")
    written = generate(generator, "flood", flood_pcap, "--count", str(FLOOD_FLOWS))
    options = [f"flow.memcap={FLOOD_MEMCAP}", "flow.hash_seed=7", "outputs.eve.types=[alert,smb,anomaly,stats]",
               f"outputs.queue_size={QUEUE_KIB * 1024}"]
    control = Run(sensor, rules, control_pcap, os.path.join(work, "control"), options)
    evicting = Run(sensor, rules, flood_pcap, os.path.join(work, "evict"), options)
    refusing = Run(sensor, rules, flood_pcap, os.path.join(work, "refuse"), options + ["flow.evict_when_full=false"])
    for name, run in (("control", control), ("evict", evicting), ("refuse", refusing)):
        check_ran(c, run, name)
        print(f"     {name}: {run.describe()}")
    if c.failures:
        return

    smb_flows = 6  # the brute force: one connection per attempt
    c.check(control.alerts[(9100001, "10.20.5.77", "10.20.0.10", 445)] == 1,
            f"control: 9100001 fires once for the brute force ({dict(control.alerts)})")
    c.check(evicting.alerts == control.alerts,
            f"flood: the same alerts as without the flood ({dict(evicting.alerts)} vs {dict(control.alerts)})")
    smb_control = [r["smb"] for r in control.records if r["event_type"] == "smb"]
    smb_flood = [r["smb"] for r in evicting.records if r["event_type"] == "smb"]
    c.check(smb_flood == smb_control, f"flood: the same {len(smb_control)} smb records as without it")

    capacity = stat(evicting.stats, "flow.spare")  # every record is free again after the final flush
    memuse = stat(evicting.stats, "flow.memuse")
    total = stat(evicting.stats, "flow.total")
    evicted = stat(evicting.stats, "flow.wrk.flows_evicted")
    timeouts = stat(evicting.stats, "flow.mgr.flows_timeout")
    print(f"     flow table: capacity {capacity}, memuse {memuse}, total {total}, evicted {evicted}, "
          f"timeouts {timeouts}, flood flows {written['count']}")
    c.check(memuse <= FLOOD_MEMCAP, f"flow.memuse {memuse} <= flow.memcap {FLOOD_MEMCAP}")
    c.check(total == FLOOD_FLOWS + smb_flows,
            f"flow.total {total} == {FLOOD_FLOWS} flood + {smb_flows} SMB flows (no SMB flow split by eviction)")
    c.check(stat(evicting.stats, "tcp.midstream_pickups") == 0,
            "no connection was evicted mid-way and picked up again (tcp.midstream_pickups == 0)")
    # The table was full when the capture ended, so everything beyond its capacity was ended early.
    c.check(evicted > 0 and evicted + timeouts == total - capacity,
            f"evicted {evicted} + timeouts {timeouts} == flows beyond capacity {total - capacity}")
    c.check(stat(evicting.stats, "flow.memcap") == 0, "evicting table refuses no flow (flow.memcap == 0)")

    refused = stat(refusing.stats, "flow.memcap")
    c.check(refused > 0 and stat(refusing.stats, "flow.wrk.flows_evicted") == 0,
            f"flow.evict_when_full=false: {refused} flows refused (flow.memcap), none evicted")
    # Every flood flow is one packet: created or refused. (A refused SMB connection counts once per packet.)
    c.check(stat(refusing.stats, "flow.total") + refused >= FLOOD_FLOWS + smb_flows,
            f"refusing table: created {stat(refusing.stats, 'flow.total')} + refused {refused} >= every flow")

    sizes_out = json.loads(subprocess.run([sizes], check=True, capture_output=True, text=True).stdout)
    cold_kib = capacity * sizes_out["cold_state"] // 1024
    bound = control.peak_kib + memuse // 1024 + cold_kib + QUEUE_KIB + SLACK_KIB
    print(f"     bound: control {control.peak_kib} + flow.memuse {memuse // 1024} + cold state {capacity} x "
          f"{sizes_out['cold_state']} B = {cold_kib} + queue {QUEUE_KIB} + slack {SLACK_KIB} = {bound} KiB")
    for name, run in (("evict", evicting), ("refuse", refusing)):
        c.check(run.peak_kib <= bound, f"{name}: peak RSS {run.peak_kib} KiB <= {bound} KiB")


# Pathological scenarios: (generator scenario, full count, control count, options, expected alerts of the
# ordinary session, anomaly that must be reported, stats that must move).
PATHOLOGICAL = {
    "ftp-commands": dict(
        count=1000000, control=64,
        alerts={(9100002, "198.51.100.23", "10.20.0.21", 21): 1, (9100003, "198.51.100.23", "10.20.0.21", 21): 1},
        anomaly="ftp.too_many_pending_commands"),
    "smb-outstanding": dict(
        count=100000, control=16,
        alerts={(9100001, "10.20.5.77", "10.20.0.10", 445): 1},
        anomaly="smb.pending_requests_full"),
    "tls-huge-hello": dict(
        count=0xffffff, control=512,
        alerts={(9100006, "10.20.5.90", "10.20.0.43", 443): 1, (9100007, "10.20.5.90", "10.20.0.43", 443): 1},
        anomaly=None),  # filled from what the sensor names its handshake cap; checked below
}


def pathological(c, scenario, sensor, generator, rules, work):
    spec = PATHOLOGICAL[scenario]
    bad_pcap = os.path.join(work, "bad.pcap")
    control_pcap = os.path.join(work, "control.pcap")
    generate(generator, scenario, bad_pcap, "--count", str(spec["count"]))
    generate(generator, scenario, control_pcap, "--count", str(spec["control"]))
    # stream.depth=0: the parser sees every byte, so its own caps are what is tested, not reassembly's.
    options = ["stream.depth=0", "outputs.eve.types=[alert,anomaly,stats]", f"outputs.queue_size={QUEUE_KIB * 1024}"]
    control = Run(sensor, rules, control_pcap, os.path.join(work, "control"), options)
    bad = Run(sensor, rules, bad_pcap, os.path.join(work, "bad"), options)
    for name, run in (("control", control), (scenario, bad)):
        check_ran(c, run, name)
        print(f"     {name}: {run.describe()}")
    print(f"     anomalies: {dict(bad.anomalies)}")
    if c.failures:
        return
    bound = control.peak_kib + QUEUE_KIB + SLACK_KIB
    c.check(bad.peak_kib <= bound, f"peak RSS {bad.peak_kib} KiB <= control {control.peak_kib} + queue {QUEUE_KIB} "
            f"+ slack {SLACK_KIB} = {bound} KiB")
    for key, count in spec["alerts"].items():
        c.check(bad.alerts[key] == count, f"the ordinary session after the bad one still raises {key} x{count}")
    if spec["anomaly"]:
        c.check(bad.anomalies[spec["anomaly"]] > 0, f"anomaly {spec['anomaly']} reported")
    else:
        named = [a for a in bad.anomalies if a and a.startswith("tls.")]
        c.check(bool(named), f"a tls.* anomaly reports the oversized ClientHello ({dict(bad.anomalies)})")


def main():
    scenario, sensor, generator, sizes, rules, work = sys.argv[1:7]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    c = Checks()
    if scenario == "flood":
        flood(c, sensor, generator, sizes, rules, work)
    else:
        pathological(c, scenario, sensor, generator, rules, work)
    if c.failures:
        print(f"{len(c.failures)} check(s) failed; captures kept in {work}")
        return 1
    shutil.rmtree(work, ignore_errors=True)  # captures and eve.json files run to 100 MB
    return 0


if __name__ == "__main__":
    sys.exit(main())

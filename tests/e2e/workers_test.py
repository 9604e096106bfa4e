#!/usr/bin/python3
"""End to end: several packet workers find what one finds.

  workers_test.py offline SENSOR GENERATOR RULES_DIR VALIDATOR SCHEMA WORKDIR
    On generated captures (demo, and a mixed one), `--set workers=2` (and 3) gives the same alerts
    (signature and flow) and the same application records as workers=1, the same summed counters in
    the final stats record and the run summary, and every line is schema-valid.
  workers_test.py live SENSOR RULES_DIR
    Two workers on one end of a veth pair between two namespaces, in each fanout mode: FTP logins
    between 16 address pairs (3 connections each) are each seen once (one alert per connection, no flow split across
    workers, no packet seen twice), both workers get traffic, and every thread (the workers
    included) runs without privileges. Exits 77 where namespaces cannot be made.
"""
import collections
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77


def read_eve(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def flow_key(record):
    return (record.get("src_ip"), record.get("src_port"), record.get("dest_ip"), record.get("dest_port"),
            record.get("proto"), record.get("vlan") and tuple(record["vlan"]))


def comparable(record):
    """A record without what legitimately differs between runs: flow ids are drawn per worker."""
    record = dict(record)
    record.pop("flow_id", None)
    return json.dumps(record, sort_keys=True)


# Final stats counters that must not depend on how many workers ran.
SUMMED_STATS = [
    "decoder.pkts", "decoder.bytes", "decoder.ipv4", "decoder.ipv6", "decoder.tcp", "decoder.udp",
    "decoder.vlan", "decoder.avg_pkt_size", "decoder.max_pkt_size", "flow.total", "flow.tcp", "flow.udp",
    "tcp.sessions", "tcp.syn", "tcp.synack", "tcp.reassembly_gap", "app_layer.flow.tls", "app_layer.flow.ftp",
    "app_layer.flow.pop3", "app_layer.flow.smb", "app_layer.tx.tls", "app_layer.tx.ftp", "app_layer.tx.smb",
    "app_layer.tx.pop3", "detect.alert",
]


def stat(stats, path):
    node = stats
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def run_offline(sensor, pcap, rules, out, workers):
    shutil.rmtree(out, ignore_errors=True)
    # A fixed mask key: masked secrets in app records are then comparable between runs.
    run = subprocess.run([sensor, "-c", "/dev/null", "--rules", rules, "-r", pcap, "-l", out,
                          "--set", f"workers={workers}", "--set", "protocols.credentials.mask_key=workers-test"],
                         capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        sys.exit(f"FAIL: workers={workers} on {pcap} exited {run.returncode}: {run.stderr}")
    return run.stdout, read_eve(os.path.join(out, "eve.json"))


def summary_line(summary, name):
    return next((l for l in summary.splitlines() if l.strip().startswith(name)), "")


def compare(label, base, other, failures):
    base_summary, base_eve = base
    other_summary, other_eve = other
    for event_type in sorted({e["event_type"] for e in base_eve + other_eve} - {"stats"}):
        a = collections.Counter(comparable(e) for e in base_eve if e["event_type"] == event_type)
        b = collections.Counter(comparable(e) for e in other_eve if e["event_type"] == event_type)
        if a != b:
            missing, extra = list((a - b).elements()), list((b - a).elements())
            failures.append(f"{label}: {event_type} records differ: {len(missing)} missing, {len(extra)} extra; "
                            f"first missing {missing[:1]}, first extra {extra[:1]}")
    alerts = lambda eve: collections.Counter((e["alert"]["signature_id"],) + flow_key(e)
                                             for e in eve if e["event_type"] == "alert")
    if alerts(base_eve) != alerts(other_eve):
        failures.append(f"{label}: alerts by (sid, flow) differ")
    if not alerts(base_eve) and "demo" in label:
        failures.append(f"{label}: no alerts at all: the comparison would prove nothing")
    base_stats = [e for e in base_eve if e["event_type"] == "stats"][-1]["stats"]
    other_stats = [e for e in other_eve if e["event_type"] == "stats"][-1]["stats"]
    for path in SUMMED_STATS:
        if stat(base_stats, path) != stat(other_stats, path):
            failures.append(f"{label}: final stats {path} = {stat(other_stats, path)}, one worker: {stat(base_stats, path)}")
    for name in ("packets", "flows", "events", "alerts"):
        if summary_line(base_summary, name) != summary_line(other_summary, name):
            failures.append(f"{label}: summary '{summary_line(other_summary, name)}', one worker: "
                            f"'{summary_line(base_summary, name)}'")


def offline(sensor, generator, rules, validator, schema, work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    failures = []
    captures = {"demo": ["--profile", "demo", "--seed", "1"],
                "mixed": ["--profile", "mixed", "--seed", "7", "--size-mb", "12"]}
    eve_files = []
    for name, args in captures.items():
        pcap = os.path.join(work, name + ".pcap")
        subprocess.run([generator, *args, "--out", pcap], check=True, capture_output=True)
        base = run_offline(sensor, pcap, rules, os.path.join(work, f"{name}-1"), 1)
        if summary_line(base[0], "workers").split() != ["workers", "1"]:
            failures.append(f"{name}: the summary does not say one worker ran: {base[0]}")
        eve_files.append(os.path.join(work, f"{name}-1", "eve.json"))
        for workers in (2, 3):
            other = run_offline(sensor, pcap, rules, os.path.join(work, f"{name}-{workers}"), workers)
            if summary_line(other[0], "workers").split() != ["workers", str(workers)]:
                failures.append(f"{name}: the summary does not say {workers} workers ran: {other[0]}")
            compare(f"{name} workers={workers}", base, other, failures)
            eve_files.append(os.path.join(work, f"{name}-{workers}", "eve.json"))
    validation = subprocess.run([sys.executable, validator, "--schema", schema, *eve_files],
                                capture_output=True, text=True)
    if validation.returncode == SKIP:
        print("schema check skipped:", validation.stderr.strip())
    elif validation.returncode != 0:
        failures.append("schema: " + validation.stdout + validation.stderr)
    for f in failures:
        print("FAIL:", f)
    if not failures:
        print("workers=2 and 3 give the same alerts, records and counters as one worker (demo, mixed)")
    return 1 if failures else 0


# ---- live -------------------------------------------------------------------------------------

SERVER = r'''
import socket, sys, threading
def serve(address):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((address, 21)); s.listen(64); s.settimeout(20)
    while True:
        try:
            c, _ = s.accept()
        except OSError:
            return
        f = c.makefile("rb")
        c.sendall(b"220 ready\r\n"); f.readline()
        c.sendall(b"331 Password required\r\n"); f.readline()
        c.sendall(b"230 Login successful\r\n"); f.readline()
        c.sendall(b"221 Goodbye\r\n"); c.close()
for a in sys.argv[1:]:
    threading.Thread(target=serve, args=(a,), daemon=True).start()
print("listening", flush=True)
threading.Event().wait(30)
'''

CLIENT = r'''
import socket, sys
clients, servers = sys.argv[1].split(","), sys.argv[2].split(",")
for c in clients:
    for s in servers * 3:
        k = socket.socket(); k.bind((c, 0)); k.settimeout(5); k.connect((s, 21))
        f = k.makefile("rb")
        f.readline(); k.sendall(b"USER alice\r\n"); f.readline(); k.sendall(b"PASS secret\r\n"); f.readline()
        k.sendall(b"QUIT\r\n"); f.readline(); k.close()
'''


def sh(*args, check=True):
    return subprocess.run(args, check=check, capture_output=True, text=True)


def live_run(sensor, rules, tag, mode, failures):
    ns_c, ns_s, veth_c, veth_s = tag + "c", tag + "s", tag + "a", tag + "b"
    clients = [f"10.198.1.{i}" for i in range(1, 5)]
    servers = [f"10.198.1.{i}" for i in range(101, 105)]
    work = tempfile.mkdtemp()
    sensor_process = server = None
    try:
        if sh("ip", "netns", "add", ns_c, check=False).returncode != 0 or \
           sh("ip", "netns", "add", ns_s, check=False).returncode != 0:
            return SKIP
        # No IPv6: its neighbour discovery would add flows the checks below do not expect.
        for ns in (ns_c, ns_s):
            for scope in ("all", "default"):
                sh("ip", "netns", "exec", ns, "sysctl", "-qw", f"net.ipv6.conf.{scope}.disable_ipv6=1")
        if sh("ip", "link", "add", veth_c, "netns", ns_c, "type", "veth", "peer", "name", veth_s, "netns", ns_s,
              check=False).returncode != 0:
            return SKIP
        for ns, dev, addresses in ((ns_c, veth_c, clients), (ns_s, veth_s, servers)):
            for a in addresses:
                sh("ip", "-n", ns, "addr", "add", a + "/24", "dev", dev)
            sh("ip", "-n", ns, "link", "set", dev, "up")
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        log = open(os.path.join(work, "log"), "w+")
        summary = open(os.path.join(work, "summary"), "w+")
        sensor_process = subprocess.Popen(
            ["ip", "netns", "exec", ns_s, sensor, "-c", "/dev/null", "--rules", rules, "-i", veth_s,
             "-l", os.path.join(work, "logs"), "--set", "workers=2", "--set", f"capture.fanout={mode}",
             "--set", "run_as.user=nobody"], stdout=summary, stderr=log)
        for _ in range(100):
            if "2 packet workers" in open(log.name).read() or sensor_process.poll() is not None:
                break
            time.sleep(0.1)
        text = open(log.name).read()
        if "2 packet workers" not in text:
            failures.append(f"{mode}: the sensor did not start 2 workers: {text}")
            return 1
        # Every thread, the workers included, runs as nobody with no capability (`ip netns exec`
        # execs the sensor: the process is the sensor itself).
        nobody = sh("id", "-u", "nobody").stdout.strip()
        tasks = os.listdir(f"/proc/{sensor_process.pid}/task")
        for task in tasks:
            status = open(f"/proc/{sensor_process.pid}/task/{task}/status").read().splitlines()
            uid = [l.split()[1:] for l in status if l.startswith("Uid:")][0]
            caps = [l.split()[1] for l in status if l.startswith(("CapEff:", "CapPrm:"))]
            if uid != [nobody] * 4 or any(int(c, 16) != 0 for c in caps):
                failures.append(f"{mode}: thread {task} runs as {uid} with capabilities {caps}")
        if len(tasks) < 4:  # supervisor, output thread, two workers
            failures.append(f"{mode}: only {len(tasks)} sensor threads found")
        server = subprocess.Popen(["ip", "netns", "exec", ns_s, sys.executable, "-c", SERVER, *servers],
                                  stdout=subprocess.PIPE, text=True)
        server.stdout.readline()
        sh("ip", "netns", "exec", ns_c, sys.executable, "-c", CLIENT, ",".join(clients), ",".join(servers))
        time.sleep(0.5)
        # A stats record on request, summed over both workers while they run.
        sensor_process.send_signal(signal.SIGUSR1)
        time.sleep(0.5)
        sensor_process.send_signal(signal.SIGINT)
        if sensor_process.wait(timeout=20) != 0:
            failures.append(f"{mode}: sensor exited {sensor_process.returncode}: {open(log.name).read()}")
            return 1
        sensor_process = None
        eve = read_eve(os.path.join(work, "logs", "eve.json"))
        records = [e["stats"] for e in eve if e["event_type"] == "stats"]
        stats = records[-1]
        connections = len(clients) * len(servers) * 3
        if len(records) != 2 or stat(records[0], "flow.tcp") != connections:
            failures.append(f"{mode}: {len(records)} stats records, the SIGUSR1 one with flow.tcp "
                            f"{stat(records[0], 'flow.tcp')}; expected 2, and {connections} flows in both")
        alerts = collections.Counter((e["src_ip"], e["src_port"], e["dest_ip"]) for e in eve
                                     if e["event_type"] == "alert" and e["alert"]["signature_id"] == 9100003)
        pairs = {(src, dst) for src, _, dst in alerts}
        if len(alerts) != connections or any(n != 1 for n in alerts.values()) or len(pairs) != connections // 3:
            failures.append(f"{mode}: {sum(alerts.values())} cleartext-login alerts over {len(alerts)} connections "
                            f"and {len(pairs)} address pairs, expected one on each of {connections}")
        if stat(stats, "flow.tcp") != connections or stat(stats, "tcp.syn") != connections:
            failures.append(f"{mode}: flow.tcp {stat(stats, 'flow.tcp')}, tcp.syn {stat(stats, 'tcp.syn')}, "
                            f"expected {connections} each (a flow split over workers counts twice)")
        if stat(stats, "tcp.midstream_pickups"):
            failures.append(f"{mode}: {stat(stats, 'tcp.midstream_pickups')} flows picked up midstream")
        if stat(stats, "decoder.pkts") != stat(stats, "capture.kernel_packets"):
            failures.append(f"{mode}: decoded {stat(stats, 'decoder.pkts')} packets, the kernel delivered "
                            f"{stat(stats, 'capture.kernel_packets')}: some seen twice or lost")
        log_text = open(log.name).read()
        per_worker, flows_per_worker = {}, {}
        for line in log_text.splitlines():
            if " worker " in line and " packets, " in line:
                words = line.split(" worker ", 1)[1].split()  # "0: 166 packets, 12 flows, ..."
                per_worker[words[0].rstrip(":")] = int(words[1])
                flows_per_worker[words[0].rstrip(":")] = int(words[3])
        if sorted(per_worker) != ["0", "1"] or min(flows_per_worker.values()) == 0:
            failures.append(f"{mode}: flows per worker {flows_per_worker}: both should have seen some")
        # By IP pair, the three connections of a pair land on one worker.
        if mode == "ip_pair" and any(n % 3 for n in flows_per_worker.values()):
            failures.append(f"{mode}: flows per worker {flows_per_worker}: a pair's connections were split")
        summary_text = open(summary.name).read()
        if summary_line(summary_text, "workers").split() != ["workers", "2"]:
            failures.append(f"{mode}: summary does not say 2 workers: {summary_text}")
        print(f"live, fanout {mode}: {connections} logins each seen once; flows per worker {flows_per_worker}")
        return 0
    finally:
        if sensor_process is not None:
            sensor_process.kill()
            sensor_process.wait()
        if server is not None:
            server.kill()
            server.wait()
        sh("ip", "netns", "del", ns_c, check=False)
        sh("ip", "netns", "del", ns_s, check=False)
        shutil.rmtree(work, ignore_errors=True)


def live(sensor, rules):
    failures = []
    for mode in ("ip_pair", "hash"):
        status = live_run(sensor, rules, f"swk{os.getpid() % 10000}", mode, failures)
        if status == SKIP:
            print("skipped: cannot create network namespaces here")
            return SKIP
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "offline" and len(sys.argv) == 8:
        return offline(*sys.argv[2:8])
    if len(sys.argv) >= 2 and sys.argv[1] == "live" and len(sys.argv) == 4:
        return live(*sys.argv[2:4])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())

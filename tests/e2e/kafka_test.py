#!/usr/bin/python3
"""End to end: the Kafka output against librdkafka's mock cluster (3 brokers, a topic of 4 partitions
replicated 3 times) running in its own process (spanwatch-kafka-cluster).

usage: kafka_test.py output CLUSTER SEND
         Two producers (spanwatch-kafka-send, the output without the daemon) with different sensor
         names, the partition leader failed and brought back mid-run: the consumer sees every record
         of both exactly once, attributable by `host`, in order per flow, key = community id.
       kafka_test.py sensor CLUSTER SENSOR GENERATOR RULES WORKDIR
         Two sensor processes with different sensor names read the demo capture and write eve.json and
         Kafka: for each sensor, the records read back from Kafka are byte for byte its eve.json lines.
         Skipped (77) while the sensor has no outputs.kafka options.
"""
import json
import os
import shutil
import subprocess
import sys
import time

TOPIC = "spanwatch"
PARTITIONS = 4


class Cluster:
    def __init__(self, binary):
        self.process = subprocess.Popen([binary, "--brokers", "3", "--partitions", str(PARTITIONS), "--topic", TOPIC],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.bootstraps = self.process.stdout.readline().strip()

    def command(self, text):
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().strip()
        if answer != "ok":
            raise RuntimeError(f"cluster: {text}: {answer}")

    def consume(self, expected, timeout_ms=20000):
        self.process.stdin.write(f"consume {TOPIC} {expected} {timeout_ms}\n")
        self.process.stdin.flush()
        messages = []
        for line in self.process.stdout:
            if line.startswith("end "):
                return messages
            messages.append(json.loads(line))
        raise RuntimeError("cluster ended while consuming")

    def close(self):
        try:
            self.process.stdin.write("quit\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass
        self.process.wait(timeout=10)


def check_output(cluster_binary, send):
    failures = []
    cluster = Cluster(cluster_binary)
    try:
        for p in range(PARTITIONS):
            cluster.command(f"leader {TOPIC} {p} 1")
        count = 300
        senders = [subprocess.Popen([send, "--brokers", cluster.bootstraps, "--topic", TOPIC, "--count", str(count),
                                     "--flows", "6", "--interval-ms", "5", "--sensor-name", name],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for name in ("sensor-a", "sensor-b")]
        time.sleep(0.7)
        # The leader of every partition fails mid-run; broker 2 takes over; broker 1 comes back.
        cluster.command("down 1")
        for p in range(PARTITIONS):
            cluster.command(f"leader {TOPIC} {p} 2")
        time.sleep(0.7)
        cluster.command("up 1")
        for sender in senders:
            out, err = sender.communicate(timeout=60)
            print(out.strip())
            if sender.returncode != 0:
                failures.append(f"sender exited {sender.returncode}: {out} {err}")
        messages = cluster.consume(2 * count)
    finally:
        cluster.close()

    seen = set()
    last = {}
    partition_of = {}
    for m in messages:
        record = json.loads(m["value"])
        host, seq = record.get("host"), record["seq"]
        if m["headers"].get("host") != host:
            failures.append(f"header host {m['headers'].get('host')} != record host {host}")
        if m["headers"].get("event_type") != record["event_type"]:
            failures.append(f"header event_type {m['headers'].get('event_type')} != {record['event_type']}")
        if m["key"] != record["community_id"]:
            failures.append(f"key {m['key']} != community id {record['community_id']}")
        if (host, seq) in seen:
            failures.append(f"duplicate: {host} record {seq}")
        seen.add((host, seq))
        flow = (host, m["key"])
        if flow in last and seq <= last[flow]:
            failures.append(f"{flow}: record {seq} after {last[flow]}")
        last[flow] = seq
        if partition_of.setdefault(m["key"], m["partition"]) != m["partition"]:
            failures.append(f"flow {m['key']} on partitions {partition_of[m['key']]} and {m['partition']}")
    for host in ("sensor-a", "sensor-b"):
        missing = [n for n in range(count) if (host, n) not in seen]
        if missing:
            failures.append(f"{host}: {len(missing)} records never arrived (first {missing[:5]})")
    if len(messages) != 2 * count:
        failures.append(f"{len(messages)} messages consumed, expected {2 * count}")
    return failures, f"{len(messages)} records from 2 producers, each exactly once, leader failed and back"


def sensor_has_kafka(sensor):
    dump = subprocess.run([sensor, "-c", "/dev/null", "--dump-config"], capture_output=True, text=True)
    return dump.returncode == 0 and "kafka:" in dump.stdout


def check_sensor(cluster_binary, sensor, generator, rules, work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    pcap = os.path.join(work, "demo.pcap")
    subprocess.run([generator, "--profile", "demo", "--seed", "1", "--out", pcap], check=True, capture_output=True)
    failures = []
    cluster = Cluster(cluster_binary)
    try:
        runs = {}
        for name in ("sensor-a", "sensor-b"):
            out_dir = os.path.join(work, name)
            os.makedirs(out_dir)
            config = os.path.join(work, f"{name}.yaml")
            with open(config, "w") as f:
                f.write(f"sensor:\n  name: {name}\noutputs:\n  kafka:\n    enabled: true\n"
                        f"    brokers: \"{cluster.bootstraps}\"\n    topic: {TOPIC}\n")
            check = subprocess.run([sensor, "-c", config, "--check-config"], capture_output=True, text=True)
            if check.returncode != 0:
                failures.append(f"--check-config refused {config}: {check.stdout} {check.stderr}")
            runs[name] = subprocess.Popen([sensor, "-c", config, "--rules", rules, "-r", pcap, "-l", out_dir],
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        eve = {}
        for name, run in runs.items():
            out, err = run.communicate(timeout=120)
            if run.returncode != 0:
                failures.append(f"{name} exited {run.returncode}: {err}")
            with open(os.path.join(work, name, "eve.json")) as f:
                eve[name] = sorted(line.rstrip("\n") for line in f)
        # A bad librdkafka property is refused with librdkafka's own text and the option's path.
        bad = os.path.join(work, "bad.yaml")
        with open(bad, "w") as f:
            f.write("outputs:\n  kafka:\n    enabled: true\n    brokers: 127.0.0.1:1\n"
                    "    properties: [\"no.such.property=1\"]\n")
        check = subprocess.run([sensor, "-c", bad, "--check-config"], capture_output=True, text=True)
        if check.returncode == 0 or "no.such.property" not in check.stdout + check.stderr:
            failures.append(f"--check-config accepted a bad librdkafka property: {check.stdout} {check.stderr}")
        expected = sum(len(lines) for lines in eve.values())
        messages = cluster.consume(expected)
    finally:
        cluster.close()
    by_host = {}
    for m in messages:
        by_host.setdefault(m["headers"].get("host"), []).append(m["value"])
    for name, lines in eve.items():
        got = sorted(by_host.get(name, []))
        if got != lines:
            failures.append(f"{name}: kafka holds {len(got)} records, eve.json {len(lines)}; "
                            f"{len(set(lines) - set(got))} eve lines missing from kafka, "
                            f"{len(set(got) - set(lines))} kafka records not in eve.json")
        alerts = [l for l in lines if '"event_type":"alert"' in l]
        if not alerts:
            failures.append(f"{name}: no alerts on the demo capture")
        # The stats record is followed by each output's delivery counters (an engine record).
        reports = [json.loads(l) for l in lines if '"event_type":"engine"' in l]
        kafka = [r for r in reports if r["engine"]["module"] == "output.kafka"]
        if len(kafka) != 1 or not all(f"{key}=" in kafka[0]["engine"]["message"]
                                      for key in ("produced", "delivered", "retries", "lost", "overflow", "queued")):
            failures.append(f"{name}: no engine record with the Kafka delivery counters: {reports}")
        elif kafka[0].get("host") != name or "lost=0 " not in kafka[0]["engine"]["message"]:
            failures.append(f"{name}: the Kafka delivery counters name another host or a loss: {kafka[0]}")
    counts = ", ".join(f"{n}: {len(l)} records" for n, l in eve.items())
    return failures, f"kafka == eve.json for each sensor ({counts})"


def main():
    mode = sys.argv[1]
    if mode == "output":
        failures, summary = check_output(*sys.argv[2:4])
    elif mode == "sensor":
        cluster, sensor, generator, rules, work = sys.argv[2:7]
        if not sensor_has_kafka(sensor):
            print("SKIP: the sensor has no outputs.kafka options yet")
            return 77
        failures, summary = check_sensor(cluster, sensor, generator, rules, work)
    else:
        print(__doc__)
        return 2
    for f in failures[:30]:
        print("FAIL:", f)
    if not failures:
        print(summary)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

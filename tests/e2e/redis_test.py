#!/usr/bin/python3
"""End to end: the sensor's Redis output against a real redis-server started here (free loopback
port, no persistence, temp dir), read back with redis-cli. On the generated demo capture with the
shipped rules, for each of Suricata's modes (list with RPUSH, list with LPUSH and a per-event-type
key pattern, channel with a redis-cli subscriber, stream with XADD MAXLEN ~), Redis holds exactly
the records of eve.json, byte for byte; AUTH and SELECT put them in the configured database of a
password-protected server; --check-config refuses an unknown mode.

usage: redis_test.py SENSOR GENERATOR RULES_DIR WORKDIR
Exits 77 (skipped) without redis-server/redis-cli or while the sensor has no outputs.redis options.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, work, password=None):
        self.port = free_port()
        self.password = password
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", work, "--logfile", os.path.join(work, "redis.log")]
        if password:
            args += ["--requirepass", password]
        self.process = subprocess.Popen(args)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.cli("PING", check=False).returncode == 0:
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def cli_args(self):
        args = ["redis-cli", "-p", str(self.port), "--raw"]
        if self.password:
            args += ["--no-auth-warning", "-a", self.password]
        return args

    def cli(self, *command, check=True):
        run = subprocess.run(self.cli_args() + list(command), capture_output=True, text=True, timeout=30)
        if check and run.returncode != 0:
            raise RuntimeError(f"redis-cli {command}: {run.stderr}")
        return run

    def lines(self, *command):
        return self.cli(*command).stdout.splitlines()

    def close(self):
        self.process.kill()
        self.process.wait()


def redis_section(port, extra):
    text = f"outputs:\n  redis:\n    enabled: true\n    address: \"127.0.0.1:{port}\"\n"
    return text + "".join(f"    {line}\n" for line in extra)


def run_sensor(sensor, rules, pcap, work, name, config_text, failures):
    out = os.path.join(work, name)
    os.makedirs(out)
    config = os.path.join(work, f"{name}.yaml")
    with open(config, "w") as f:
        f.write(config_text)
    check = subprocess.run([sensor, "-c", config, "--check-config"], capture_output=True, text=True)
    if check.returncode != 0:
        failures.append(f"{name}: --check-config refused the config: {check.stdout} {check.stderr}")
    run = subprocess.run([sensor, "-c", config, "--rules", rules, "-r", pcap, "-l", out],
                         capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        failures.append(f"{name}: sensor exited {run.returncode}: {run.stderr}")
    with open(os.path.join(out, "eve.json")) as f:
        return [line.rstrip("\n") for line in f]


def compare(name, eve, got, failures, ordered=True):
    if not any('"event_type":"alert"' in line for line in eve):
        failures.append(f"{name}: no alert in eve.json on the demo capture")
    # The stats record is followed by each output's delivery counters (an engine record).
    reports = [json.loads(line)["engine"] for line in eve if '"event_type":"engine"' in line]
    redis = [r["message"] for r in reports if r["module"] == "output.redis"]
    if len(redis) != 1 or not all(f"{key}=" in redis[0] for key in ("written", "dropped", "backlog", "resent")):
        failures.append(f"{name}: no engine record with the Redis delivery counters: {reports}")
    a, b = (eve, got) if ordered else (sorted(eve), sorted(got))
    if a != b:
        failures.append(f"{name}: redis holds {len(got)} records, eve.json {len(eve)}; "
                        f"{len(set(eve) - set(got))} eve lines missing, {len(set(got) - set(eve))} unknown"
                        + ("" if sorted(eve) != sorted(got) else " (same records, other order)"))
    return f"{name}: {len(got)}"


def event_type(line):
    marker = '"event_type":"'
    start = line.index(marker) + len(marker)
    return line[start:line.index('"', start)]


def check(sensor, generator, rules, work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    pcap = os.path.join(work, "demo.pcap")
    subprocess.run([generator, "--profile", "demo", "--seed", "1", "--out", pcap], check=True, capture_output=True)
    failures, counts = [], []
    server = Server(work)
    try:
        # list, RPUSH: the list in eve.json's order.
        eve = run_sensor(sensor, rules, pcap, work, "rpush",
                         redis_section(server.port, ["mode: rpush", "key: sw-rpush", "event_types: [\"*\"]"]), failures)
        counts.append(compare("rpush", eve, server.lines("LRANGE", "sw-rpush", "0", "-1"), failures))

        # list, LPUSH (Suricata's default "list"), one key per event type: newest first in each.
        eve = run_sensor(sensor, rules, pcap, work, "lpush",
                         redis_section(server.port, ["mode: list", "key: \"sw-{event_type}\""]), failures)
        got = []
        for kind in sorted({event_type(line) for line in eve}):
            stored = server.lines("LRANGE", f"sw-{kind}", "0", "-1")
            stored.reverse()
            if stored != [line for line in eve if event_type(line) == kind]:
                failures.append(f"lpush: key sw-{kind} does not hold eve.json's {kind} records newest first")
            got += stored
        counts.append(compare("lpush per event type", eve, got, failures, ordered=False))

        # channel: a subscriber started before the sensor sees every record, in order.
        messages = os.path.join(work, "subscriber.txt")
        with open(messages, "w") as out:
            subscriber = subprocess.Popen(server.cli_args() + ["SUBSCRIBE", "sw-channel"], stdout=out)
        deadline = time.time() + 5
        while time.time() < deadline and "1\n" not in server.cli("PUBSUB", "NUMSUB", "sw-channel").stdout:
            time.sleep(0.05)
        eve = run_sensor(sensor, rules, pcap, work, "channel",
                         redis_section(server.port, ["mode: channel", "key: sw-channel"]), failures)
        time.sleep(0.5)
        subscriber.kill()
        subscriber.wait()
        with open(messages) as f:
            lines = f.read().splitlines()
        got = [lines[i + 2] for i in range(3, len(lines) - 2, 3) if lines[i] == "message"]
        counts.append(compare("channel", eve, got, failures))

        # stream: XADD MAXLEN ~ N * eve LINE; XRANGE prints id, field, value per entry.
        eve = run_sensor(sensor, rules, pcap, work, "stream",
                         redis_section(server.port, ["mode: stream", "key: sw-stream", "stream_maxlen: 100000"]),
                         failures)
        lines = server.lines("XRANGE", "sw-stream", "-", "+")
        if any(lines[i] != "eve" for i in range(1, len(lines), 3)):
            failures.append("stream: an entry's field is not 'eve'")
        counts.append(compare("stream", eve, lines[2::3], failures))

        # A bad mode is refused before anything runs.
        bad = os.path.join(work, "bad.yaml")
        with open(bad, "w") as f:
            f.write(redis_section(server.port, ["mode: set"]))
        refused = subprocess.run([sensor, "-c", bad, "--check-config"], capture_output=True, text=True)
        if refused.returncode == 0:
            failures.append("--check-config accepted outputs.redis.mode: set")
    finally:
        server.close()

    # AUTH and SELECT on a password-protected server.
    secured_dir = os.path.join(work, "secured")
    os.makedirs(secured_dir)
    server = Server(secured_dir, password="s3cret")
    try:
        eve = run_sensor(sensor, rules, pcap, work, "auth",
                         redis_section(server.port, ["mode: rpush", "password: s3cret", "database: 5"]), failures)
        if server.cli("LLEN", "spanwatch").stdout.strip() != "0":
            failures.append("auth: records in database 0, expected database 5")
        counts.append(compare("auth+select", eve, server.lines("-n", "5", "LRANGE", "spanwatch", "0", "-1"), failures))
    finally:
        server.close()
    return failures, "redis == eve.json (" + ", ".join(counts) + " records)"


def main():
    sensor, generator, rules, work = sys.argv[1:5]
    if not shutil.which("redis-server") or not shutil.which("redis-cli"):
        print("SKIP: redis-server or redis-cli is not installed")
        return 77
    dump = subprocess.run([sensor, "-c", "/dev/null", "--dump-config"], capture_output=True, text=True)
    if dump.returncode != 0 or "redis:" not in dump.stdout:
        print("SKIP: the sensor has no outputs.redis options yet")
        return 77
    failures, summary = check(sensor, generator, rules, work)
    for f in failures[:30]:
        print("FAIL:", f)
    if not failures:
        print(summary)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

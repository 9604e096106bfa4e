#!/usr/bin/env python3
"""The syslog collector is not there when the sensor starts, and appears later.

Three sensors capture the same veth at once, each sending alerts (MSG = the EVE record) to a peer
that does not exist yet: TCP (connection refused), a unix datagram socket (no such file) and UDP
(nothing listening). Each starts anyway (privileges dropped, capture open, alerts in eve.json),
logs the failure once and retries with backoff (few attempts, counted as errors in the summary).
When the collectors start (small python listeners in the server namespace), the alerts held in
the TCP and unix backlogs arrive, and new alerts reach all three. UDP cannot know the early ones
were lost (no ICMP error on an unconnected socket): only the later ones are checked there.

usage: syslog_peer_late_test.py SPANWATCH RULES_DIR
Exits 77 (skipped) without root or network namespaces."""
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fault_lab import SKIPPED, Failures, Lab, alert_users, eve_records, read, wait_for  # noqa: E402

SENSOR, RULES = sys.argv[1:3]
TCP_PORT, UDP_PORT = 6614, 6615

# Writes every message it receives, one per line, to argv[3]. TCP frames are octet-counted (RFC 6587).
LISTENER = r'''
import os, socket, sys
kind, where, out = sys.argv[1], sys.argv[2], open(sys.argv[3], "ab", buffering=0)
if kind == "tcp":
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(where))); s.listen(4)
    while True:
        c, _ = s.accept(); data = b""
        while True:
            chunk = c.recv(65536)
            if not chunk: break
            data += chunk
            while b" " in data:
                length, _, rest = data.partition(b" ")
                if len(rest) < int(length): break
                out.write(rest[:int(length)].replace(b"\n", b" ") + b"\n"); data = rest[int(length):]
        c.close()
family = socket.AF_INET if kind == "udp" else socket.AF_UNIX
s = socket.socket(family, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(where)) if kind == "udp" else where)
if kind == "unix": os.chmod(where, 0o777)  # the sensor sends as nobody
while True:
    out.write(s.recv(65536).replace(b"\n", b" ") + b"\n")
'''


def received_alert_users(path):
    users = []
    for line in read(path).splitlines():
        start = line.find('{"')
        if start < 0 or "9100003" not in line:
            continue
        record = json.loads(line[start:])
        if record.get("event_type") == "alert" and record["alert"]["signature_id"] == 9100003:
            users.append(record["alert"]["metadata"]["user"][0])
    return users


def output_errors(summary):
    """The syslog output's error count from the exit summary, or -1."""
    match = re.search(r"output +syslog.*?: (\d+) sent, (\d+) lost .*?, (\d+) errors", summary)
    return int(match.group(3)) if match else -1


def main():
    lab = Lab("swfs", "10.231.2")
    failures = Failures()
    try:
        if not lab.create():
            print("skipped: cannot create network namespaces here (needs root)")
            return SKIPPED
        unix_path = lab.path("syslog.sock")
        peers = {"tcp": f"127.0.0.1:{TCP_PORT}", "unix": unix_path, "udp": f"127.0.0.1:{UDP_PORT}"}
        sensors = {}
        for transport, address in peers.items():
            logs = lab.path("logs-" + transport)
            sensors[transport] = lab.start_sensor(
                SENSOR, RULES, logs, "outputs.stats.interval=0", "outputs.syslog.enabled=true",
                f"outputs.syslog.transport={transport}", f"outputs.syslog.address={address}",
                "outputs.syslog.message=eve", name=transport)
        for transport, (proc, log, _) in sensors.items():
            failures.check(wait_for(lambda: "privileges dropped" in read(log) and "capturing on" in read(log)),
                           f"{transport}: the sensor starts without its syslog peer: {read(log)}")
        if failures.messages:
            return 1
        lab.start_ftp_server()
        early = lab.logins("early", 5)
        for transport, (proc, log, _) in sensors.items():
            eve = os.path.join(lab.path("logs-" + transport), "eve.json")
            failures.check(wait_for(lambda: sorted(alert_users(eve_records(eve))) == early),
                           f"{transport}: capturing and alerting while the peer is missing")
        failures.check(wait_for(lambda: "connect failed" in read(sensors["tcp"][1])),
                       "tcp: the refused connection is logged: " + read(sensors["tcp"][1]))
        failures.check(wait_for(lambda: "send failed" in read(sensors["unix"][1])),
                       "unix: the failed send is logged: " + read(sensors["unix"][1]))
        time.sleep(3)  # several seconds of outage: backoff spaces the attempts out
        failures.check(read(sensors["tcp"][1]).count("connect failed") == 1,
                       "tcp: the outage is logged once, not per attempt")
        failures.check(read(sensors["unix"][1]).count("send failed") == 1,
                       "unix: the outage is logged once, not per attempt")

        received = {t: lab.path(f"received-{t}.txt") for t in peers}
        for transport in peers:
            where = str(TCP_PORT if transport == "tcp" else UDP_PORT) if transport != "unix" else unix_path
            lab.spawn(lab.server_ns, [sys.executable, "-c", LISTENER, transport, where, received[transport]])
        failures.check(wait_for(lambda: set(early) <= set(received_alert_users(received["tcp"])), 25),
                       "tcp: the alerts held while the peer was down arrive: "
                       + str(received_alert_users(received["tcp"])) + read(sensors["tcp"][1])[-800:])
        failures.check(wait_for(lambda: set(early) <= set(received_alert_users(received["unix"])), 25),
                       "unix: the alerts held while the socket was missing arrive: "
                       + str(received_alert_users(received["unix"])))
        late = lab.logins("late", 3)
        for transport in peers:
            failures.check(wait_for(lambda: set(late) <= set(received_alert_users(received[transport])), 15),
                           f"{transport}: alerts after the peer appeared arrive: "
                           + str(received_alert_users(received[transport])))
        failures.check("reconnected" in read(sensors["tcp"][1]) or "connected" in read(sensors["tcp"][1]),
                       "tcp: the connection is logged")
        for transport, (proc, log, summary) in sensors.items():
            status = lab.stop(proc)
            failures.check(status == 0, f"{transport}: SIGTERM: exit status {status}")
            errors = output_errors(read(summary))
            print(f"{transport}: {errors} failed attempts counted; summary: "
                  + " ".join(l.strip() for l in read(summary).splitlines() if "syslog" in l), flush=True)
            if transport == "udp":
                continue
            # Counted, and spaced out by backoff: a fixed 100 ms retry would make 40+ attempts here.
            failures.check(2 <= errors <= 15, f"{transport}: failed attempts counted with backoff: {errors}")
            users = received_alert_users(received[transport])
            failures.check(len(users) == len(set(users)) or transport == "tcp",
                           f"{transport}: no datagram sent twice: {users}")
    finally:
        lab.cleanup()
    return failures.exit_code()


if __name__ == "__main__":
    sys.exit(main())

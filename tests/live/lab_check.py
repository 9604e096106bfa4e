#!/usr/bin/env python3
"""Judges one run of the live lab (lab.sh): for every scenario, the alerts in eve.json and at rsyslog
by signature id (exactly the expected ones, nothing else), that the sensor saw the scenario's protocol
(so an absent alert is not an absent flow), the client path (NAT or direct) through src_ip, what the
client itself saw, and the capture drop counter in the stats record written right after it. Prints a
table: scenario -> alerts seen."""
import argparse
import collections
import json
import re
import sys

parser = argparse.ArgumentParser()
for option in ("--work", "--net", "--router", "--client1", "--client2"):
    parser.add_argument(option, required=True)
args = parser.parse_args()
work = args.work

events = [json.loads(line) for line in open(f"{work}/logs/eve.json")]
stats = [e["stats"] for e in events if e["event_type"] == "stats"]
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
    return ok


def server_ip(k):
    return f"{args.net}.{100 + k}"


# The rsyslog file: msgid|structured data|message, the message being the whole EVE record.
syslog_alerts = []
try:
    syslog_lines = open(f"{work}/rsyslog/syslog.log").read().splitlines()
except FileNotFoundError:
    syslog_lines = []
for line in syslog_lines:
    msgid, _, rest = line.partition("|")
    if msgid != "ALERT":
        continue
    structured, _, message = rest.partition("|{")
    record = json.loads("{" + message)
    sid = re.search(r'sid="(\d+)"', structured)
    dst = re.search(r'dst="([^"]+)"', structured)
    check(sid and int(sid.group(1)) == record["alert"]["signature_id"] and dst and dst.group(1) == record["dest_ip"],
          f"syslog structured data disagrees with its EVE message: {line[:200]}")
    syslog_alerts.append(record)


def alert_key(record):
    return (record["alert"]["signature_id"], record["flow_id"], record["src_ip"], record["dest_ip"])


eve_alerts = [e for e in events if e["event_type"] == "alert"]
# Delivery over TCP is at least once; nothing reconnects here, so exactly once is expected.
check(collections.Counter(map(alert_key, eve_alerts)) == collections.Counter(map(alert_key, syslog_alerts)),
      f"rsyslog got other alerts than eve.json: eve {sorted(map(alert_key, eve_alerts))}, "
      f"syslog {sorted(map(alert_key, syslog_alerts))}")

def records(kind, k):
    return [e for e in events if e["event_type"] == kind and e.get("dest_ip") == server_ip(k)]


def smb_setups(k):
    return [e["smb"] for e in records("smb", k) if "SESSION_SETUP" in e["smb"].get("command", "")]


def ftp_commands(k, command):
    return [e["ftp"] for e in records("ftp", k) if e["ftp"].get("command") == command]


def pop3_requests(k):
    return [e["pop3"]["request"]["command"] for e in records("pop3", k) if "request" in e["pop3"]]


def tls_versions(k):
    return [e["tls"].get("version") for e in records("tls", k)]


# What the sensor must have seen of each scenario, beyond its alerts.
def smb_burst(k, dialect_prefix, wrong, successes):
    setups = smb_setups(k)
    statuses = collections.Counter(s.get("status") for s in setups)
    want = +collections.Counter({"STATUS_LOGON_FAILURE": wrong, "STATUS_SUCCESS": successes})  # + drops zeros
    check(statuses == want,
          f"scenario {k}: session setup statuses {dict(statuses)}, expected {wrong} failures, {successes} successes")
    dialects = {s.get("dialect", "") for s in setups}
    check(dialects and all(d.startswith(dialect_prefix) for d in dialects),
          f"scenario {k}: dialects {dialects}, expected {dialect_prefix}*")
    users = {s.get("ntlmssp", {}).get("user") for s in setups}
    check(users == {"labuser"}, f"scenario {k}: users {users}")


def ftp_active(k, command, announced, nat):
    announces = ftp_commands(k, command)
    check(announces, f"scenario {k}: no {command} record")
    for record in announces:
        data = record.get("command_data", "")
        # PORT a,b,c,d,p1,p2 or EPRT |1|a.b.c.d|port|: the client's own address, never rewritten.
        check(announced.replace(".", ",") in data or f"|{announced}|" in data,
              f"scenario {k}: {command} {data!r} does not carry {announced}")
    if nat:
        meta = [a["alert"].get("metadata", {}) for a in eve_alerts
                if a["dest_ip"] == server_ip(k) and a["alert"]["signature_id"] == 9100002]
        want = {"command": [command], "announced_address": [announced], "interpretation": ["client behind NAT"]}
        check(meta and all(all(m.get(key) == value for key, value in want.items()) for m in meta),
              f"scenario {k}: 9100002 metadata {meta}, expected {want}")


def ftp_passive(k, command):
    check(ftp_commands(k, command), f"scenario {k}: no {command} record")
    check(not ftp_commands(k, "PORT") and not ftp_commands(k, "EPRT"), f"scenario {k}: an active command")


def ftp_login(k, user, tls):
    users = [r.get("command_data") for r in ftp_commands(k, "USER")]
    auth = ftp_commands(k, "AUTH")
    if tls:
        check(auth and not users, f"scenario {k}: AUTH {auth}, USER {users} (expected AUTH TLS and no USER in clear)")
        check(tls_versions(k), f"scenario {k}: no TLS record after AUTH TLS")
    else:
        check(users == [user], f"scenario {k}: USER {users}, expected [{user!r}]")


def pop3(k, expected_requests):
    requests = pop3_requests(k)
    check(all(r in requests for r in expected_requests), f"scenario {k}: requests {requests}, expected {expected_requests}")
    if "STLS" in expected_requests:
        check(requests[-1] == "STLS", f"scenario {k}: requests after STLS parsed in clear: {requests}")
        check(tls_versions(k), f"scenario {k}: no TLS record after STLS")


def tls(k, version):
    versions = tls_versions(k)
    check(versions == [version], f"scenario {k}: tls versions {versions}, expected [{version!r}]")


evidence = {
    "smb2_brute_force": lambda: smb_burst(1, "2.", 10, 1),
    "smb1_brute_force": lambda: smb_burst(2, "NT LANMAN", 10, 1),
    "smb_single_failure": lambda: smb_burst(3, "3.", 1, 0),
    "smb_success": lambda: smb_burst(4, "3.", 0, 1),
    "ftp_active_nat": lambda: ftp_active(11, "PORT", args.client1, True),
    "ftp_active_direct": lambda: ftp_active(12, "PORT", args.client2, False),
    "ftp_eprt_nat": lambda: ftp_active(13, "EPRT", args.client1, True),
    "ftp_passive": lambda: ftp_passive(14, "PASV"),
    "ftp_login_cleartext": lambda: ftp_login(15, "alice", False),
    "ftp_auth_tls": lambda: ftp_login(16, "alice", True),
    "pop3_user_pass": lambda: pop3(21, ["USER", "PASS"]),
    "pop3_auth_plain": lambda: pop3(22, ["AUTH"]),
    "pop3_apop": lambda: pop3(23, ["APOP"]),
    "pop3_stls": lambda: pop3(24, ["STLS"]),
    "tls1_0": lambda: tls(31, "TLSv1"),
    "tls1_1": lambda: tls(32, "TLS 1.1"),
    "tls1_3_client_server_capped_1_0": lambda: tls(33, "TLSv1"),
    "tls_fallback_scsv": lambda: tls(34, "UNDETERMINED"),
    "tls1_2_rsa": lambda: tls(35, "TLS 1.2"),
    "tls1_3": lambda: tls(36, "TLS 1.3"),
    "tls1_2_ecdhe": lambda: tls(37, "TLS 1.2"),
}

rows = []
scenario_servers = set()
for line in open(f"{work}/scenarios"):
    name, path, k, expected, outcome, rc, stats_index = line.rstrip("\n").split("|")
    k, rc, stats_index = int(k), int(rc), int(stats_index)
    scenario_servers.add(server_ip(k))
    before = len(failures)
    want = collections.Counter() if expected == "-" else collections.Counter(int(x) for x in expected.split())
    client_ok = (rc == 0) == (outcome == "ok")
    check(client_ok, f"{name}: client exited {rc}, expected {'success' if outcome == 'ok' else 'failure'}: "
          + open(f"{work}/{name}.out", errors="replace").read()[-400:])
    eve = collections.Counter(a["alert"]["signature_id"] for a in eve_alerts if a["dest_ip"] == server_ip(k))
    syslog = collections.Counter(a["alert"]["signature_id"] for a in syslog_alerts if a["dest_ip"] == server_ip(k))
    check(set(eve) == set(want), f"{name}: eve.json alerts {sorted(eve.elements())}, expected {sorted(want)}")
    check(set(syslog) == set(want), f"{name}: rsyslog alerts {sorted(syslog.elements())}, expected {sorted(want)}")
    # Each detection once per scenario: a burst window, a flow, a handshake.
    check(all(n == 1 for n in eve.values()), f"{name}: repeated alerts {dict(eve)}")
    source = args.router if path == "nat" else args.client2
    sources = {e["src_ip"] for e in events if e.get("dest_ip") == server_ip(k) and "src_ip" in e}
    check(sources == {source}, f"{name}: seen from {sources}, expected {source} ({path})")
    evidence[name]()
    drops = stats[stats_index]["capture"]["kernel_drops"] if stats_index < len(stats) else None
    check(drops == 0, f"{name}: kernel drops {drops} in the stats record after it")
    rows.append((name, path, expected, " ".join(map(str, sorted(eve.elements()))) or "-",
                 " ".join(map(str, sorted(syslog.elements()))) or "-", drops, len(failures) == before))

stray = [alert_key(a) for a in eve_alerts if a["dest_ip"] not in scenario_servers]
check(not stray, f"alerts outside every scenario (data connections?): {stray}")
anomalies = [e["anomaly"] for e in events if e["event_type"] == "anomaly"]
check(not anomalies, f"anomalies on clean traffic from real peers: {anomalies[:5]}")
check(all(s["capture"]["kernel_drops"] == 0 for s in stats), "kernel drops in a stats record")
summary = open(f"{work}/summary").read()
check("drops     0 kernel, 0 interface" in summary, f"sensor summary: {summary}")

print(f"{'scenario':34} {'path':6} {'expected':18} {'eve.json':18} {'rsyslog':18} drops  result")
for name, path, expected, eve, syslog, drops, ok in rows:
    print(f"{name:34} {path:6} {expected:18} {eve:18} {syslog:18} {drops!s:6} {'ok' if ok else 'FAIL'}")
for f in failures:
    print("FAIL:", f)
print(f"live lab: {len(rows)} scenarios as expected" if not failures else f"live lab: {len(failures)} check(s) failed")
sys.exit(1 if failures else 0)

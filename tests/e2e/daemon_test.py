#!/usr/bin/env python3
"""The daemon's life on a live capture, as an operator meets it: started as root on a veth in a
network namespace the test creates, it drops to `nobody`; FTP logins to a scripted server raise
alerts, written to eve.json and sent to a real rsyslogd over TCP (octet counting); rsyslog is
stopped while alerts happen and started again, and they all arrive; eve.json is rotated (rename +
SIGHUP) with no line lost or repeated; a broken rule file on SIGHUP keeps the old rules running;
SIGUSR1 writes a stats record; SIGTERM drains and exits 0. Throughout, the systemd notify socket
(a datagram socket of the test's, as NOTIFY_SOCKET) gets READY=1 only after the privilege drop,
STATUS lines, watchdog pings, RELOADING=1/READY=1 around SIGHUP and STOPPING=1; the pid file
holds the sensor's pid.
Exits 77 (skipped) where network namespaces cannot be created or rsyslogd is missing."""
import json
import os
import shutil
import signal
import socket
import threading
import subprocess
import sys
import tempfile
import time

SENSOR, RULES = sys.argv[1], sys.argv[2]
VALIDATOR, SCHEMA = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else (None, None)
TAG = f"swd{os.getpid()}"
NS_CLIENT, NS_SERVER = TAG + "c", TAG + "s"
CLIENT_IP, SERVER_IP = "10.197.0.1", "10.197.0.2"
failures = []

FTP_SERVER = r'''
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 21)); s.listen(16)
while True:
    c, _ = s.accept()
    f = c.makefile("rb")
    c.sendall(b"220 lab ftp ready\r\n")
    for line in f:
        verb = line.split(b" ")[0].strip().upper()
        if verb == b"USER": c.sendall(b"331 password please\r\n")
        elif verb == b"PASS": c.sendall(b"530 login incorrect\r\n")
        elif verb == b"QUIT": c.sendall(b"221 bye\r\n"); break
        else: c.sendall(b"500 what\r\n")
    c.close()
'''

FTP_CLIENT = r'''
import socket, sys
for user in sys.argv[2:]:
    c = socket.create_connection((sys.argv[1], 21), timeout=5)
    f = c.makefile("rb")
    f.readline()
    for command in (b"USER " + user.encode(), b"PASS hunter2-" + user.encode(), b"QUIT"):
        c.sendall(command + b"\r\n"); f.readline()
    c.close()
'''


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)
    return condition


def netns(ns, *argv, **kw):
    return subprocess.run(["ip", "netns", "exec", ns, *argv], **kw)


def eve_lines(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode().splitlines()
    except FileNotFoundError:
        return []


def wait_for(predicate, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def alert_users(lines):
    users = []
    for line in lines:
        record = json.loads(line)
        if record.get("event_type") == "alert" and record["alert"]["signature_id"] == 9100003:
            users.append(record["alert"]["metadata"]["user"][0])
    return users


RSYSLOG_CONF = """
global(workDirectory="{work}/spool")
module(load="imtcp")
template(name="fields" type="string" string="%msgid%|%structured-data%|%msg%\\n")
ruleset(name="from_tcp") {{ action(type="omfile" file="{work}/syslog.log" template="fields") }}
input(type="imtcp" address="127.0.0.1" port="{port}" ruleset="from_tcp")
"""
RSYSLOG_PORT = 6514


class Rsyslog:
    def __init__(self, work):
        self.work, self.proc = work, None
        os.makedirs(os.path.join(work, "spool"), exist_ok=True)
        with open(os.path.join(work, "rsyslog.conf"), "w") as f:
            f.write(RSYSLOG_CONF.format(work=work, port=RSYSLOG_PORT))

    def start(self):
        self.proc = subprocess.Popen(["ip", "netns", "exec", NS_SERVER, shutil.which("rsyslogd") or "/usr/sbin/rsyslogd",
                                      "-n", "-f", os.path.join(self.work, "rsyslog.conf"),
                                      "-i", os.path.join(self.work, "rsyslogd.pid")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        probe = ["ip", "netns", "exec", NS_SERVER, sys.executable, "-c",
                 f"import socket; socket.create_connection(('127.0.0.1', {RSYSLOG_PORT}), timeout=1).close()"]
        return wait_for(lambda: subprocess.run(probe, capture_output=True).returncode == 0, 10)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def alert_users(self):
        users = []
        try:
            lines = open(os.path.join(self.work, "syslog.log")).read().splitlines()
        except FileNotFoundError:
            return users
        for line in lines:
            msgid, _, rest = line.partition("|")
            if msgid != "ALERT" or 'sid="9100003"' not in rest:
                continue
            users.append(json.loads(rest[rest.index("|{") + 1:])["alert"]["metadata"]["user"][0])
        return users


class NotifySocket:
    """What systemd would receive: every datagram, in order, with the time it came."""
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        os.chmod(path, 0o777)  # the sensor sends after dropping to nobody
        self.sock.settimeout(0.2)
        self.messages, self.done = [], False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.done:
            try:
                self.messages.append(self.sock.recv(4096).decode())
            except socket.timeout:
                pass

    def seen(self, text):
        return [m for m in self.messages if text in m]


def main():
    if not (shutil.which("rsyslogd") or os.path.exists("/usr/sbin/rsyslogd")):
        print("skipped: rsyslogd is not installed")
        return 77
    if os.geteuid() != 0 or subprocess.run(["ip", "netns", "add", NS_CLIENT], capture_output=True).returncode != 0:
        print("skipped: cannot create network namespaces here")
        return 77
    work = tempfile.mkdtemp()
    os.chmod(work, 0o755)  # the sensor, once `nobody`, reopens files in work/logs
    procs = []
    try:
        subprocess.run(["ip", "netns", "add", NS_SERVER], check=True)
        subprocess.run(["ip", "link", "add", TAG + "a", "netns", NS_CLIENT, "type", "veth", "peer", "name", TAG + "b",
                        "netns", NS_SERVER], check=True)
        for ns, dev, ip in ((NS_CLIENT, TAG + "a", CLIENT_IP), (NS_SERVER, TAG + "b", SERVER_IP)):
            subprocess.run(["ip", "-n", ns, "addr", "add", ip + "/24", "dev", dev], check=True)
            subprocess.run(["ip", "-n", ns, "link", "set", dev, "up"], check=True)
            subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True)
        rules = os.path.join(work, "rules")
        shutil.copytree(RULES, rules)
        logs = os.path.join(work, "logs")
        eve = os.path.join(logs, "eve.json")
        log = open(os.path.join(work, "log"), "w+")
        summary = open(os.path.join(work, "summary"), "w+")
        rsyslog = Rsyslog(work)
        if not check(rsyslog.start(), "rsyslogd listens"):
            return 1
        procs.append(rsyslog.proc)
        notify = NotifySocket(os.path.join(work, "notify"))
        pid_file = os.path.join(work, "spanwatch.pid")
        environment = dict(os.environ, NOTIFY_SOCKET=os.path.join(work, "notify"), WATCHDOG_USEC="1000000")
        sensor = subprocess.Popen(["ip", "netns", "exec", NS_SERVER, SENSOR, "-c", "/dev/null", "--rules", rules,
                                   "--set", f"run_as.pid_file={pid_file}",
                                   "--set", "run_as.user=nobody", "--set", "outputs.stats.interval=0",
                                   "--set", "outputs.syslog.enabled=true", "--set", "outputs.syslog.transport=tcp",
                                   "--set", f"outputs.syslog.address=127.0.0.1:{RSYSLOG_PORT}",
                                   "--set", "outputs.syslog.message=eve",
                                   "-i", TAG + "b", "-l", logs], stdout=summary, stderr=log, env=environment)
        procs.append(sensor)
        log_text = lambda: open(log.name).read()
        if not check(wait_for(lambda: "privileges dropped" in log_text()), "sensor started and dropped privileges: "
                     + log_text()):
            return 1
        check(wait_for(lambda: notify.seen("READY=1")), "READY=1 sent: " + str(notify.messages))
        check(notify.messages[:1] == ["READY=1"], "READY=1 is the first thing systemd hears: " + str(notify.messages))
        check(wait_for(lambda: notify.seen("WATCHDOG=1")), "the watchdog is pinged while capture runs")
        check(wait_for(lambda: notify.seen("STATUS=")), "a STATUS line is sent")
        check(open(pid_file).read().strip() == str(sensor.pid), "the pid file holds the sensor's pid")
        server_script = os.path.join(work, "ftp_server.py")
        open(server_script, "w").write(FTP_SERVER)
        procs.append(subprocess.Popen(["ip", "netns", "exec", NS_SERVER, sys.executable, server_script, SERVER_IP]))
        client_script = os.path.join(work, "ftp_client.py")
        open(client_script, "w").write(FTP_CLIENT)
        time.sleep(0.5)

        def logins(first, last):
            users = [f"user{i:02d}" for i in range(first, last)]
            netns(NS_CLIENT, sys.executable, client_script, SERVER_IP, *users, check=True, timeout=30)
            return users

        # Alerts reach eve.json while running (flushed by the output thread's timer).
        first = logins(0, 5)
        check(wait_for(lambda: sorted(alert_users(eve_lines(eve))) == first), "alerts for the first logins in eve.json")
        check(wait_for(lambda: sorted(rsyslog.alert_users()) == first), "the same alerts at rsyslog over TCP: "
              + str(rsyslog.alert_users()))

        # The collector goes away while alerts happen: they wait in the backlog and arrive once it is back.
        rsyslog.stop()
        outage = logins(13, 18)
        check(wait_for(lambda: sorted(alert_users(eve_lines(eve)))[-5:] == outage), "alerts during the outage in eve.json")
        time.sleep(1)
        check(rsyslog.start(), "rsyslogd restarts")
        procs.append(rsyslog.proc)
        check(wait_for(lambda: set(outage) <= set(rsyslog.alert_users()), 40),
              "alerts raised while rsyslog was down arrive after it is back: " + str(rsyslog.alert_users()))
        first = first + outage

        # Rotation as logrotate `create` does it: rename, SIGHUP, the sensor writes a new file.
        os.rename(eve, eve + ".1")
        sensor.send_signal(signal.SIGHUP)
        check(wait_for(lambda: "reloaded" in log_text()), "SIGHUP reloaded the rules: " + log_text())
        reload_at = next((i for i, m in enumerate(notify.messages) if m.startswith("RELOADING=1")), None)
        check(reload_at is not None and "MONOTONIC_USEC=" in notify.messages[reload_at]
              and "READY=1" in notify.messages[reload_at + 1:], "RELOADING=1 then READY=1 around SIGHUP: "
              + str(notify.messages))
        second = logins(5, 10)
        check(wait_for(lambda: sorted(alert_users(eve_lines(eve))) == second), "after rotation the new file gets the new alerts")

        # A broken rule file: the old rules stay and keep alerting; the error names file and line.
        with open(os.path.join(rules, "zz-broken.yaml"), "w") as f:
            f.write("rules:\n  - id: 1\n    name: broken\n    event: ftp.login\n    match: {no_such_field: 1}\n")
        sensor.send_signal(signal.SIGHUP)
        check(wait_for(lambda: "rules not reloaded" in log_text()), "a broken rule file is reported on SIGHUP")
        check("zz-broken.yaml:" in log_text(), "the reload error names the file and line")
        third = logins(10, 13)
        check(wait_for(lambda: sorted(alert_users(eve_lines(eve))) == second + third), "old rules still alert after a failed reload")

        # SIGUSR1: a stats record now (the interval is off).
        stats_before = sum('"event_type":"stats"' in line for line in eve_lines(eve))
        sensor.send_signal(signal.SIGUSR1)
        check(wait_for(lambda: sum('"event_type":"stats"' in l for l in eve_lines(eve)) > stats_before),
              "SIGUSR1 writes a stats record")

        # SIGTERM: drains and exits 0 promptly, with the final stats record.
        stats_before = sum('"event_type":"stats"' in line for line in eve_lines(eve))
        sensor.send_signal(signal.SIGTERM)
        try:
            status = sensor.wait(timeout=15)
        except subprocess.TimeoutExpired:
            status = None
        check(status == 0, f"SIGTERM: exit status 0 (got {status}): " + log_text())
        check(notify.seen("STOPPING=1"), "STOPPING=1 sent on SIGTERM")
        notify.done = True
        # Every alert reached rsyslog (at least once: a reset connection replays its last second).
        check(set(rsyslog.alert_users()) == set(first + second + third), "every alert reached rsyslog: "
              + str(sorted(rsyslog.alert_users())))
        check(sum('"event_type":"stats"' in l for l in eve_lines(eve)) == stats_before + 1, "final stats record at exit")

        # Across both files: every line whole JSON, each login's alert exactly once.
        all_lines = eve_lines(eve + ".1") + eve_lines(eve)
        for line in all_lines:
            try:
                json.loads(line)
            except ValueError:
                check(False, "a broken eve.json line: " + line[:120])
        check(sorted(alert_users(all_lines)) == sorted(first + second + third), "no alert lost or repeated across rotation")
        if VALIDATOR:
            result = subprocess.run([sys.executable, VALIDATOR, "--schema", SCHEMA, eve + ".1", eve],
                                    capture_output=True, text=True)
            if result.returncode == 77:
                print("not validated against the EVE schema: " + result.stdout.strip())
            else:
                check(result.returncode == 0, "every eve.json line is schema-valid: " + result.stdout[-2000:])
        summary_text = open(summary.name).read()
        check("drops     0 kernel, 0 interface" in summary_text, "no kernel drops: " + summary_text)
        print(f"{len(all_lines)} eve lines, {len(first + second + third)} alerts")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        for ns in (NS_CLIENT, NS_SERVER):
            subprocess.run(["ip", "netns", "pids", ns], capture_output=True)
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

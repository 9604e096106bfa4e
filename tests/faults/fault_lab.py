"""What the fault tests share: two network namespaces joined by a veth pair (the sensor captures
on the server end), a scripted FTP server whose every login raises alert 9100003 (password sent in
clear), a client that logs in as named users, the sensor started as root and dropping to `nobody`,
and readers for eve.json and the sensor's log. Every name carries the test's pid, so runs never
collide with each other or with other tests' namespaces."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIPPED = 77

FTP_SERVER = r'''
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 21)); s.listen(16)
while True:
    c, _ = s.accept()
    try:
        f = c.makefile("rb")
        c.sendall(b"220 lab ftp ready\r\n")
        for line in f:
            verb = line.split(b" ")[0].strip().upper()
            if verb == b"USER": c.sendall(b"331 password please\r\n")
            elif verb == b"PASS": c.sendall(b"530 login incorrect\r\n")
            elif verb == b"QUIT": c.sendall(b"221 bye\r\n"); break
            else: c.sendall(b"500 what\r\n")
    except OSError:
        pass  # a probe that connected and left, a link that went down
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


class Failures:
    def __init__(self):
        self.messages = []

    def check(self, condition, message):
        if not condition:
            self.messages.append(message)
            print("FAIL:", message, flush=True)
        return condition

    def exit_code(self):
        return 1 if self.messages else 0


def wait_for(predicate, seconds=10.0, step=0.1):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def eve_records(path):
    """Every line parsed; a line that is not JSON is returned as {"torn": text}."""
    records = []
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return records
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()  # what follows the last newline: nothing, when the file ends with a whole line
    for line in lines:
        try:
            records.append(json.loads(line))
        except ValueError:
            records.append({"torn": line[:200].decode(errors="replace")})
    return records


def alert_users(records):
    return [r["alert"]["metadata"]["user"][0] for r in records
            if r.get("event_type") == "alert" and r["alert"]["signature_id"] == 9100003]


class Lab:
    """A veth pair between a client and a server namespace; `subnet` is like "10.231.1"."""

    def __init__(self, prefix, subnet):
        self.tag = f"{prefix}{os.getpid()}"
        self.client_ns, self.server_ns = self.tag + "c", self.tag + "s"
        self.client_dev, self.server_dev = self.tag + "a", self.tag + "b"
        self.client_ip, self.server_ip = subnet + ".1", subnet + ".2"
        self.procs = []
        self.work = tempfile.mkdtemp(prefix="spanwatch-fault-")
        os.chmod(self.work, 0o755)  # the sensor, once `nobody`, opens files under it
        self.namespaces = []

    def create(self):
        """False where namespaces cannot be made (not root, no iproute2, a container without them)."""
        if os.geteuid() != 0 or shutil.which("ip") is None:
            return False
        for ns in (self.client_ns, self.server_ns):
            if subprocess.run(["ip", "netns", "add", ns], capture_output=True).returncode != 0:
                return False
            self.namespaces.append(ns)
        subprocess.run(["ip", "link", "add", self.client_dev, "netns", self.client_ns, "type", "veth", "peer", "name",
                        self.server_dev, "netns", self.server_ns], check=True)
        for ns, dev, ip in ((self.client_ns, self.client_dev, self.client_ip),
                            (self.server_ns, self.server_dev, self.server_ip)):
            subprocess.run(["ip", "-n", ns, "addr", "add", ip + "/24", "dev", dev], check=True)
            subprocess.run(["ip", "-n", ns, "link", "set", dev, "up"], check=True)
            subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True)
        # The kernel's link watch reports a veth's carrier (IFF_RUNNING) up to a second after both ends
        # are up: start nothing before it, or a sensor would begin on a link without carrier.
        return wait_for(lambda: "state UP" in subprocess.run(
            ["ip", "-n", self.server_ns, "link", "show", "dev", self.server_dev], capture_output=True, text=True).stdout, 5)

    def path(self, name):
        return os.path.join(self.work, name)

    def spawn(self, ns, argv, **kw):
        proc = subprocess.Popen(["ip", "netns", "exec", ns] + argv, **kw)
        self.procs.append(proc)
        return proc

    def start_ftp_server(self):
        script = self.path("ftp_server.py")
        with open(script, "w") as f:
            f.write(FTP_SERVER)
        self.spawn(self.server_ns, [sys.executable, script, self.server_ip])
        probe = [sys.executable, "-c", f"import socket; socket.create_connection(('{self.server_ip}', 21), 1).close()"]
        return wait_for(lambda: subprocess.run(["ip", "netns", "exec", self.client_ns] + probe,
                                               capture_output=True).returncode == 0)

    def logins(self, prefix, count):
        """Logs in as prefix00..; returns the user names (each one alert 9100003)."""
        script = self.path("ftp_client.py")
        if not os.path.exists(script):
            with open(script, "w") as f:
                f.write(FTP_CLIENT)
        users = [f"{prefix}{i:02d}" for i in range(count)]
        subprocess.run(["ip", "netns", "exec", self.client_ns, sys.executable, script, self.server_ip, *users],
                       check=True, timeout=60)
        return users

    def start_sensor(self, sensor, rules, logs, *settings, name="sensor", env=None):
        """The sensor on the server end, as root dropping to nobody; returns (process, log path, summary path)."""
        log, summary = self.path(name + ".log"), self.path(name + ".summary")
        argv = [sensor, "-c", "/dev/null", "--rules", rules, "--set", "run_as.user=nobody"]
        for setting in settings:
            argv += ["--set", setting]
        argv += ["-i", self.server_dev, "-l", logs]
        proc = self.spawn(self.server_ns, argv, stdout=open(summary, "w"), stderr=open(log, "w"), env=env)
        return proc, log, summary

    def stop(self, proc, seconds=15):
        """SIGTERM and the exit status (None if it did not stop)."""
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            return None

    def cleanup(self, unmount=()):
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        for ns in self.namespaces:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        for mount_point in unmount:
            subprocess.run(["umount", mount_point], capture_output=True)
        if not os.environ.get("SPANWATCH_KEEP_WORK"):
            shutil.rmtree(self.work, ignore_errors=True)


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""

#!/usr/bin/env python3
"""eve.json's disk fills up while the sensor captures live, then space returns.

The log folder is a 2 MiB tmpfs mounted in a private mount namespace of this test (the host's
mounts are untouched). FTP logins raise alerts; a filler file takes every free byte; more logins
happen; the filler is deleted; more logins. Expected: the write failures are counted and logged
once (not per line); capture goes on (the stats log line's packet and alert counts keep growing
during the outage); once space returns new alerts reach eve.json; every line of eve.json parses
(a short write is cut back, never left torn); SIGTERM exits 0 and the summary reports the loss.
Then an offline run (-r) into a full disk: it finishes, the log names the error, the summary says
records were LOST, and the exit status is 1 with a message saying how many records were lost.

usage: disk_full_test.py SPANWATCH RULES_DIR SPANWATCH_GEN
Exits 77 (skipped) without root, mount namespaces or network namespaces."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fault_lab import SKIPPED, Failures, Lab, alert_users, eve_records, read, wait_for  # noqa: E402

SENSOR, RULES, GEN = sys.argv[1:4]
IN_NAMESPACE = "SPANWATCH_FAULT_MOUNT_NS"


def enter_mount_namespace():
    """Runs this script again in a private mount namespace; returns its status (or 77)."""
    if os.geteuid() != 0:
        print("skipped: needs root (mount namespace, tmpfs, network namespaces)")
        return SKIPPED
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"], capture_output=True)
    if probe.returncode != 0:
        print("skipped: cannot create a mount namespace here:", probe.stderr.decode().strip())
        return SKIPPED
    env = dict(os.environ, **{IN_NAMESPACE: "1"})
    return subprocess.run(["unshare", "--mount", "--propagation", "private", sys.executable] + sys.argv,
                          env=env).returncode


def fill(path):
    """Writes until the file system refuses even one byte; returns the bytes written."""
    written = 0
    with open(path, "wb", buffering=0) as f:
        for chunk in (1 << 16, 4096, 512, 64, 1):
            block = b"\0" * chunk
            while True:
                try:
                    n = f.write(block)
                except OSError:
                    break
                written += n or 0
                if not n:
                    break
    return written


def stats_lines(log_text):
    """(packets, alerts) of every periodic stats log line, in order."""
    return [(int(m.group(1)), int(m.group(2)))
            for m in re.finditer(r"stats: (\d+) packets, .*?\), (\d+) alerts", log_text)]


def live_part(lab, failures):
    logs = lab.path("logs")
    eve = os.path.join(logs, "eve.json")
    sensor, log, summary = lab.start_sensor(SENSOR, RULES, logs, "outputs.stats.interval=1")
    if not failures.check(wait_for(lambda: "privileges dropped" in read(log)), "sensor started: " + read(log)):
        return
    failures.check(lab.start_ftp_server(), "the FTP server listens")
    before = lab.logins("before", 3)
    failures.check(wait_for(lambda: sorted(alert_users(eve_records(eve))) == before),
                   "alerts before the outage reach eve.json")

    filler = os.path.join(logs, "filler")
    fill(filler)
    stats_at_fill = len(stats_lines(read(log)))
    during = lab.logins("during", 12)
    failures.check(wait_for(lambda: "No space left on device" in read(log)),
                   "the write failure is logged with its reason: " + read(log)[-2000:])
    # Capture and detection go on: a stats line after the fill shows the new packets and alerts.
    packets_at_fill = stats_lines(read(log))[stats_at_fill - 1][0] if stats_at_fill else 0
    failures.check(wait_for(lambda: any(p > packets_at_fill and a >= len(before) + len(during)
                                        for p, a in stats_lines(read(log))[stats_at_fill:])),
                   "packets and alerts keep being counted during the outage: " + str(stats_lines(read(log))[-3:]))
    still_full = lab.logins("still", 3)
    failures.check(wait_for(lambda: any(a >= len(before) + len(during) + len(still_full)
                                        for _, a in stats_lines(read(log))[stats_at_fill:])),
                   "more alerts counted later in the outage")
    failures.check(sensor.poll() is None, "the sensor is still running with a full disk")
    failures.check(read(log).count("eve: write of") == 1,
                   "the outage is logged once, not per line: " + str(read(log).count("eve: write of")))

    os.unlink(filler)
    after = lab.logins("after", 4)
    failures.check(wait_for(lambda: set(after) <= set(alert_users(eve_records(eve))), 15),
                   "alerts after space returns reach eve.json: " + str(alert_users(eve_records(eve))))
    failures.check(wait_for(lambda: "works again" in read(log)), "the recovery is logged")
    status = lab.stop(sensor)
    failures.check(status == 0, f"SIGTERM: exit status {status}: {read(log)[-1500:]}")

    records = eve_records(eve)
    torn = [r["torn"] for r in records if "torn" in r]
    failures.check(not torn, f"every eve.json line parses; torn: {torn[:3]}")
    failures.check(open(eve, "rb").read().endswith(b"\n"), "eve.json ends with a whole line")
    users = alert_users(records)
    failures.check(set(before) <= set(users), "alerts from before the outage are kept")
    failures.check(not set(during) <= set(users), "some alerts of the outage were dropped (the disk was full)")
    failures.check(len(users) == len(set(users)), "no alert written twice")
    failures.check("some LOST" in read(summary), "the exit summary reports the loss: " + read(summary))
    print(f"live: {len(records)} eve lines, {len(set(during) & set(users))}/{len(during)} outage alerts kept, "
          f"{read(log).count('eve: write of')} failure log line", flush=True)


def offline_part(lab, failures):
    demo = lab.path("demo.pcap")
    subprocess.run([GEN, "--profile", "demo", "--out", demo], check=True, capture_output=True)
    logs = lab.path("logs/offline")
    os.makedirs(logs)
    filler = lab.path("logs/filler-offline")
    fill(filler)
    run = subprocess.run([SENSOR, "-c", "/dev/null", "--rules", RULES, "-r", demo, "-l", logs],
                         capture_output=True, text=True, timeout=60)
    failures.check(run.returncode == 1, f"offline into a full disk: exit status {run.returncode} (expected 1)")
    failures.check("records could not be written to" in run.stderr, "the exit says so: " + run.stderr[-500:])
    failures.check("No space left on device" in run.stderr, "the log names the error: " + run.stderr[-1500:])
    failures.check(run.stderr.count("eve: write of") == 1, "and says it once: " + run.stderr[-1500:])
    failures.check("some LOST" in run.stdout, "the summary says records were lost: " + run.stdout)
    eve = os.path.join(logs, "eve.json")
    torn = [r["torn"] for r in eve_records(eve) if "torn" in r]
    failures.check(not torn, f"every line of the offline eve.json parses; torn: {torn[:3]}")
    os.unlink(filler)
    print(f"offline: exit {run.returncode}, {len(eve_records(eve))} eve lines written before the disk was full",
          flush=True)


def main():
    if os.environ.get(IN_NAMESPACE) != "1":
        return enter_mount_namespace()
    lab = Lab("swfd", "10.231.1")
    failures = Failures()
    logs = lab.path("logs")
    try:
        os.makedirs(logs)
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0755", "tmpfs", logs]).returncode != 0:
            print("skipped: cannot mount a tmpfs here")
            return SKIPPED
        if not lab.create():
            print("skipped: cannot create network namespaces here")
            return SKIPPED
        live_part(lab, failures)
        offline_part(lab, failures)
    finally:
        lab.cleanup(unmount=[logs])
    return failures.exit_code()


if __name__ == "__main__":
    sys.exit(main())

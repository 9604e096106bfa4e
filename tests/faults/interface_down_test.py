#!/usr/bin/env python3
"""The captured interface goes down, comes back, loses its carrier, and is finally deleted.

Two sensors capture the server end of a veth pair at once: one with the default
capture.on_interface_down=wait, one with exit. Expected:
- `ip link set down` on the captured end: the exit sensor ends with status 1 and a message naming
  the interface and the option; the wait sensor logs it, keeps running (its stats records go on),
  and when the link is `up` again logs that, and the logins made after it raise alerts;
- the peer end going down (carrier lost) is reported the same way, and capture resumes after it;
- every loss is counted in the EVE stats record's capture.errors;
- `ip link del`: the wait sensor ends with status 1 and a clear message (a deleted interface cannot
  be reopened without the capability dropped at start-up).

usage: interface_down_test.py SPANWATCH RULES_DIR
Exits 77 (skipped) without root or network namespaces."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fault_lab import SKIPPED, Failures, Lab, alert_users, eve_records, read, wait_for  # noqa: E402

SENSOR, RULES = sys.argv[1:3]


def last_stats(eve):
    stats = [r for r in eve_records(eve) if r.get("event_type") == "stats"]
    return stats[-1]["stats"] if stats else {}


def main():
    lab = Lab("swfi", "10.231.3")
    failures = Failures()
    try:
        if not lab.create():
            print("skipped: cannot create network namespaces here (needs root)")
            return SKIPPED
        wait_logs, exit_logs = lab.path("logs-wait"), lab.path("logs-exit")
        waiting, wait_log, _ = lab.start_sensor(SENSOR, RULES, wait_logs, "outputs.stats.interval=1", name="wait")
        exiting, exit_log, _ = lab.start_sensor(SENSOR, RULES, exit_logs, "capture.on_interface_down=exit",
                                                name="exit")
        for name, log in (("wait", wait_log), ("exit", exit_log)):
            if not failures.check(wait_for(lambda: "privileges dropped" in read(log)), f"{name}: started: {read(log)}"):
                return 1
        eve = os.path.join(wait_logs, "eve.json")
        failures.check(lab.start_ftp_server(), "the FTP server listens")
        first = lab.logins("first", 3)
        failures.check(wait_for(lambda: sorted(alert_users(eve_records(eve))) == first), "alerts before the fault")

        # Administratively down.
        subprocess.run(["ip", "-n", lab.server_ns, "link", "set", lab.server_dev, "down"], check=True)
        failures.check(wait_for(lambda: "interface went down" in read(wait_log)),
                       "wait: the interface going down is logged: " + read(wait_log)[-800:])
        failures.check(wait_for(lambda: exiting.poll() is not None), "exit: the sensor ends when the interface goes down")
        failures.check(exiting.poll() == 1, f"exit: status {exiting.poll()}")
        failures.check(f"{lab.server_dev}: the interface went down (capture.on_interface_down: exit)" in read(exit_log),
                       "exit: the message names the interface and the option: " + read(exit_log)[-600:])
        stats_before = len([r for r in eve_records(eve) if r.get("event_type") == "stats"])
        time.sleep(2.5)
        failures.check(waiting.poll() is None, "wait: still running while the interface is down")
        failures.check(len([r for r in eve_records(eve) if r.get("event_type") == "stats"]) > stats_before,
                       "wait: stats records go on while the interface is down")
        subprocess.run(["ip", "-n", lab.server_ns, "link", "set", lab.server_dev, "up"], check=True)
        failures.check(wait_for(lambda: "the interface is up again" in read(wait_log)),
                       "wait: the interface coming back is logged: " + read(wait_log)[-800:])
        second = lab.logins("second", 3)
        failures.check(wait_for(lambda: set(second) <= set(alert_users(eve_records(eve)))),
                       "wait: packets after `up` are captured and raise alerts: " + str(alert_users(eve_records(eve))))

        # The peer end goes down: the captured end loses its carrier.
        subprocess.run(["ip", "-n", lab.client_ns, "link", "set", lab.client_dev, "down"], check=True)
        failures.check(wait_for(lambda: "interface lost its carrier" in read(wait_log)),
                       "wait: the lost carrier is logged: " + read(wait_log)[-800:])
        subprocess.run(["ip", "-n", lab.client_ns, "link", "set", lab.client_dev, "up"], check=True)
        failures.check(wait_for(lambda: read(wait_log).count("the interface is up again") == 2),
                       "wait: the carrier coming back is logged")
        third = lab.logins("third", 3)
        failures.check(wait_for(lambda: set(third) <= set(alert_users(eve_records(eve)))),
                       "wait: alerts after the carrier is back")
        failures.check(wait_for(lambda: last_stats(eve).get("capture", {}).get("errors", 0) == 2, 5),
                       "wait: both losses counted in capture.errors: " + str(last_stats(eve).get("capture")))
        failures.check(read(wait_log).count("interface went down") == 1, "wait: one log line per loss")

        # Deleted: the handle is dead and cannot be reopened.
        subprocess.run(["ip", "-n", lab.server_ns, "link", "del", lab.server_dev], check=True)
        failures.check(wait_for(lambda: waiting.poll() is not None), "wait: the sensor ends when the interface is deleted")
        failures.check(waiting.poll() == 1, f"wait: status {waiting.poll()} after the deletion")
        message = [l for l in read(wait_log).splitlines() if l.startswith("spanwatch:")]
        failures.check(any(lab.server_dev + ": capture failed:" in l for l in message),
                       "wait: a clear message names the interface: " + str(message) + read(wait_log)[-600:])
        print("exit sensor:", [l for l in read(exit_log).splitlines() if l.startswith("spanwatch:")], flush=True)
        print("wait sensor:", message, flush=True)
    finally:
        lab.cleanup()
    return failures.exit_code()


if __name__ == "__main__":
    sys.exit(main())

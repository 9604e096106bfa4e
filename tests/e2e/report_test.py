#!/usr/bin/python3
"""End to end: the HTML exercise report of the demo capture (which raises every shipped detection
9100001-9100007), written by `spanwatch -r ... --report` and by `spanwatch report`, opened in headless
Chromium. The figures in the rendered DOM must equal those computed here from eve.json, the page must
make no network request, and a screenshot must render. Skipped (77) without Chromium.

usage: report_test.py SENSOR GENERATOR RULES_DIR WORKDIR
"""
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys

SKIP = 77
SHIPPED_IN_DEMO = set(range(9100001, 9100008))
BAD_LINES = ["this is not json", '{"truncated": ', '{"no_event_type": 1}']


class DomFigures(html.parser.HTMLParser):
    """Collects the data-* attributes the report gives its figures."""

    def __init__(self):
        super().__init__()
        self.metrics, self.rules, self.lanes, self.logins = {}, {}, {}, []
        self.resource_attributes = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name in ("src", "href", "srcset", "poster", "action"):
            if name in a:
                self.resource_attributes.append((tag, name, a[name]))
        if "data-metric" in a and "data-value" in a:
            self.metrics[a["data-metric"]] = int(a["data-value"])
        if tag == "tr" and "data-sid" in a and "data-count" in a:
            self.rules[int(a["data-sid"])] = (int(a["data-count"]), int(a["data-sources"]), int(a["data-targets"]))
        if tag == "g" and "data-sid" in a:
            self.lanes[int(a["data-sid"])] = int(a["data-marks"])
        if tag == "tr" and "data-protocol" in a:
            self.logins.append((a["data-protocol"], a["data-outcome"], int(a["data-count"])))


def expected_from_eve(path):
    records, bad = [], 0
    for line in open(path):
        try:
            record = json.loads(line)
        except ValueError:
            bad += 1
            continue
        if not isinstance(record, dict) or "event_type" not in record or "timestamp" not in record:
            bad += 1
            continue
        records.append(record)
    alerts = [r for r in records if r["event_type"] == "alert"]
    rules = {}
    for a in alerts:
        sid = a["alert"]["signature_id"]
        count, sources, targets = rules.get(sid, (0, set(), set()))
        rules[sid] = (count + 1, sources | {a["src_ip"]}, targets | {a["dest_ip"]})
    stats = [r for r in records if r["event_type"] == "stats"][-1]["stats"]
    severity = {}
    for a in alerts:
        severity[a["alert"]["severity"]] = severity.get(a["alert"]["severity"], 0) + 1
    metrics = {
        "alerts": len(alerts),
        "packets": stats["decoder"]["pkts"],
        "bytes": stats["decoder"]["bytes"],
        "flows": stats["flow"]["total"],
        "records": len(records),
        "skipped-lines": bad,
    }
    for sev in (1, 2, 3):
        metrics[f"alerts-severity-{sev}"] = severity.get(sev, 0)
    return metrics, {sid: (c, len(s), len(t)) for sid, (c, s, t) in rules.items()}


def chromium_run(chromium, work, name, page, extra):
    profile = os.path.join(work, f"profile-{name}")
    shutil.rmtree(profile, ignore_errors=True)
    netlog = os.path.join(work, f"netlog-{name}.json")
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
               "--host-resolver-rules=MAP * ~NOTFOUND", f"--log-net-log={netlog}", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", *extra, "file://" + page]
    run = subprocess.run(command, capture_output=True, text=True, timeout=60)
    return run, netlog


def page_requests(netlog):
    """URLs the page asked for, from Chromium's net log. The browser's own background requests
    (component updater, time, spelling dictionary) carry the initiator "not an origin"; whatever a
    file:// page loads has an initiator ("null") and the file:// network isolation key."""
    log = json.load(open(netlog))
    types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    urls = []
    for event in log.get("events", []):
        params = event.get("params", {})
        if types.get(event.get("type")) != "URL_REQUEST_START_JOB" or "url" not in params:
            continue
        if params.get("initiator") == "not an origin" and not params.get("network_isolation_key", "").startswith("file:"):
            continue
        if not params["url"].startswith("file:"):
            urls.append(params["url"])
    return urls


def check_page(chromium, work, name, page, metrics, rules, failures, screenshot=False):
    source = open(page, encoding="utf-8").read()
    if re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", source, re.I):
        failures.append(f"{name}: the page source references a network resource")
    if re.search(r"@import|url\(|<script|<link", source, re.I):
        failures.append(f"{name}: the page has a script, link, @import or url()")

    run, netlog = chromium_run(chromium, work, name, page, ["--dump-dom"])
    if run.returncode != 0 or "</html>" not in run.stdout:
        failures.append(f"{name}: chromium --dump-dom failed ({run.returncode}): {run.stderr[-400:]}")
        return
    dom = DomFigures()
    dom.feed(run.stdout)
    for key, value in metrics.items():
        if dom.metrics.get(key) != value:
            failures.append(f"{name}: DOM {key}={dom.metrics.get(key)}, eve.json says {value}")
    if dom.rules != rules:
        failures.append(f"{name}: DOM rules (count, sources, targets) {dom.rules}, eve.json says {rules}")
    for sid, (count, _, _) in rules.items():
        if dom.lanes.get(sid) != count:  # the timeline draws every alert (few here, under the cap)
            failures.append(f"{name}: timeline lane {sid} has {dom.lanes.get(sid)} marks, expected {count}")
    if not any(p == "smb" and o == "failure" for p, o, _ in dom.logins):
        failures.append(f"{name}: no SMB login failures in the Authentication section")
    if dom.resource_attributes:
        failures.append(f"{name}: resource attributes in the DOM: {dom.resource_attributes}")
    requests = page_requests(netlog)
    if requests:
        failures.append(f"{name}: the page made network requests: {requests}")

    if not screenshot:
        return
    shot = os.path.join(work, f"{name}.png")
    run, _ = chromium_run(chromium, work, name + "-shot", page,
                          [f"--screenshot={shot}", "--window-size=1280,2000", "--hide-scrollbars"])
    if not os.path.exists(shot) or os.path.getsize(shot) < 10000:
        failures.append(f"{name}: no screenshot ({run.returncode}): {run.stderr[-400:]}")


def main():
    sensor, generator, rules_dir, work = sys.argv[1:5]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("SKIPPED: chromium is not installed (.ci/run installs it)")
        return SKIP
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    pcap = os.path.join(work, "demo.pcap")
    subprocess.run([generator, "--profile", "demo", "--seed", "1", "--out", pcap], check=True, capture_output=True)
    run_report = os.path.join(work, "run-report.html")
    run = subprocess.run([sensor, "-c", "/dev/null", "--rules", rules_dir, "-r", pcap, "-l", work,
                          "--report", run_report], capture_output=True, text=True, timeout=60)
    failures = []
    if run.returncode != 0 or not os.path.exists(run_report):
        print(f"FAIL: sensor --report exited {run.returncode}: {run.stderr}")
        return 1
    eve = os.path.join(work, "eve.json")
    metrics, rules = expected_from_eve(eve)
    missing = SHIPPED_IN_DEMO - set(rules)
    if missing:
        failures.append(f"the demo capture did not raise {sorted(missing)}")
    check_page(chromium, work, "run", run_report, metrics, rules, failures, screenshot=True)

    # The request check can fail: the same page with one remote image is caught.
    probe = os.path.join(work, "probe.html")
    with open(probe, "w") as out:
        out.write(open(run_report).read().replace("<h1>", '<img src="http://probe.example.invalid/x.png"><h1>', 1))
    _, netlog = chromium_run(chromium, work, "probe", probe, ["--dump-dom"])
    if page_requests(netlog) != ["http://probe.example.invalid/x.png"]:
        failures.append(f"the net-log check did not see the probe page's image: {page_requests(netlog)}")

    # The subcommand, on the same eve.json with lines that are not EVE mixed in: counted and shown.
    dirty = os.path.join(work, "eve-dirty.json")
    lines = open(eve).read().splitlines()
    with open(dirty, "w") as out:
        for i, line in enumerate(lines):
            out.write(line + "\n")
            if i < len(BAD_LINES):
                out.write(BAD_LINES[i] + "\n")
    cli_report = os.path.join(work, "cli-report.html")
    run = subprocess.run([sensor, "report", dirty, "-o", cli_report, "--evidence", "1"], capture_output=True,
                         text=True, timeout=60)
    if run.returncode != 0:
        failures.append(f"spanwatch report exited {run.returncode}: {run.stderr}")
    else:
        dirty_metrics, dirty_rules = expected_from_eve(dirty)
        if dirty_metrics["skipped-lines"] != len(BAD_LINES):
            failures.append(f"the test counted {dirty_metrics['skipped-lines']} bad lines, wrote {len(BAD_LINES)}")
        check_page(chromium, work, "cli", cli_report, dirty_metrics, dirty_rules, failures)
        evidence_tables = open(cli_report).read().count('<table class="ev"')
        if evidence_tables != len(dirty_rules):  # --evidence 1: one row per rule
            failures.append(f"--evidence 1 gave {evidence_tables} evidence tables for {len(dirty_rules)} rules")

    for f in failures:
        print("FAIL:", f)
    if not failures:
        print(f"report DOM matches eve.json: {metrics['alerts']} alerts over {len(rules)} rules, no network request")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Measure a command against the bare libpcap loop over the same capture.

Warms the page cache, then runs the bare loop and the command alternately --runs times (the
machine is shared and noisy: only ratios measured side by side mean anything, PERFORMANCE.md) and
prints the median wall time of each, the median of the per-pair ratios, packets/s, Gbit/s (packets
and bytes from the bare loop's JSON line) and the command's peak RSS. It also prints the median ratio
of CPU time (user + sys of the child), which a loaded machine disturbs less than wall time.

--peer "CMD {pcap}" (repeatable) measures another tool the same way, e.g. dsniff (libnids and its
credential decoders) or ndpiReader (nDPI), both Debian packages; a peer not installed is skipped.

Peak RSS comes from GNU /usr/bin/time (%M) when it is installed; both commands then run under it, so
the timing stays fair. Otherwise it is ru_maxrss from wait4, an upper bound: Linux keeps the RSS high
mark across exec, so the child starts with this Python process's RSS (printed for reference).

  compare.py --bare build/tests/bench/spanwatch-bare-loop \
             --sensor "build/sensor/spanwatch -q -c /dev/null --rules rules -r {pcap} -l /tmp/out" \
             --pcap big.pcap --runs 9 \
             --peer "dsniff -n -p {pcap}" --peer "ndpiReader -q -i {pcap}"

Python 3 standard library only.
"""
import argparse
import json
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def warm_page_cache(path):
    with open(path, "rb", buffering=0) as capture:
        while capture.read(1 << 20):
            pass


TIME_BINARY = "/usr/bin/time"


def run_once(argv, capture_stdout, use_time):
    """Runs argv to completion; returns (wall seconds, peak RSS in KiB, stdout text, CPU seconds)."""
    with tempfile.TemporaryFile() as stderr, tempfile.NamedTemporaryFile(mode="r") as rss_file:
        if use_time:
            argv = [TIME_BINARY, "-o", rss_file.name, "-f", "%M"] + argv
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=subprocess.PIPE if capture_stdout else subprocess.DEVNULL,
                                   stderr=stderr)
        output = ""
        if capture_stdout:
            output = process.stdout.read().decode()
            process.stdout.close()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)  # already reaped: tell Popen
        if process.returncode != 0:
            stderr.seek(0)
            sys.exit("%s exited with %d:\n%s" % (shlex.join(argv), process.returncode,
                                                   stderr.read().decode(errors="replace")))
        rss_kib = int(rss_file.read().split()[-1]) if use_time else usage.ru_maxrss
    return wall, rss_kib, output, usage.ru_utime + usage.ru_stime


def parse_bare_output(text):
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    sys.exit("the bare loop printed no JSON line:\n" + text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bare", required=True, help="path to spanwatch-bare-loop")
    parser.add_argument("--bare-args", default="", help='extra bare-loop arguments, e.g. "--dispatch"')
    parser.add_argument("--sensor", required=True, help='command to measure; "{pcap}" is replaced by the capture')
    parser.add_argument("--pcap", required=True, help="capture file (>= 200 MB for meaningful ratios)")
    parser.add_argument("--runs", type=int, default=7, help="number of bare/sensor pairs (default 7)")
    parser.add_argument("--peer", action="append", default=[],
                        help='another tool to measure the same way, "{pcap}" replaced (repeatable)')
    parser.add_argument("--json", action="store_true", help="also print the summary as one JSON line")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if "{pcap}" not in args.sensor:
        parser.error('--sensor must contain "{pcap}"')
    if not os.path.isfile(args.pcap):
        parser.error("no such capture file: " + args.pcap)

    bare_argv = [args.bare, args.pcap] + shlex.split(args.bare_args)
    sensor_argv = [part.replace("{pcap}", args.pcap) for part in shlex.split(args.sensor)]
    peers = []
    for peer in args.peer:
        if "{pcap}" not in peer:
            parser.error('--peer must contain "{pcap}"')
        argv = [part.replace("{pcap}", args.pcap) for part in shlex.split(peer)]
        if shutil.which(argv[0]) is None:
            print("peer %s is not installed: skipped" % argv[0], file=sys.stderr)
            continue
        peers.append({"command": peer, "argv": argv, "ratios": [], "cpu_ratios": [], "times": []})

    use_time = os.access(TIME_BINARY, os.X_OK)
    if use_time:
        print("peak RSS from %s" % TIME_BINARY, file=sys.stderr)
    else:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print("peak RSS from wait4: an upper bound that includes this script's %.1f MiB" % (own / 1024),
              file=sys.stderr)

    warm_page_cache(args.pcap)
    bare_times, sensor_times, ratios, cpu_ratios, peak_rss = [], [], [], [], []
    totals = None
    for run in range(1, args.runs + 1):
        bare_wall, _, output, bare_cpu = run_once(bare_argv, capture_stdout=True, use_time=use_time)
        totals = parse_bare_output(output)
        sensor_wall, rss_kib, _, sensor_cpu = run_once(sensor_argv, capture_stdout=False, use_time=use_time)
        bare_times.append(bare_wall)
        sensor_times.append(sensor_wall)
        ratios.append(sensor_wall / bare_wall)
        cpu_ratios.append(sensor_cpu / max(bare_cpu, 1e-6))
        peak_rss.append(rss_kib)
        print("run %d/%d: bare %.3f s, sensor %.3f s, ratio %.2f (CPU %.2f), sensor peak RSS %.1f MiB"
              % (run, args.runs, bare_wall, sensor_wall, ratios[-1], cpu_ratios[-1], rss_kib / 1024), file=sys.stderr)
        for peer in peers:
            # Each peer gets its own bare run just before it, so every ratio is a side-by-side pair.
            peer_bare_wall, _, _, peer_bare_cpu = run_once(bare_argv, capture_stdout=True, use_time=use_time)
            peer_wall, _, _, peer_cpu = run_once(peer["argv"], capture_stdout=False, use_time=use_time)
            peer["times"].append(peer_wall)
            peer["ratios"].append(peer_wall / peer_bare_wall)
            peer["cpu_ratios"].append(peer_cpu / max(peer_bare_cpu, 1e-6))

    packets, size = totals["packets"], totals["bytes"]
    bare_median = statistics.median(bare_times)
    sensor_median = statistics.median(sensor_times)
    summary = {
        "pcap": args.pcap,
        "runs": args.runs,
        "packets": packets,
        "bytes": size,
        "bare_median_seconds": round(bare_median, 4),
        "sensor_median_seconds": round(sensor_median, 4),
        "median_ratio": round(statistics.median(ratios), 3),
        "median_cpu_ratio": round(statistics.median(cpu_ratios), 3),
        "bare_mpps": round(packets / bare_median / 1e6, 3),
        "sensor_mpps": round(packets / sensor_median / 1e6, 3),
        "bare_gbit_per_s": round(size * 8 / bare_median / 1e9, 3),
        "sensor_gbit_per_s": round(size * 8 / sensor_median / 1e9, 3),
        "sensor_peak_rss_mib": round(max(peak_rss) / 1024, 1),
        "rss_source": "time" if use_time else "wait4",
        "peers": [{"command": p["command"], "median_seconds": round(statistics.median(p["times"]), 4),
                   "median_ratio": round(statistics.median(p["ratios"]), 3),
                   "median_cpu_ratio": round(statistics.median(p["cpu_ratios"]), 3)} for p in peers],
    }
    print("capture          %s: %d packets, %.1f MB" % (args.pcap, packets, size / 1e6))
    print("bare loop        median %.3f s  %.3f Mpps  %.2f Gbit/s"
          % (bare_median, summary["bare_mpps"], summary["bare_gbit_per_s"]))
    print("sensor           median %.3f s  %.3f Mpps  %.2f Gbit/s  peak RSS %.1f MiB"
          % (sensor_median, summary["sensor_mpps"], summary["sensor_gbit_per_s"], summary["sensor_peak_rss_mib"]))
    print("ratio            median of %d pairs: %.2f x the bare loop (CPU time: %.2f x)"
          % (args.runs, summary["median_ratio"], summary["median_cpu_ratio"]))
    for peer in summary["peers"]:
        print("peer             %s: median %.3f s, %.2f x the bare loop (CPU time: %.2f x)"
              % (peer["command"], peer["median_seconds"], peer["median_ratio"], peer["median_cpu_ratio"]))
    if args.json:
        print(json.dumps(summary))


if __name__ == "__main__":
    main()

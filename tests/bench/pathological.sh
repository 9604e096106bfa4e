#!/bin/bash
# Pathological sessions at size N and 10 N: the sensor's CPU time (user + sys) should grow ~10x, not
# faster. A benchmark, not a test (never timed in CTest): it prints the ratios for a human to read.
#
#   tests/bench/pathological.sh SENSOR GENERATOR RULES_DIR [WORKDIR] [RUNS]
#     SENSOR     build-*/sensor/spanwatch
#     GENERATOR  build-*/tests/floods/spanwatch-gen-flood
#   e.g. tests/bench/pathological.sh build-x/sensor/spanwatch build-x/tests/floods/spanwatch-gen-flood rules
#
# Per scenario: a control capture (the same ordinary session, a tiny bad one) and captures of N and
# 10 N; RUNS (default 5) alternating rounds of the three; medians of CPU seconds. "net" subtracts the
# control's median (start-up, rule compilation, the ordinary session) before taking the ratio.
# Run it under `nice -n 10` on a shared machine; the ratio, not the seconds, is what carries over.
set -euo pipefail
sensor=$1 generator=$2 rules=$3
work=${4:-$(mktemp -d /tmp/spanwatch-pathological.XXXXXX)}
runs=${5:-5}
mkdir -p "$work"

cpu_seconds() {  # pcap -> CPU seconds of one sensor run
  local out=$work/out
  rm -rf "$out" && mkdir -p "$out"
  local TIMEFORMAT='%3U %3S'  # bash's time: millisecond resolution (/usr/bin/time prints 10 ms)
  { time "$sensor" -c /dev/null --rules "$rules" -r "$1" -l "$out" \
      --set stream.depth=0 --set 'outputs.eve.types=[alert,anomaly,stats]' >/dev/null 2>&1; } 2>"$work/time.txt"
  awk 'END { printf "%.3f", $1 + $2 }' "$work/time.txt"
}

median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

printf '%-16s %10s %10s %9s %9s %9s %7s %7s\n' scenario N 10N control_s N_s 10N_s ratio net
for spec in ftp-commands:100000:16 smb-outstanding:20000:16 tls-huge-hello:1677721:512; do
  IFS=: read -r scenario n control <<<"$spec"
  big=$((n * 10))
  [ "$scenario" = tls-huge-hello ] && big=16777215  # the 24-bit length field's limit (~10 N)
  "$generator" "$scenario" --out "$work/control.pcap" --count "$control" >/dev/null
  "$generator" "$scenario" --out "$work/n.pcap" --count "$n" >/dev/null
  "$generator" "$scenario" --out "$work/10n.pcap" --count "$big" >/dev/null
  c="" s="" b=""
  for _ in $(seq "$runs"); do
    c+=" $(cpu_seconds "$work/control.pcap")"
    s+=" $(cpu_seconds "$work/n.pcap")"
    b+=" $(cpu_seconds "$work/10n.pcap")"
  done
  mc=$(echo "$c" | median) ms=$(echo "$s" | median) mb=$(echo "$b" | median)
  awk -v sc="$scenario" -v n="$n" -v big="$big" -v c="$mc" -v s="$ms" -v b="$mb" 'BEGIN {
    ratio = s > 0 ? b / s : 0; net = (s - c) > 0 ? (b - c) / (s - c) : 0
    printf "%-16s %10d %10d %9.3f %9.3f %9.3f %7.2f %7.2f\n", sc, n, big, c, s, b, ratio, net }'
  rm -f "$work"/*.pcap
done
rm -rf "$work/out"

#!/usr/bin/env bash
# The whole single-worker benchmark in one command (issue 9): generates the mixed capture with
# spanwatch-gen (kept and reused when it already exists), then runs tests/bench/compare.py, which
# alternates the bare pcap_next_ex loop and the sensor (default config, every shipped rule) and prints
# the median wall times, their ratio, packets/s, Gbit/s and peak RSS, with dsniff and ndpiReader as
# peers when they are installed; then the heap allocations after warm-up (spanwatch-replay-allocations:
# the capture replayed twice through one worker, operator new counted in the second pass). Builds
# nothing: build the `spanwatch`, `spanwatch-gen`, `spanwatch-bare-loop` and
# `spanwatch-replay-allocations` targets first.
#
#   tests/bench/run.sh [SIZE_MB [CONCURRENCY]]
#
# Defaults: 1000 MB and spanwatch-gen's own concurrency for that size (size/16 KiB, at most 20000
# sessions at once): the 1 GB mix then holds ~81 k flows (67 k TCP), the issue's "1 GB with ~60 k
# flows". A larger CONCURRENCY (e.g. 60000: 218 k flows) is the harsher memory case.
#
# Environment: BUILD (build directory, default build), RUNS (pairs, default 7), BENCH_DIR (where the
# capture and the sensor's output go, default /tmp/spanwatch-bench), PEERS=0 to skip the peers.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
size_mb=${1:-1000}
concurrency=${2:-default}
build=${BUILD:-$root/build}
runs=${RUNS:-7}
bench_dir=${BENCH_DIR:-/tmp/spanwatch-bench}

sensor=$build/sensor/spanwatch
gen=$build/tests/tools/spanwatch-gen
bare=$build/tests/bench/spanwatch-bare-loop
allocations=$build/tests/bench/spanwatch-replay-allocations
for tool in "$sensor" "$gen" "$bare" "$allocations"; do
  if [[ ! -x $tool ]]; then
    echo "run.sh: $tool is missing; build it first:" >&2
    echo "  cmake --build $build --target spanwatch spanwatch-gen spanwatch-bare-loop spanwatch-replay-allocations" >&2
    exit 2
  fi
done

mkdir -p "$bench_dir/out"
pcap=$bench_dir/mixed-${size_mb}mb-c${concurrency}-seed1.pcap
if [[ ! -s $pcap ]]; then
  echo "generating $pcap" >&2
  concurrency_args=()
  [[ $concurrency != default ]] && concurrency_args=(--concurrency "$concurrency")
  "$gen" --profile mixed --size-mb "$size_mb" "${concurrency_args[@]}" --seed 1 --out "$pcap.tmp" >&2
  mv "$pcap.tmp" "$pcap"
fi

peers=()
if [[ ${PEERS:-1} != 0 ]]; then
  peers=(--peer "dsniff -n -p {pcap}" --peer "ndpiReader -q -i {pcap}")
fi

python3 "$here/compare.py" --bare "$bare" --pcap "$pcap" --runs "$runs" \
  --sensor "$sensor -q -c /dev/null --rules $root/rules -r {pcap} -l $bench_dir/out" "${peers[@]}"

# Exits non-zero (and so does this script) if the packet path allocated after warm-up.
printf 'allocations      ' && "$allocations" "$pcap" "$root/rules"

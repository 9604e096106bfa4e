#!/usr/bin/env bash
# Live throughput (a benchmark, not a test): replays a capture with tcpreplay into one end of a veth
# pair between two network namespaces this script creates, while the sensor captures the other end,
# at rising rates (--mbps steps, then --topspeed), once per worker count. Prints, per run, what was
# sent, what the sensor saw and its kernel drops, and per worker count the highest rate with zero
# drops. Needs root, iproute2 and tcpreplay (.ci/install-deps installs it).
#
#   tests/bench/live_throughput.sh SENSOR PCAP [RULES_DIR] [--workers "1 2"] [--mbps "250 500 1000 2000"]
#                                  [--ring-mib 16]
#
# The kernel ring is the same in total whatever the worker count (--ring-mib, split over the
# workers' handles), and should be far smaller than the capture: a capture that fits in the ring is
# never dropped, however slow the sensor.
# Rates on a shared VM are noisy: repeat and compare side by side, as for compare.py.
set -u
sensor=${1:?usage: $0 SENSOR PCAP [RULES_DIR] [--workers LIST] [--mbps LIST]}
pcap=${2:?usage: $0 SENSOR PCAP [RULES_DIR] [--workers LIST] [--mbps LIST]}
shift 2
rules=""
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then rules=$1; shift; fi
worker_counts="1 2"
rates="250 500 1000 2000 4000"
ring_mib=16
while [ $# -gt 0 ]; do
  case $1 in
    --workers) worker_counts=$2; shift 2 ;;
    --mbps) rates=$2; shift 2 ;;
    --ring-mib) ring_mib=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v tcpreplay >/dev/null || { echo "tcpreplay is not installed (apt-get install tcpreplay)" >&2; exit 2; }

tag="swb$$"
ns_send="${tag}t"
ns_sensor="${tag}s"
work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  ip netns del "$ns_send" 2>/dev/null
  ip netns del "$ns_sensor" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$ns_send" && ip netns add "$ns_sensor" || { echo "cannot create network namespaces" >&2; exit 2; }
ip link add "${tag}a" netns "$ns_send" type veth peer name "${tag}b" netns "$ns_sensor" || exit 2
for end in "$ns_send ${tag}a" "$ns_sensor ${tag}b"; do
  set -- $end
  ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1  # no stray neighbour discovery
  ip -n "$1" link set "$2" mtu 9000 up
done

rules_args=(-c /dev/null)
[ -n "$rules" ] && rules_args+=(--rules "$rules")
cat "$pcap" >/dev/null  # warm the page cache

# One replay at a rate ("topspeed" or Mbit/s); prints "sent captured drops".
replay() {
  local workers=$1 rate=$2
  rm -rf "$work/logs"
  ip netns exec "$ns_sensor" "$sensor" "${rules_args[@]}" -i "${tag}b" -l "$work/logs" --set "workers=$workers" \
    --set capture.buffer_size_mib=$((ring_mib / workers)) --set outputs.stats.interval=0 --set run_as.user=nobody >"$work/summary" 2>"$work/log" &
  pid=$!
  for _ in $(seq 100); do grep -q "capturing on" "$work/log" && break; sleep 0.1; done
  sleep 2  # the workers build their tables after the capture opened
  local speed=(--topspeed)
  [ "$rate" != topspeed ] && speed=(--mbps="$rate")
  local sent
  sent=$(ip netns exec "$ns_send" tcpreplay -q "${speed[@]}" -i "${tag}a" "$pcap" 2>&1 |
         awk '/Actual:/ {print $2; exit}')
  sleep 1
  kill -INT "$pid"
  wait "$pid"
  pid=""
  local captured drops
  [ -s "$work/summary" ] || { echo "the sensor failed: $(tail -3 "$work/log")" >&2; }
  captured=$(awk '$1 == "packets" {print $2}' "$work/summary")
  drops=$(awk '$1 == "drops" {print $2 + $4}' "$work/summary")
  echo "${sent:-?} ${captured:-?} ${drops:-?}"
}

for workers in $worker_counts; do
  best="none"
  for rate in $rates topspeed; do
    read -r sent captured drops < <(replay "$workers" "$rate")
    printf "workers=%s rate=%-9s sent %-9s captured %-9s kernel drops %s\n" "$workers" "$rate" "$sent" "$captured" "$drops"
    if [ "$drops" = 0 ] && [ "$sent" = "$captured" ]; then best=$rate; else break; fi
  done
  echo "workers=$workers: highest rate without drops: $best (Mbit/s)"
done

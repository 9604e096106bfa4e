#!/usr/bin/env bash
# Live capture end to end: two network namespaces joined by a veth pair (addresses exist only inside
# them), the sensor capturing on one end with -i while a real TCP exchange and UDP datagrams cross
# it, then SIGINT. Checks a clean exit, the summary, and eve.json's capture and decoder counters.
# Exits 77 (skipped) where network namespaces cannot be created.
set -u
sensor=$1
tag="sw$$"
ns_client="${tag}c"
ns_server="${tag}s"
work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  ip netns del "$ns_client" 2>/dev/null
  ip netns del "$ns_server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

if ! ip netns add "$ns_client" 2>/dev/null || ! ip netns add "$ns_server" 2>/dev/null; then
  echo "skipped: cannot create network namespaces here"
  exit 77
fi
ip link add "${tag}a" netns "$ns_client" type veth peer name "${tag}b" netns "$ns_server" || exit 77
ip -n "$ns_client" addr add 10.199.0.1/24 dev "${tag}a"
ip -n "$ns_server" addr add 10.199.0.2/24 dev "${tag}b"
ip -n "$ns_client" link set "${tag}a" up
ip -n "$ns_server" link set "${tag}b" up
ip -n "$ns_client" link set lo up
ip -n "$ns_server" link set lo up

ip netns exec "$ns_server" "$sensor" -c /dev/null --set run_as.user=nobody -i "${tag}b" -l "$work/logs" >"$work/summary" 2>"$work/log" &
pid=$!
# Wait until the capture is open (the sensor logs it).
for _ in $(seq 50); do grep -q "capturing on" "$work/log" && break; sleep 0.1; done
grep -q "capturing on" "$work/log" || { echo "FAIL: sensor did not start: $(cat "$work/log")"; exit 1; }
# Started as root, the sensor runs as run_as.user with no capability once capture is open.
for _ in $(seq 50); do grep -q "privileges dropped" "$work/log" && break; sleep 0.1; done
grep -q "privileges dropped" "$work/log" || { echo "FAIL: privileges not dropped: $(cat "$work/log")"; exit 1; }
nobody_uid=$(id -u nobody)
for t in /proc/"$pid"/task/*; do
  uids=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "$t/status")
  caps=$(awk '/^Cap(Eff|Prm|Amb):/ {printf "%s", $2}' "$t/status")
  [ "$uids" = "$nobody_uid $nobody_uid $nobody_uid $nobody_uid" ] || { echo "FAIL: thread $t runs as uid $uids"; exit 1; }
  [ "$caps" = "000000000000000000000000000000000000000000000000" ] || { echo "FAIL: thread $t keeps capabilities $caps"; exit 1; }
done

# Ten TCP connections, each sending a line and reading it back, and twenty UDP datagrams.
ip netns exec "$ns_server" /usr/bin/python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.199.0.2", 2121)); s.listen(16); s.settimeout(10)
for _ in range(10):
    c, _ = s.accept(); c.sendall(c.recv(100)); c.close()
' &
server=$!
sleep 0.3
ip netns exec "$ns_client" /usr/bin/python3 -c '
import socket, time
for i in range(10):
    c = socket.create_connection(("10.199.0.2", 2121), timeout=5)
    c.sendall(b"USER anonymous %d\r\n" % i); c.recv(100); c.close()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(20):
    u.sendto(b"ping %d" % i, ("10.199.0.2", 5353)); time.sleep(0.01)
'
wait "$server"
sleep 0.5
kill -INT "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then echo "FAIL: sensor did not stop within 10 s of SIGINT"; exit 1; fi
wait "$pid"
status=$?
pid=""
[ "$status" -eq 0 ] || { echo "FAIL: sensor exited $status: $(cat "$work/log")"; exit 1; }

/usr/bin/python3 - "$work/logs/eve.json" "$work/summary" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
stats = [e for e in events if e["event_type"] == "stats"][-1]["stats"]
summary = open(sys.argv[2]).read()
failures = []
def at_least(path, n):
    node = stats
    for p in path.split("."):
        node = node.get(p, 0) if isinstance(node, dict) else 0
    if node < n:
        failures.append(f"{path} = {node}, expected at least {n}")
at_least("capture.kernel_packets", 60)
at_least("decoder.pkts", 60)
at_least("decoder.udp", 20)
at_least("flow.tcp", 10)
at_least("tcp.syn", 10)
at_least("tcp.synack", 10)
if stats["capture"]["kernel_drops"] != 0:
    failures.append(f"kernel drops: {stats['capture']['kernel_drops']}")
if any(e.get("in_iface") is None for e in events if e.get("event_type") != "engine"):
    failures.append("a record without in_iface")
if "drops     0 kernel" not in summary:
    failures.append("summary lacks the drop counters: " + summary)
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
PY
status=$?
[ "$status" -eq 0 ] && echo "live capture on a veth pair: counters as expected"
exit "$status"

#!/usr/bin/env bash
# TLS handshakes made by real OpenSSL peers (openssl s_server / s_client) between two network
# namespaces the test creates, captured live by the sensor with -i and judged by the shipped rules:
# each scenario uses its own server port and must raise exactly the expected signature ids.
# Exits 77 (skipped) where namespaces cannot be created or openssl is missing.
set -u
sensor=$1
rules=$2
tag="swt$$"
ns_client="${tag}c"
ns_server="${tag}s"
work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  ip netns pids "$ns_server" 2>/dev/null | xargs -r kill 2>/dev/null
  ip netns pids "$ns_client" 2>/dev/null | xargs -r kill 2>/dev/null
  ip netns del "$ns_client" 2>/dev/null
  ip netns del "$ns_server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

command -v openssl >/dev/null || { echo "skipped: openssl not installed"; exit 77; }
if ! ip netns add "$ns_client" 2>/dev/null || ! ip netns add "$ns_server" 2>/dev/null; then
  echo "skipped: cannot create network namespaces here"
  exit 77
fi
ip link add "${tag}a" netns "$ns_client" type veth peer name "${tag}b" netns "$ns_server" || exit 77
ip -n "$ns_client" addr add 10.198.0.1/24 dev "${tag}a"
ip -n "$ns_server" addr add 10.198.0.2/24 dev "${tag}b"
for ns in "$ns_client" "$ns_server"; do ip -n "$ns" link set lo up; done
ip -n "$ns_client" link set "${tag}a" up
ip -n "$ns_server" link set "${tag}b" up

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 2 \
  -subj "/CN=lab.spanwatch.test" >/dev/null 2>&1 || { echo "FAIL: cannot make a test certificate"; exit 1; }

ip netns exec "$ns_server" "$sensor" -c /dev/null --set run_as.user=nobody --rules "$rules" -i "${tag}b" -l "$work/logs" \
  >"$work/summary" 2>"$work/log" &
pid=$!
for _ in $(seq 50); do grep -q "capturing on" "$work/log" && break; sleep 0.1; done
grep -q "capturing on" "$work/log" || { echo "FAIL: sensor did not start: $(cat "$work/log")"; exit 1; }

legacy="@SECLEVEL=0"  # OpenSSL 3 refuses TLS 1.0/1.1 and RSA key exchange at the default level
# port | server options | client options | expected signature ids (space separated, "-" for none)
scenarios=(
  "4401|-tls1 -cipher AES128-SHA:$legacy|-tls1 -cipher AES128-SHA:$legacy|9100006 9100007"
  "4402|-tls1_1 -cipher ECDHE-RSA-AES128-SHA:$legacy|-tls1_1 -cipher ECDHE-RSA-AES128-SHA:$legacy|9100006"
  "4403|-tls1_2 -cipher AES128-GCM-SHA256|-tls1_2|9100007"
  "4404|-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256|-tls1_2|-"
  "4405|-tls1_3|-tls1_3|-"
  "4406|-tls1 -cipher DEFAULT:$legacy|-cipher DEFAULT:$legacy|9100005 9100006"
  "4407|-cipher DEFAULT:$legacy|-tls1_1 -fallback_scsv -cipher DEFAULT:$legacy|9100005"
)
for s in "${scenarios[@]}"; do
  IFS='|' read -r port server_opts client_opts _ <<<"$s"
  # shellcheck disable=SC2086
  ip netns exec "$ns_server" openssl s_server -accept "10.198.0.2:$port" -cert "$work/cert.pem" \
    -key "$work/key.pem" -naccept 1 -quiet $server_opts >"$work/server-$port.log" 2>&1 &
  sleep 0.3
  # shellcheck disable=SC2086
  ip netns exec "$ns_client" timeout 10 openssl s_client -connect "10.198.0.2:$port" \
    -servername lab.spanwatch.test $client_opts </dev/null >"$work/client-$port.log" 2>&1
  sleep 0.2
done
sleep 1
kill -INT "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
wait "$pid"
status=$?
pid=""
[ "$status" -eq 0 ] || { echo "FAIL: sensor exited $status: $(cat "$work/log")"; exit 1; }

printf '%s\n' "${scenarios[@]}" >"$work/scenarios"
/usr/bin/python3 - "$work/logs/eve.json" "$work/scenarios" "$work" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
failures = []
for line in open(sys.argv[2]):
    port, server_opts, client_opts, expected = line.rstrip("\n").split("|")
    port = int(port)
    want = set() if expected == "-" else {int(x) for x in expected.split()}
    got = {e["alert"]["signature_id"] for e in events if e["event_type"] == "alert" and e.get("dest_port") == port}
    tls = [e["tls"] for e in events if e["event_type"] == "tls" and e.get("dest_port") == port]
    if not tls:
        failures.append(f"port {port} ({server_opts} / {client_opts}): no tls record; client said: "
                        + open(f"{sys.argv[3]}/client-{port}.log").read()[-300:])
    if got != want:
        failures.append(f"port {port} ({server_opts} / {client_opts}): alerts {sorted(got)}, expected {sorted(want)}")
stats = [e for e in events if e["event_type"] == "stats"][-1]["stats"]
if stats["capture"]["kernel_drops"] != 0:
    failures.append(f"kernel drops: {stats['capture']['kernel_drops']}")
for f in failures:
    print("FAIL:", f)
print("live TLS scenarios as expected" if not failures else f"{len(failures)} scenario check(s) failed")
sys.exit(1 if failures else 0)
PY

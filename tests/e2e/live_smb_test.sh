#!/usr/bin/env bash
# SMB logons made by a real samba server (smbd) and smbclient (SMB3, SMB2 and SMB1/NT1) between two
# network namespaces the test creates, captured live by the sensor with -i on the server side and
# judged by the shipped rules. Each scenario talks from its own client address to its own server
# address, so the per-pair and per-source thresholds of one scenario cannot leak into another.
# smbd runs from a smb.conf written into the temp dir (every state, lock, cache and passdb file
# there too); the samba user "labuser" is mapped onto the existing unix account nobody. Clients log
# on to IPC$ only: the logon is what is under test.
# Exits 77 (skipped) where namespaces cannot be created or samba/smbclient is missing.
set -u
sensor=$1
rules=$2
tag="sws$$"
ns_client="${tag}c"
ns_server="${tag}s"
work=$(mktemp -d)
pid=""
smbd_pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  [ -n "$smbd_pid" ] && kill "$smbd_pid" 2>/dev/null
  ip netns pids "$ns_server" 2>/dev/null | xargs -r kill 2>/dev/null
  ip netns pids "$ns_client" 2>/dev/null | xargs -r kill 2>/dev/null
  ip netns del "$ns_client" 2>/dev/null
  ip netns del "$ns_server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

for tool in smbd smbclient smbpasswd; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "skipped: $tool not installed"; exit 77; }
done
smbd=$(command -v smbd || echo /usr/sbin/smbd)
if ! ip netns add "$ns_client" 2>/dev/null || ! ip netns add "$ns_server" 2>/dev/null; then
  echo "skipped: cannot create network namespaces here"
  exit 77
fi
ip link add "${tag}a" netns "$ns_client" type veth peer name "${tag}b" netns "$ns_server" || exit 77
for ns in "$ns_client" "$ns_server"; do ip -n "$ns" link set lo up; done
ip -n "$ns_client" link set "${tag}a" up
ip -n "$ns_server" link set "${tag}b" up

# Scenario k: client 10.197.0.(10+k) -> server 10.197.0.(100+k). A host route with a preferred
# source makes smbclient's unbound socket take the scenario's client address.
net=10.197.0
client_ip() { echo "$net.$((10 + $1))"; }
server_ip() { echo "$net.$((100 + $1))"; }
for k in 1 2 3 4 5 6 7; do
  ip -n "$ns_client" addr add "$(client_ip "$k")/24" dev "${tag}a"
  ip -n "$ns_server" addr add "$(server_ip "$k")/24" dev "${tag}b"
done
for k in 1 2 3 4 5 6 7; do
  ip -n "$ns_client" route add "$(server_ip "$k")/32" dev "${tag}a" src "$(client_ip "$k")"
done

password="Lab-Secret-1"
write_conf() {  # <file> <netbios name> <state dir>
  mkdir -p "$3"/{private,lock,state,cache,pid,ncalrpc,binddns}
  cat >"$1" <<EOF
[global]
  workgroup = LABGROUP
  netbios name = $2
  server role = standalone server
  server min protocol = NT1
  ntlm auth = yes
  map to guest = never
  passdb backend = tdbsam:$work/server/passdb.tdb
  username map = $work/users.map
  private dir = $3/private
  lock directory = $3/lock
  state directory = $3/state
  cache directory = $3/cache
  pid directory = $3/pid
  ncalrpc dir = $3/ncalrpc
  binddns dir = $3/binddns
  log file = $3/log.%m
  smb ports = 445
  disable netbios = yes
  load printers = no
  printing = bsd
  printcap name = /dev/null
  disable spoolss = yes
EOF
}
echo "nobody = labuser" >"$work/users.map"
write_conf "$work/server.conf" LABSERVER "$work/server"
write_conf "$work/client.conf" LABCLIENT "$work/client"
printf '%s\n%s\n' "$password" "$password" | smbpasswd -c "$work/server.conf" -a -s nobody >"$work/smbpasswd.log" 2>&1 ||
  { echo "FAIL: smbpasswd: $(cat "$work/smbpasswd.log")"; exit 1; }

ip netns exec "$ns_server" "$smbd" -s "$work/server.conf" --foreground --debug-stdout -d 1 \
  >"$work/smbd.log" 2>&1 &
smbd_pid=$!
for _ in $(seq 50); do ip netns exec "$ns_server" ss -ltn 2>/dev/null | grep -q ':445 ' && break; sleep 0.1; done
ip netns exec "$ns_server" ss -ltn | grep -q ':445 ' || { echo "FAIL: smbd did not start: $(tail -5 "$work/smbd.log")"; exit 1; }

ip netns exec "$ns_server" "$sensor" -c /dev/null --set run_as.user=nobody --rules "$rules" -i "${tag}b" -l "$work/logs" \
  >"$work/summary" 2>"$work/log" &
pid=$!
for _ in $(seq 50); do grep -q "capturing on" "$work/log" && break; sleep 0.1; done
grep -q "capturing on" "$work/log" || { echo "FAIL: sensor did not start: $(cat "$work/log")"; exit 1; }

attempts="$work/attempts"  # k|protocol|user|status the server must answer, one line per logon
: >"$attempts"
logon() {  # <k> <smb3|smb2|smb1> <user> <password|--anonymous> <expected status>
  local k=$1 protocol=$2 user=$3 secret=$4 expected=$5 auth opts rc
  case $protocol in
    smb3) opts=(-m SMB3) ;;
    smb2) opts=(-m SMB2) ;;  # SMB2 is 2.1 at most
    smb1) opts=(-m NT1 "--option=client min protocol=NT1") ;;
  esac
  # An empty user and password is a null session straight away (-N alone first tries the unix user).
  if [ "$secret" = "--anonymous" ]; then auth=(-U %); else auth=(-U "LABGROUP\\$user%$secret"); fi
  ip netns exec "$ns_client" timeout 10 smbclient -s "$work/client.conf" "//$(server_ip "$k")/IPC\$" \
    "${opts[@]}" "${auth[@]}" -c exit >>"$work/client-$k.log" 2>&1
  rc=$?
  # The client must have seen what the scenario is about, or the lab itself is broken.
  if { [ "$expected" = STATUS_SUCCESS ] && [ $rc -ne 0 ]; } || { [ "$expected" != STATUS_SUCCESS ] && [ $rc -eq 0 ]; }; then
    echo "FAIL: scenario $k: smbclient ($protocol, user '$user') exited $rc: $(tail -3 "$work/client-$k.log")"
    exit 1
  fi
  echo "$k|$protocol|$user|$expected" >>"$attempts"
}
repeat() {  # <count> <command...>
  local n=$1
  shift
  for _ in $(seq "$n"); do "$@"; done
}

# k | what | expected signature ids ("-" for none)
scenarios=(
  "1|10 wrong passwords then the right one over SMB3|9100001 9100009"
  "2|10 wrong passwords then the right one over SMB2|9100001 9100009"
  "3|10 wrong passwords then the right one over SMB1|9100001 9100009"
  "4|one wrong password|-"
  "5|one logon|-"
  "6|one wrong password for each of 5 users|9100001 9100008"
  "7|anonymous (null session)|-"
)
fail=STATUS_LOGON_FAILURE
ok=STATUS_SUCCESS
repeat 10 logon 1 smb3 labuser wrong-password $fail
logon 1 smb3 labuser "$password" $ok
repeat 10 logon 2 smb2 labuser wrong-password $fail
logon 2 smb2 labuser "$password" $ok
repeat 10 logon 3 smb1 labuser wrong-password $fail
logon 3 smb1 labuser "$password" $ok
logon 4 smb3 labuser wrong-password $fail
logon 5 smb3 labuser "$password" $ok
for user in alice bob carol dave erin; do logon 6 smb3 "$user" wrong-password $fail; done
logon 7 smb3 "" --anonymous $ok

sleep 1
kill -INT "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
wait "$pid"
status=$?
pid=""
[ "$status" -eq 0 ] || { echo "FAIL: sensor exited $status: $(cat "$work/log")"; exit 1; }

printf '%s\n' "${scenarios[@]}" >"$work/scenarios"
/usr/bin/python3 - "$work/logs/eve.json" "$work/scenarios" "$attempts" "$net" "$work/summary" <<'PY'
import collections, json, re, sys
eve, scenario_file, attempt_file, net, summary = sys.argv[1:]
events = [json.loads(l) for l in open(eve)]
failures = []
client = lambda k: f"{net}.{10 + k}"
server = lambda k: f"{net}.{100 + k}"
# samba prefers "NT LANMAN 1.0" to "NT LM 0.12" when smbclient offers both (smbd negprot.c)
dialects = {"smb3": "3.11", "smb2": "2.10", "smb1": "NT LANMAN 1.0"}
commands = {"smb3": "SMB2_COMMAND_SESSION_SETUP", "smb2": "SMB2_COMMAND_SESSION_SETUP",
            "smb1": "SMB1_COMMAND_SESSION_SETUP_ANDX"}

attempts = collections.defaultdict(list)
for line in open(attempt_file):
    k, protocol, user, status = line.rstrip("\n").split("|")
    attempts[int(k)].append((protocol, user, status))

for line in open(scenario_file):
    k, what, expected = line.rstrip("\n").split("|")
    k = int(k)
    name = f"scenario {k} ({what})"
    pair = lambda e: e.get("src_ip") == client(k) and e.get("dest_ip") == server(k)
    want = set() if expected == "-" else {int(x) for x in expected.split()}
    got = {e["alert"]["signature_id"] for e in events if e["event_type"] == "alert" and pair(e)}
    if got != want:
        failures.append(f"{name}: alerts {sorted(got)}, expected {sorted(want)}")
    setups = [e["smb"] for e in events if e["event_type"] == "smb" and pair(e)
              and "SESSION_SETUP" in e["smb"]["command"]]
    # What the clients saw, as (command, dialect, user, domain, host, status) multisets.
    expect = collections.Counter()
    for protocol, user, status in attempts[k]:
        domain, host = ("LABGROUP", "LABCLIENT") if user else ("", "LABCLIENT")
        expect[(commands[protocol], dialects[protocol], user, domain, host, status)] += 1
    seen = collections.Counter(
        (s["command"], s["dialect"], s.get("ntlmssp", {}).get("user"), s.get("ntlmssp", {}).get("domain"),
         s.get("ntlmssp", {}).get("host"), s.get("status")) for s in setups)
    if seen != expect:
        failures.append(f"{name}: session setups {sorted(seen.items())}, expected {sorted(expect.items())}")
    for s in setups:
        version = s.get("ntlmssp", {}).get("version", "")
        if not re.fullmatch(r"\d+\.\d+ build \d+ rev 15", version):
            failures.append(f"{name}: ntlmssp version {version!r}, expected samba's VERSION structure (rev 15)")
            break
    if any(status == "STATUS_SUCCESS" for _, _, status in attempts[k]) and not any(
            e["event_type"] == "smb" and pair(e) and "TREE_CONNECT" in e["smb"]["command"]
            and e["smb"].get("status") == "STATUS_SUCCESS" for e in events):
        failures.append(f"{name}: no successful tree connect record")

stats = [e for e in events if e["event_type"] == "stats"][-1]["stats"]
if stats["capture"]["kernel_drops"] != 0:
    failures.append(f"kernel drops: {stats['capture']['kernel_drops']}")
drops = re.search(r"drops\s+(\d+) kernel", open(summary).read())
if not drops or drops.group(1) != "0":
    failures.append(f"sensor summary: kernel drops {drops.group(1) if drops else 'line missing'}")
anomalies = [e["anomaly"] for e in events if e["event_type"] == "anomaly" and e["anomaly"].get("app_proto") == "smb"]
if anomalies:
    failures.append(f"smb anomalies on real samba traffic: {anomalies[:5]}")
for f in failures:
    print("FAIL:", f)
print("live SMB scenarios as expected" if not failures else f"{len(failures)} scenario check(s) failed")
sys.exit(1 if failures else 0)
PY

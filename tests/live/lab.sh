#!/usr/bin/env bash
# The live lab: real clients and servers in network namespaces this script creates (and always
# removes), through a NAT router, with the sensor capturing live on the server's switch port as a
# span port would, sending its alerts to eve.json and to a real rsyslogd over TCP.
#
#   client1 192.168.77.10 ── router (nft masquerade, no FTP helper) 198.51.100.1 ─┐
#                                                                    switch (bridge) ── server 198.51.100.1xx
#   client2 198.51.100.20 (no NAT) ───────────────────────────────────────────────┘   ▲ sensor on this port,
#                                                                                      rsyslogd on the switch's loopback
# Every scenario talks to its own server address (198.51.100.(100+k)), so its alerts and records
# are told apart by dest_ip and the per-pair thresholds of one scenario cannot leak into another;
# the client path (nat or direct) is checked through src_ip. After each scenario SIGUSR1 makes the
# sensor write a stats record, so each scenario's drop counter is checked where it ended.
# Usage: lab.sh SENSOR RULES_DIR. Exits 77 (skipped) where namespaces cannot be created or a
# daemon or client is missing.
# shellcheck disable=SC2317  # functions below run indirectly, through `scenario` and the EXIT trap
set -u
sensor=$1
rules=$2
here=$(cd "$(dirname "$0")" && pwd)
tag="swl$$"
ns_client1="${tag}c1" ns_router="${tag}rt" ns_switch="${tag}sw" ns_server="${tag}sv" ns_client2="${tag}c2"
namespaces=("$ns_client1" "$ns_router" "$ns_switch" "$ns_server" "$ns_client2")
span_port="${tag}ps"
work="/tmp/swlab-$$-$RANDOM"  # world-traversable: vsftpd, dovecot and the sensor read it as other users
pid=""
started=$(date +%s)
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  for ns in "${namespaces[@]}"; do ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null; done
  sleep 0.3
  for ns in "${namespaces[@]}"; do ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null; done
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null; done
  if [ -n "${LAB_KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

python=/usr/bin/python3
for tool in /usr/sbin/vsftpd /usr/sbin/dovecot /usr/sbin/smbd /usr/bin/smbclient /usr/bin/smbpasswd \
  /usr/sbin/rsyslogd /usr/sbin/nft /usr/bin/curl /usr/bin/openssl /usr/bin/unshare "$python"; do
  [ -x "$tool" ] || { echo "skipped: $tool not installed"; exit 77; }
done
ftp_home=$(getent passwd ftp | cut -d: -f6)
{ [ -n "$ftp_home" ] && [ -d "$ftp_home" ]; } || { echo "skipped: no account ftp (vsftpd's package makes it)"; exit 77; }
if [ "$(id -u)" -ne 0 ] || ! ip netns add "$ns_client1" 2>/dev/null; then
  echo "skipped: cannot create network namespaces here"
  exit 77
fi
for ns in "${namespaces[@]:1}"; do ip netns add "$ns" || { echo "skipped: cannot create namespace $ns"; exit 77; }; done
mkdir -m 755 "$work" || { echo "FAIL: cannot make $work"; exit 1; }
# shellcheck source=tests/live/lab_servers.sh
. "$here/lab_servers.sh"

# --- the network -------------------------------------------------------------------------------
net=198.51.100
router_public="$net.1"
client1=192.168.77.10
client2="$net.20"
server_ip() { echo "$net.$((100 + $1))"; }
set -e
for ns in "${namespaces[@]}"; do
  ip -n "$ns" link set lo up
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1  # no ND/MLD chatter on the span port
done
ip link add "${tag}c1" netns "$ns_client1" type veth peer name "${tag}ri" netns "$ns_router"
ip link add "${tag}ro" netns "$ns_router" type veth peer name "${tag}pr" netns "$ns_switch"
ip link add "${tag}sv" netns "$ns_server" type veth peer name "$span_port" netns "$ns_switch"
ip link add "${tag}c2" netns "$ns_client2" type veth peer name "${tag}pc" netns "$ns_switch"
ip -n "$ns_switch" link add "${tag}br" type bridge
for port in "${tag}pr" "$span_port" "${tag}pc"; do
  ip -n "$ns_switch" link set "$port" master "${tag}br"
  ip -n "$ns_switch" link set "$port" up
done
ip -n "$ns_switch" link set "${tag}br" up
ip -n "$ns_client1" addr add "$client1/24" dev "${tag}c1"
ip -n "$ns_client1" link set "${tag}c1" up
ip -n "$ns_client1" route add default via 192.168.77.1
ip -n "$ns_router" addr add 192.168.77.1/24 dev "${tag}ri"
ip -n "$ns_router" addr add "$router_public/24" dev "${tag}ro"
ip -n "$ns_router" link set "${tag}ri" up
ip -n "$ns_router" link set "${tag}ro" up
ip netns exec "$ns_router" sysctl -qw net.ipv4.ip_forward=1
# Masquerade only; no `ct helper` is attached, so PORT/EPRT leave the router unrewritten.
ip netns exec "$ns_router" nft -f - <<EOF
table ip lab_nat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "${tag}ro" ip saddr 192.168.77.0/24 masquerade
  }
}
EOF
ip -n "$ns_client2" addr add "$client2/24" dev "${tag}c2"
ip -n "$ns_client2" link set "${tag}c2" up
# The server knows no route to the private network behind the router, as on the Internet.
for k in 1 2 3 4 11 12 13 14 15 16 21 22 23 24 31 32 33 34 35 36 37; do
  ip -n "$ns_server" addr add "$(server_ip "$k")/24" dev "${tag}sv"
done
ip -n "$ns_server" link set "${tag}sv" up
set +e

# --- daemons and the sensor --------------------------------------------------------------------
make_certificate || { echo "FAIL: cannot make a test certificate"; exit 1; }
start_rsyslog
wait_listening "$ns_switch" 127.0.0.1 "$syslog_port" rsyslogd || { cat "$work/rsyslog/stdout"; exit 1; }
start_vsftpd
start_dovecot
start_smbd || exit 1
wait_listening "$ns_server" "$(server_ip 11)" 21 vsftpd || { cat "$work/ftp/stdout"; exit 1; }
wait_listening "$ns_server" "$(server_ip 21)" 110 dovecot || { cat "$work/pop/stdout" "$work/pop/dovecot.log"; exit 1; }
wait_listening "$ns_server" "$(server_ip 1)" 445 smbd || { tail -5 "$work/smb/smbd.log"; exit 1; }
wait_listening "$ns_client1" "$(server_ip 1)" 445 "smbd (from client1 through the router)" || exit 1
wait_listening "$ns_client2" "$(server_ip 1)" 445 "smbd (from client2)" || exit 1

ip netns exec "$ns_switch" "$sensor" -c /dev/null --rules "$rules" --set run_as.user=nobody \
  --set outputs.stats.interval=0 --set outputs.syslog.enabled=true --set outputs.syslog.transport=tcp \
  --set "outputs.syslog.address=127.0.0.1:$syslog_port" --set outputs.syslog.message=eve \
  -i "$span_port" -l "$work/logs" >"$work/summary" 2>"$work/log" &
pid=$!
for _ in $(seq 100); do grep -q "privileges dropped" "$work/log" && break; sleep 0.1; done
grep -q "privileges dropped" "$work/log" || { echo "FAIL: sensor did not start: $(cat "$work/log")"; exit 1; }
echo "lab up in $(($(date +%s) - started)) s"

# --- scenarios ---------------------------------------------------------------------------------
# One line per scenario: name|path|k|expected ids|client outcome (ok/fail)|client exit|stats index
ran="$work/scenarios"
: >"$ran"
stats_count() {
  local n
  n=$(grep -c '"event_type":"stats"' "$work/logs/eve.json" 2>/dev/null)
  echo "${n:-0}"
}
in_path() {  # <nat|direct> <command...>: run a client on client1 (behind the NAT) or client2
  local ns=$ns_client1
  [ "$1" = direct ] && ns=$ns_client2
  shift
  ip netns exec "$ns" timeout 30 "$@"
}
# scenario <name> <nat|direct> <k> <expected ids or -> <ok|fail> <command...>
scenario() {
  local name=$1 path=$2 k=$3 expected=$4 outcome=$5 rc before
  shift 5
  "$@" >"$work/$name.out" 2>&1
  rc=$?
  sleep 0.3  # the last segments cross the span port and the worker
  before=$(stats_count)
  kill -USR1 "$pid"
  for _ in $(seq 50); do [ "$(stats_count)" -gt "$before" ] && break; sleep 0.1; done
  echo "$name|$path|$k|$expected|$outcome|$rc|$before" >>"$ran"
}

# SMB: smbclient logons to IPC$; each must get the answer the scenario is about.
smb_logons() {  # <path> <k> <smb3|smb2|smb1> <wrong count> <then: success|none>
  local path=$1 k=$2 protocol=$3 wrong=$4 then=$5 opts rc
  case $protocol in
    smb3) opts=(-m SMB3) ;;
    smb2) opts=(-m SMB2) ;;
    smb1) opts=(-m NT1) ;;
  esac
  for _ in $(seq "$wrong"); do
    in_path "$path" smbclient -s "$work/smb/client.conf" "//$(server_ip "$k")/IPC\$" "${opts[@]}" \
      -U "LABGROUP\\labuser%wrong-password" -c exit
    rc=$?
    [ "$rc" -ne 0 ] || { echo "a wrong password was accepted"; return 1; }
  done
  [ "$then" = success ] || return 0
  in_path "$path" smbclient -s "$work/smb/client.conf" "//$(server_ip "$k")/IPC\$" "${opts[@]}" \
    -U "LABGROUP\\labuser%$smb_password" -c exit
}
scenario smb2_brute_force nat 1 "9100001 9100009" ok smb_logons nat 1 smb2 10 success
scenario smb1_brute_force direct 2 "9100001 9100009" ok smb_logons direct 2 smb1 10 success
scenario smb_single_failure direct 3 - ok smb_logons direct 3 smb3 1 none
scenario smb_success nat 4 - ok smb_logons nat 4 smb3 0 success

# FTP: curl; anonymous logins where the scenario is about the data channel, so 9100003 stays out.
ftp() {  # <path> <k> <curl options and URL path...>
  local path=$1 k=$2
  shift 2
  in_path "$path" curl -sS --max-time 20 "$@"
}
anon() { echo "ftp://$(server_ip "$1")/pub.txt"; }
# Through the NAT the PORT/EPRT carries 192.168.77.10: vsftpd refuses it (500 Illegal PORT/EPRT
# command, port_promiscuous=NO) and could not reach it anyway, so curl fails, as in real life.
scenario ftp_active_nat nat 11 9100002 fail ftp nat 11 --ftp-port - --disable-eprt "$(anon 11)"
scenario ftp_active_direct direct 12 - ok ftp direct 12 --ftp-port - --disable-eprt "$(anon 12)"
scenario ftp_eprt_nat nat 13 9100002 fail ftp nat 13 --ftp-port - "$(anon 13)"
scenario ftp_passive nat 14 - ok ftp nat 14 --ftp-pasv --disable-epsv "$(anon 14)"
scenario ftp_login_cleartext direct 15 9100003 ok \
  ftp direct 15 --ftp-pasv "ftp://$ftp_user:$ftp_password@$(server_ip 15)/file.txt"
scenario ftp_auth_tls nat 16 - ok \
  ftp nat 16 --ssl-reqd -k "ftp://$ftp_user:$ftp_password@$(server_ip 16)/file.txt"

# POP3: Python's poplib for USER/PASS and APOP (curl prefers SASL whenever the server offers it),
# curl for AUTH PLAIN and STLS.
poplib() {  # <path> <k> <user_pass|apop>
  in_path "$1" "$python" - "$(server_ip "$2")" "$pop_user" "$pop_password" "$3" <<'PY'
import poplib, sys
server, user, password, how = sys.argv[1:5]
p = poplib.POP3(server, 110, timeout=10)
if how == "apop":
    print(p.apop(user, password))
else:
    p.user(user)
    print(p.pass_(password))
print(p.stat())
p.retr(1)
p.quit()
PY
}
scenario pop3_user_pass nat 21 9100004 ok poplib nat 21 user_pass
scenario pop3_auth_plain direct 22 9100004 ok \
  in_path direct curl -sS --max-time 20 --login-options AUTH=PLAIN "pop3://$pop_user:$pop_password@$(server_ip 22)/1"
scenario pop3_apop nat 23 9100010 ok poplib nat 23 apop
scenario pop3_stls direct 24 - ok \
  in_path direct curl -sS --max-time 20 --ssl-reqd -k "pop3://$pop_user:$pop_password@$(server_ip 24)/1"

# TLS: openssl s_server (one handshake) and s_client.
legacy="@SECLEVEL=0"  # OpenSSL 3 refuses TLS 1.0/1.1 and RSA key exchange at the default level
tls() {  # <path> <k> <server options> <client options>
  local path=$1 k=$2 server_pid rc
  # shellcheck disable=SC2086
  ip netns exec "$ns_server" timeout 30 openssl s_server -accept "$(server_ip "$k"):443" -cert "$work/cert.pem" \
    -key "$work/key.pem" -naccept 1 -quiet $3 >"$work/s_server-$k.log" 2>&1 &
  server_pid=$!
  # Not a connect probe: it would take the server's one accept.
  for _ in $(seq 100); do
    ip netns exec "$ns_server" ss -Hltn "src $(server_ip "$k"):443" | grep -q LISTEN && break
    sleep 0.05
  done
  # shellcheck disable=SC2086
  in_path "$path" openssl s_client -connect "$(server_ip "$k"):443" -servername lab.spanwatch.test $4 </dev/null
  rc=$?
  wait "$server_pid" 2>/dev/null
  return "$rc"
}
ecdhe="ECDHE-RSA-AES128-SHA:$legacy"
scenario tls1_0 nat 31 9100006 ok tls nat 31 "-tls1 -cipher $ecdhe" "-tls1 -cipher $ecdhe"
scenario tls1_1 direct 32 9100006 ok tls direct 32 "-tls1_1 -cipher $ecdhe" "-tls1_1 -cipher $ecdhe"
scenario tls1_3_client_server_capped_1_0 nat 33 "9100005 9100006" ok \
  tls nat 33 "-tls1 -cipher $ecdhe" "-cipher DEFAULT:$legacy"
scenario tls_fallback_scsv direct 34 9100005 fail \
  tls direct 34 "-cipher DEFAULT:$legacy" "-tls1_1 -fallback_scsv -cipher DEFAULT:$legacy"
scenario tls1_2_rsa nat 35 9100007 ok tls nat 35 "-tls1_2 -cipher AES128-GCM-SHA256" "-tls1_2"
scenario tls1_3 direct 36 - ok tls direct 36 "-tls1_3" "-tls1_3"
scenario tls1_2_ecdhe nat 37 - ok tls nat 37 "-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256" "-tls1_2"

# --- the verdict -------------------------------------------------------------------------------
kill -INT "$pid"
for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
wait "$pid"
status=$?
pid=""
[ "$status" -eq 0 ] || { echo "FAIL: sensor exited $status: $(tail -20 "$work/log")"; exit 1; }
"$python" "$here/lab_check.py" --work "$work" --net "$net" --router "$router_public" --client1 "$client1" \
  --client2 "$client2"
result=$?
if [ "$result" -ne 0 ]; then
  echo "--- sensor log"; tail -n 20 "$work/log"
  echo "--- vsftpd log"; tail -n 30 "$work/ftp/vsftpd.log" 2>/dev/null
  echo "--- dovecot log"; tail -n 20 "$work/pop/dovecot.log" 2>/dev/null
fi
echo "lab ran in $(($(date +%s) - started)) s"
exit "$result"

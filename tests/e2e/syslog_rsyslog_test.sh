#!/usr/bin/env bash
# The syslog output against a real rsyslogd: one started here with a config written into a temp dir
# (imudp and imtcp on free 127.0.0.1 ports, imuxsock on a socket in the temp dir, each writing the
# RFC 5424 fields it parsed to its own file). Alerts are sent with spanwatch-syslog-send (SyslogOutput
# on an io_context). Checks one line per alert with PRI, timestamp, hostname, app-name, msgid,
# structured data and message as rsyslog parsed them; then restarts rsyslog while alerts are being
# sent over TCP and checks that every alert arrived, in order (at least once: see below).
# Exits 77 (skipped) when rsyslogd is not installed.
set -u
sender=$1
rsyslogd=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
[ -x "$rsyslogd" ] || { echo "skipped: rsyslogd is not installed"; exit 77; }

work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  echo "--- rsyslogd output"; cat "$work/rsyslogd.out" 2>/dev/null
  exit 1
}

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
udp_port=$(free_port)
tcp_port=$(free_port)
mkdir -p "$work/spool"
cat >"$work/rsyslog.conf" <<EOF
global(workDirectory="$work/spool" maxMessageSize="64k")
module(load="imudp")
module(load="imtcp")
module(load="imuxsock" SysSock.Use="off")
template(name="fields" type="string"
         string="%pri%|%timereported:::date-rfc3339%|%hostname%|%app-name%|%procid%|%msgid%|%structured-data%|%msg%\n")
ruleset(name="from_udp") { action(type="omfile" file="$work/udp.log" template="fields") }
ruleset(name="from_tcp") { action(type="omfile" file="$work/tcp.log" template="fields") }
ruleset(name="from_unix") { action(type="omfile" file="$work/unix.log" template="fields") }
input(type="imudp" address="127.0.0.1" port="$udp_port" ruleset="from_udp")
input(type="imtcp" address="127.0.0.1" port="$tcp_port" ruleset="from_tcp")
input(type="imuxsock" socket="$work/log" useSpecialParser="off" parseHostname="on" ignoreTimestamp="off"
      ruleset="from_unix")
EOF

start_rsyslog() {
  "$rsyslogd" -n -f "$work/rsyslog.conf" -i "$work/rsyslogd.pid" >>"$work/rsyslogd.out" 2>&1 &
  pid=$!
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$tcp_port") 2>/dev/null && [ -S "$work/log" ]; then return 0; fi
    sleep 0.05
  done
  fail "rsyslogd did not start listening"
}
stop_rsyslog() {
  kill "$pid"
  wait "$pid" 2>/dev/null
  pid=""
}
# wait_lines FILE N: until FILE has N lines (5 s at most).
wait_lines() {
  for _ in $(seq 100); do
    [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ] && break
    sleep 0.05
  done
  sleep 0.2  # and a little longer, so that extra lines would show
}

start_rsyslog

# UDP: every field as rsyslog parsed it, for alert 0 (severity 1 -> alert: PRI 21*8+1).
"$sender" --transport udp --address "127.0.0.1:$udp_port" --count 20 --interval-ms 5 --hostname e2e-sensor \
  >"$work/udp.out" 2>&1 || fail "udp sender: $(cat "$work/udp.out")"
wait_lines "$work/udp.log" 20
[ "$(wc -l <"$work/udp.log")" -eq 20 ] || fail "udp: expected 20 lines, got $(wc -l <"$work/udp.log")"
expected_sd='[spanwatch@32473 sid="9100001" rev="1" severity="1" src="10.0.0.1" sport="40000" dst="10.0.0.2" dport="445" proto="TCP" app_proto="smb"]'
expected_msg='[1:9100001:1] spanwatch e2e alert 0 [Classification: Attempted User Privilege Gain] [Priority: 1] {TCP} 10.0.0.1:40000 -> 10.0.0.2:445'
IFS='|' read -r pri ts host app procid msgid sd msg < <(head -1 "$work/udp.log")
[ "$pri" = 169 ] || fail "udp: PRI $pri, expected 169"
[ "$ts" = "2016-10-16T08:13:10.123456Z" ] || fail "udp: timestamp $ts"
[ "$host" = e2e-sensor ] || fail "udp: hostname $host"
[ "$app" = spanwatch ] || fail "udp: app-name $app"
[[ "$procid" =~ ^[0-9]+$ ]] || fail "udp: procid $procid"
[ "$msgid" = ALERT ] || fail "udp: msgid $msgid"
[ "$sd" = "$expected_sd" ] || fail "udp: structured data $sd"
[ "$msg" = "$expected_msg" ] || fail "udp: msg '$msg'"
# Severities 1, 2, 3 -> syslog alert, critical, warning: PRI 169, 170, 172 in turn.
[ "$(cut -d'|' -f1 "$work/udp.log" | head -3 | tr '\n' ' ')" = "169 170 172 " ] || fail "udp: PRIs $(cut -d'|' -f1 "$work/udp.log" | head -3)"
for n in $(seq 0 19); do
  grep -q "\] spanwatch e2e alert $n \[" "$work/udp.log" || fail "udp: alert $n missing"
done
echo "udp: 20 alerts, fields as expected"

# Unix datagram (the /dev/log path), EVE as MSG: each msg is the JSON line.
"$sender" --transport unix --address "$work/log" --count 10 --interval-ms 5 --format eve \
  >"$work/unix.out" 2>&1 || fail "unix sender: $(cat "$work/unix.out")"
wait_lines "$work/unix.log" 10
[ "$(wc -l <"$work/unix.log")" -eq 10 ] || fail "unix: expected 10 lines, got $(wc -l <"$work/unix.log")"
cut -d'|' -f8- "$work/unix.log" | /usr/bin/python3 -c '
import json, sys
numbers = []
for line in sys.stdin:
    record = json.loads(line)
    assert record["event_type"] == "alert", record
    numbers.append(int(record["alert"]["signature"].rsplit(" ", 1)[1]))
assert numbers == list(range(10)), numbers
' || fail "unix: messages are not the EVE lines 0..9: $(head -2 "$work/unix.log")"
[ "$(cut -d'|' -f4,6 "$work/unix.log" | sort -u)" = "spanwatch|ALERT" ] || fail "unix: app-name/msgid $(cut -d'|' -f4,6 "$work/unix.log" | sort -u)"
echo "unix: 10 EVE alerts"

# TCP, octet counting, with rsyslog restarted while alerts are being sent (60 alerts over ~3 s).
"$sender" --transport tcp --address "127.0.0.1:$tcp_port" --count 60 --interval-ms 50 --stop-budget-ms 10000 \
  >"$work/tcp.out" 2>&1 &
sender_pid=$!
sleep 1
stop_rsyslog
sleep 0.5
start_rsyslog
wait "$sender_pid" || fail "tcp sender did not deliver everything: $(cat "$work/tcp.out")"
wait_lines "$work/tcp.log" 60
# Nothing lost, order kept. A clean close (FIN) gives each alert once; if rsyslog reset the
# connection with data unread, the sender replays the last second's messages, so one run of
# duplicates may follow the reconnection: each alert at least once, ascending within each run.
sed -n 's/.*\] spanwatch e2e alert \([0-9]*\) \[.*/\1/p' "$work/tcp.log" | /usr/bin/python3 -c '
import re, sys
numbers = [int(n) for n in sys.stdin.read().split()]
replayed = int(re.search(r"replayed=(\d+)", open(sys.argv[1]).read()).group(1))
assert sorted(set(numbers)) == list(range(60)), "missing: %s" % sorted(set(range(60)) - set(numbers))
steps_back = [i for i in range(1, len(numbers)) if numbers[i] <= numbers[i - 1]]
assert len(steps_back) <= 1, "order broken at %s: %s" % (steps_back, numbers)
assert len(numbers) - 60 <= replayed, "%d duplicates but %d replayed" % (len(numbers) - 60, replayed)
print("tcp: %d lines for 60 alerts (%d replayed after a reset)" % (len(numbers), replayed))
' "$work/tcp.out" || fail "tcp: $(tr '\n' ' ' <"$work/tcp.log" | head -c 3000)"
grep -q "connection lost" "$work/tcp.out" || fail "tcp: the restart was not noticed: $(cat "$work/tcp.out")"
grep -q "reconnected after" "$work/tcp.out" || fail "tcp: no reconnection: $(cat "$work/tcp.out")"
[ "$(cut -d'|' -f6 "$work/tcp.log" | sort -u)" = ALERT ] || fail "tcp: msgid"
echo "tcp: 60 alerts across an rsyslog restart, none lost, in order ($(tail -1 "$work/tcp.out"))"
exit 0

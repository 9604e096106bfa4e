#!/usr/bin/env bash
# FTP and POP3 sessions made by real servers (vsftpd, dovecot) and real clients (curl, Python's
# poplib) between two network namespaces the test creates, captured live by the sensor with -i on
# the server side and judged by the shipped rules. Each scenario talks from its own client address,
# so its records and alerts are told apart by src_ip.
# Nothing on the host is touched: vsftpd and dovecot run from configs written into the temp dir;
# vsftpd's lab user lives only in copies of /etc/passwd and /etc/shadow that a private mount
# namespace of vsftpd's own bind-mounts over the host's (with a pam.d of our own: PAM reads
# services from /etc/pam.d only), and is mapped onto the existing account ftp (guest_enable);
# dovecot uses a passwd-file in the temp dir. No user is added to the host.
# Exits 77 (skipped) where namespaces cannot be created or a server or client is missing.
set -u
sensor=$1
rules=$2
tag="swf$$"
ns_client="${tag}c"
ns_server="${tag}s"
# World-traversable: vsftpd and dovecot read their trees as ftp / nobody.
work="/tmp/swftppop-$$-$RANDOM"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  ip netns pids "$ns_server" 2>/dev/null | xargs -r kill 2>/dev/null
  ip netns pids "$ns_client" 2>/dev/null | xargs -r kill 2>/dev/null
  sleep 0.2
  ip netns pids "$ns_server" 2>/dev/null | xargs -r kill -9 2>/dev/null
  ip netns del "$ns_client" 2>/dev/null
  ip netns del "$ns_server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

python=/usr/bin/python3
for tool in /usr/sbin/vsftpd /usr/sbin/dovecot /usr/bin/curl /usr/bin/openssl /usr/bin/unshare "$python"; do
  [ -x "$tool" ] || { echo "skipped: $tool not installed"; exit 77; }
done
ftp_home=$(getent passwd ftp | cut -d: -f6)
[ -n "$ftp_home" ] && [ -d "$ftp_home" ] || { echo "skipped: no account ftp with a home (vsftpd's package makes it)"; exit 77; }
mkdir -m 755 "$work" || { echo "FAIL: cannot make $work"; exit 1; }
if ! ip netns add "$ns_client" 2>/dev/null || ! ip netns add "$ns_server" 2>/dev/null; then
  echo "skipped: cannot create network namespaces here"
  exit 77
fi
ip link add "${tag}a" netns "$ns_client" type veth peer name "${tag}b" netns "$ns_server" || exit 77
net=10.196.0
server="$net.2"
ip -n "$ns_server" addr add "$server/24" dev "${tag}b"
ip -n "$ns_client" addr add "$net.1/24" dev "${tag}a"
# Scenario client addresses: FTP 11-17, POP3 21-24.
for k in 11 12 13 14 15 16 17 21 22 23 24; do ip -n "$ns_client" addr add "$net.$k/24" dev "${tag}a"; done
for ns in "$ns_client" "$ns_server"; do ip -n "$ns" link set lo up; done
ip -n "$ns_client" link set "${tag}a" up
ip -n "$ns_server" link set "${tag}b" up

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 2 \
  -subj "/CN=lab.spanwatch.test" >/dev/null 2>&1 || { echo "FAIL: cannot make a test certificate"; exit 1; }
chmod 644 "$work/cert.pem"

ftp_user=alice
ftp_password="Ftp-Lab-Pass-7"
ftp_wrong="Not-Her-Pass-3"
pop_user=bob
pop_password="Pop-Lab-Pass-5"
pop_wrong="Not-His-Pass-9"

# --- vsftpd --------------------------------------------------------------------------------------
mkdir -p "$work/ftp/anon" "$work/ftp/home" "$work/ftp/empty" "$work/ftp/pam"
echo "a public file" >"$work/ftp/anon/pub.txt"
seq 1 2000 >"$work/ftp/home/file.txt"
chmod -R a+rX "$work/ftp"
# vsftpd runs in a private mount namespace where copies of /etc/passwd and /etc/shadow with the
# lab user, and a pam.d holding only our vsftpd service (pam_unix), are bind-mounted over the
# host's: the user exists for vsftpd alone. (pam_exec would be simpler, but its child's SIGCHLD
# makes vsftpd's session parent believe its own child died, and the login hangs.)
mkdir -p "$work/ftp/etc"
cp /etc/passwd "$work/ftp/etc/passwd"
cp /etc/shadow "$work/ftp/etc/shadow"
echo "$ftp_user:x:65534:65534:spanwatch lab:/nonexistent:/usr/sbin/nologin" >>"$work/ftp/etc/passwd"
echo "$ftp_user:$(openssl passwd -6 "$ftp_password"):19000:0:99999:7:::" >>"$work/ftp/etc/shadow"
chmod 600 "$work/ftp/etc/shadow"
printf '%s\n' "auth required pam_unix.so" "account required pam_unix.so" "session required pam_permit.so" \
  >"$work/ftp/pam/vsftpd"
cat >"$work/ftp/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=$server
listen_port=21
background=NO
anonymous_enable=YES
anon_root=$work/ftp/anon
no_anon_password=NO
local_enable=YES
guest_enable=YES
guest_username=ftp
local_root=$work/ftp/home
chroot_local_user=NO
write_enable=NO
pam_service_name=vsftpd
secure_chroot_dir=$work/ftp/empty
pasv_enable=YES
pasv_min_port=30000
pasv_max_port=30100
port_enable=YES
connect_from_port_20=YES
seccomp_sandbox=NO
# vsftpd's own namespaces (a new PID namespace per session) hang the login inside ip netns exec.
isolate=NO
isolate_network=NO
ssl_enable=YES
allow_anon_ssl=NO
force_local_logins_ssl=NO
force_local_data_ssl=NO
require_ssl_reuse=NO
rsa_cert_file=$work/cert.pem
rsa_private_key_file=$work/key.pem
xferlog_enable=YES
vsftpd_log_file=$work/ftp/vsftpd.log
log_ftp_protocol=YES
dual_log_enable=NO
EOF

# --- dovecot -------------------------------------------------------------------------------------
mkdir -p "$work/pop/run" "$work/pop/state" "$work/pop/mail/$pop_user"/{cur,new,tmp}
cat >"$work/pop/mail/$pop_user/new/1700000000.M1P1.lab" <<'EOF'
From: carol@lab.spanwatch.test
To: bob@lab.spanwatch.test
Subject: lines that look like protocol

USER mallory
PASS not-a-command
+OK not a response
-ERR not a response either
.a line that starts with a dot
.
the line above is a lone dot in the body
EOF
cat >"$work/pop/mail/$pop_user/new/1700000001.M2P1.lab" <<'EOF'
From: carol@lab.spanwatch.test
To: bob@lab.spanwatch.test
Subject: second

hello
EOF
chown -R nobody:nogroup "$work/pop/mail"
echo "$pop_user:{PLAIN}$pop_password:65534:65534::$work/pop/mail/$pop_user::" >"$work/pop/users"
chmod 644 "$work/pop/users"
cat >"$work/pop/dovecot.conf" <<EOF
base_dir = $work/pop/run
state_dir = $work/pop/state
instance_name = swftppop$$
log_path = $work/pop/dovecot.log
protocols = pop3
listen = $server
ssl = yes
ssl_cert = <$work/cert.pem
ssl_key = <$work/key.pem
auth_mechanisms = plain login
disable_plaintext_auth = no
first_valid_uid = 1
mail_location = maildir:$work/pop/mail/%u
pop3_uidl_format = %08Xu%08Xv
default_internal_user = dovecot
default_login_user = dovenull
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $work/pop/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $work/pop/users
}
service pop3-login {
  inet_listener pop3 {
    port = 110
  }
  inet_listener pop3s {
    port = 0
  }
}
EOF

# --- sensor and servers --------------------------------------------------------------------------
ip netns exec "$ns_server" "$sensor" -c /dev/null --set run_as.user=nobody --rules "$rules" -i "${tag}b" -l "$work/logs" \
  >"$work/summary" 2>"$work/log" &
pid=$!
for _ in $(seq 50); do grep -q "capturing on" "$work/log" && break; sleep 0.1; done
grep -q "capturing on" "$work/log" || { echo "FAIL: sensor did not start: $(cat "$work/log")"; exit 1; }

ip netns exec "$ns_server" unshare --mount --propagation private sh -c \
  "mount --bind '$work/ftp/etc/passwd' /etc/passwd && mount --bind '$work/ftp/etc/shadow' /etc/shadow &&
   mount --bind '$work/ftp/pam' /etc/pam.d && exec /usr/sbin/vsftpd '$work/ftp/vsftpd.conf'" \
  >"$work/ftp/stdout" 2>&1 &
ip netns exec "$ns_server" /usr/sbin/dovecot -F -c "$work/pop/dovecot.conf" >"$work/pop/stdout" 2>&1 &
listening() { ip netns exec "$ns_server" "$python" - "$server" "$1" <<'PY'
import socket, sys
s = socket.socket()
s.settimeout(0.5)
sys.exit(0 if s.connect_ex((sys.argv[1], int(sys.argv[2]))) == 0 else 1)
PY
}
for port in 21 110; do
  for _ in $(seq 50); do listening "$port" && break; sleep 0.1; done
  listening "$port" || { echo "FAIL: no server on port $port: $(cat "$work"/ftp/stdout "$work"/pop/stdout \
    "$work/pop/dovecot.log" 2>/dev/null)"; exit 1; }
done

# --- scenarios -----------------------------------------------------------------------------------
# name | client address | expected signature ids ("-" for none)
scenarios=(
  "ftp_epsv|$net.11|9100003"
  "ftp_pasv|$net.12|9100003"
  "ftp_eprt|$net.13|9100003"
  "ftp_port|$net.14|9100003"
  "ftp_anonymous|$net.15|-"
  "ftp_wrong_password|$net.16|9100003"
  "ftp_auth_tls|$net.17|-"
  "pop3_user_pass|$net.21|9100004"
  "pop3_auth_plain|$net.22|9100004"
  "pop3_stls|$net.23|-"
  "pop3_auth_login_wrong|$net.24|9100004"
)
in_client() { ip netns exec "$ns_client" timeout 20 "$@"; }
curl_ftp() {  # <scenario> <client address> <curl options...>
  local name=$1 address=$2
  shift 2
  in_client curl -sS --max-time 15 --interface "$address" "$@" >"$work/$name.out" 2>"$work/$name.err"
  echo "$?" >"$work/$name.rc"
}
curl_ftp ftp_epsv "$net.11" --ftp-pasv "ftp://$ftp_user:$ftp_password@$server/file.txt"
curl_ftp ftp_pasv "$net.12" --ftp-pasv --disable-epsv "ftp://$ftp_user:$ftp_password@$server/file.txt"
curl_ftp ftp_eprt "$net.13" --ftp-port "$net.13" "ftp://$ftp_user:$ftp_password@$server/file.txt"
curl_ftp ftp_port "$net.14" --ftp-port "$net.14" --disable-eprt "ftp://$ftp_user:$ftp_password@$server/file.txt"
curl_ftp ftp_anonymous "$net.15" --ftp-pasv "ftp://$server/pub.txt"
curl_ftp ftp_wrong_password "$net.16" "ftp://$ftp_user:$ftp_wrong@$server/file.txt"
curl_ftp ftp_auth_tls "$net.17" --ssl-reqd -k "ftp://$ftp_user:$ftp_password@$server/file.txt"

in_client "$python" - "$server" "$net.21" "$pop_user" "$pop_password" >"$work/pop3_user_pass.out" \
  2>"$work/pop3_user_pass.err" <<'PY'
import poplib, socket, sys
server, source, user, password = sys.argv[1:5]


class SourcedPOP3(poplib.POP3):
    def _create_socket(self, timeout):  # poplib has no source_address
        return socket.create_connection((self.host, self.port), timeout, source_address=(source, 0))


p = SourcedPOP3(server, 110, timeout=10)
p.capa()
p.user(user)
p.pass_(password)
p.stat()
p.list()
p.uidl()
for n in (1, 2):
    p.retr(n)
p.quit()
PY
echo "$?" >"$work/pop3_user_pass.rc"
curl_ftp pop3_auth_plain "$net.22" --login-options AUTH=PLAIN "pop3://$pop_user:$pop_password@$server/1"
curl_ftp pop3_stls "$net.23" --ssl-reqd -k "pop3://$pop_user:$pop_password@$server/1"
curl_ftp pop3_auth_login_wrong "$net.24" --login-options AUTH=LOGIN "pop3://$pop_user:$pop_wrong@$server/1"

sleep 1
kill -INT "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
wait "$pid"
status=$?
pid=""
[ "$status" -eq 0 ] || { echo "FAIL: sensor exited $status: $(cat "$work/log")"; exit 1; }

printf '%s\n' "${scenarios[@]}" >"$work/scenarios"
printf '%s\n' "$ftp_password" "$ftp_wrong" "$pop_password" "$pop_wrong" >"$work/secrets"
"$python" - "$work" "$server" <<'PY'
import base64, json, re, sys
work, server = sys.argv[1:3]
events = [json.loads(l) for l in open(f"{work}/logs/eve.json")]
failures = []


def check(what, ok):
    if not ok:
        failures.append(what)
    return ok


def of(kind, src):
    return [e for e in events if e["event_type"] == kind and e.get("src_ip") == src]


def ftp_records(src):
    return [e["ftp"] for e in of("ftp", src)]


def by_command(records, command):
    return [r for r in records if r.get("command") == command]


def codes(record):
    return record.get("completion_code", [])


scenarios = {}
for line in open(f"{work}/scenarios"):
    name, src, expected = line.rstrip("\n").split("|")
    scenarios[name] = src
    want = set() if expected == "-" else {int(x) for x in expected.split()}
    got = {e["alert"]["signature_id"] for e in of("alert", src)}
    rc = open(f"{work}/{name}.rc").read().strip() if name != "pop3_user_pass" else \
        open(f"{work}/pop3_user_pass.rc").read().strip()
    client_ok = rc == "0" or name.endswith(("wrong", "wrong_password"))
    if not check(f"{name}: client exit {rc}: {open(f'{work}/{name}.err').read()[-300:]}", client_ok):
        continue
    check(f"{name}: alerts {sorted(got)}, expected {sorted(want)}", got == want)
    check(f"{name}: 9100002 (NAT mismatch) fired without NAT", 9100002 not in got)


def login_checks(name, user, pass_code, data_command=None, data_code=None, mode=None, address=None):
    src = scenarios[name]
    records = ftp_records(src)
    greeting = [r for r in records if "command" not in r]
    check(f"{name}: one 220 greeting {greeting}", len(greeting) == 1 and codes(greeting[0]) == ["220"])
    users = by_command(records, "USER")
    check(f"{name}: USER {user} answered 331 {users}",
          len(users) == 1 and users[0].get("command_data") == user and codes(users[0]) == ["331"])
    passes = by_command(records, "PASS")
    check(f"{name}: PASS masked and answered {pass_code} {passes}",
          len(passes) == 1 and passes[0].get("command_data", "").startswith("len=") and
          codes(passes[0]) == [pass_code])
    if data_command is None:
        return
    announced = by_command(records, data_command)
    if not check(f"{name}: one {data_command} answered {data_code} {announced}",
                 len(announced) == 1 and codes(announced[0]) == [data_code]):
        return
    record = announced[0]
    check(f"{name}: {data_command} mode {mode} {record}", record.get("mode") == mode)
    port = record.get("dynamic_port", 0)
    if mode == "passive":
        check(f"{name}: passive port in vsftpd's range {port}", 30000 <= port <= 30100)
        text = " ".join(record.get("reply", []))
        if data_command == "PASV":
            a = address.split(".")
            want = ",".join(a + [str(port >> 8), str(port & 0xFF)])
            check(f"{name}: 227 announces {address}:{port} {text}", f"({want})" in text)
        else:
            check(f"{name}: 229 announces port {port} {text}", f"(|||{port}|)" in text)
    else:
        argument = record.get("command_data", "")
        if data_command == "PORT":
            fields = argument.split(",")
            check(f"{name}: PORT announces {address} {argument}",
                  len(fields) == 6 and ".".join(fields[:4]) == address and
                  int(fields[4]) * 256 + int(fields[5]) == port and port != 0)
        else:
            check(f"{name}: EPRT announces {address} {argument}", argument == f"|1|{address}|{port}|" and port != 0)
    retr = by_command(records, "RETR")
    check(f"{name}: RETR 150 then 226 {retr}", len(retr) == 1 and codes(retr[0]) == ["150", "226"])


login_checks("ftp_epsv", "alice", "230", "EPSV", "229", "passive", server)
login_checks("ftp_pasv", "alice", "230", "PASV", "227", "passive", server)
login_checks("ftp_eprt", "alice", "230", "EPRT", "200", "active", scenarios["ftp_eprt"])
login_checks("ftp_port", "alice", "230", "PORT", "200", "active", scenarios["ftp_port"])
login_checks("ftp_anonymous", "anonymous", "230", "EPSV", "229", "passive", server)
login_checks("ftp_wrong_password", "alice", "530")

for name, outcome in (("ftp_epsv", "success"), ("ftp_port", "success"), ("ftp_wrong_password", "failure"),
                      ("pop3_user_pass", "success"), ("pop3_auth_plain", "success"),
                      ("pop3_auth_login_wrong", "failure")):
    alerts = of("alert", scenarios[name])
    meta = [a["alert"].get("metadata", {}) for a in alerts]
    check(f"{name}: alert metadata outcome {outcome} {meta}",
          len(alerts) == 1 and meta[0].get("outcome") in ([outcome], outcome))

# AUTH TLS: the 234 is the last thing parsed as FTP on that flow; TLS follows.
src = scenarios["ftp_auth_tls"]
records = ftp_records(src)
auth = by_command(records, "AUTH")
check(f"ftp_auth_tls: AUTH accepted with 234 {auth}", len(auth) >= 1 and codes(auth[-1]) == ["234"])
check(f"ftp_auth_tls: nothing after AUTH parsed as FTP {records}",
      records and records[-1].get("command") == "AUTH" and not by_command(records, "USER") and
      not by_command(records, "PASS"))
tls = [(e["dest_port"], e["tls"].get("version")) for e in of("tls", src)]
check(f"ftp_auth_tls: the TLS handshake after AUTH on the control connection {tls}",
      [port for port, _ in tls if port == 21] == [21])

# POP3 USER/PASS: listings kept, bodies never parsed as commands or responses.
src = scenarios["pop3_user_pass"]
pop = [e["pop3"] for e in of("pop3", src)]
requests = [p["request"]["command"] for p in pop if "request" in p]
check(f"pop3_user_pass: requests {requests}",
      requests == ["CAPA", "USER", "PASS", "STAT", "LIST", "UIDL", "RETR", "RETR", "QUIT"])
by_cmd = {}
for p in pop:
    if "request" in p:
        by_cmd.setdefault(p["request"]["command"], []).append(p)
check("pop3_user_pass: greeting", sum(1 for p in pop if "request" not in p) == 1)
pass_args = by_cmd.get("PASS", [{}])[0].get("request", {}).get("args", [])
check(f"pop3_user_pass: PASS masked {pass_args}", pass_args and pass_args[0].startswith("len="))
check("pop3_user_pass: PASS +OK", by_cmd.get("PASS", [{}])[0].get("response", {}).get("success") is True)
listing = by_cmd.get("LIST", [{}])[0].get("response", {}).get("data", [])
check(f"pop3_user_pass: LIST lines {listing}", len(listing) == 2 and listing[0].startswith("1 "))
uidl = by_cmd.get("UIDL", [{}])[0].get("response", {}).get("data", [])
check(f"pop3_user_pass: UIDL lines {uidl}", len(uidl) == 2)
capa = by_cmd.get("CAPA", [{}])[0].get("response", {}).get("data", [])
check(f"pop3_user_pass: CAPA lists STLS and SASL {capa}", "STLS" in capa and any(c.startswith("SASL") for c in capa))
for r in by_cmd.get("RETR", []):
    check(f"pop3_user_pass: RETR +OK, body not kept {r}", r["response"]["success"] and "data" not in r["response"])

# AUTH PLAIN: one request, the SASL response never a request.
src = scenarios["pop3_auth_plain"]
pop = [e["pop3"] for e in of("pop3", src)]
requests = [p["request"]["command"] for p in pop if "request" in p]
check(f"pop3_auth_plain: requests {requests}", requests[:2] == ["CAPA", "AUTH"] and "RETR" in requests)
auth = [p for p in pop if p.get("request", {}).get("command") == "AUTH"]
check(f"pop3_auth_plain: AUTH PLAIN answered +OK {auth}",
      auth and auth[-1]["request"]["args"][0] == "PLAIN" and auth[-1]["response"]["status"] == "+OK")

# STLS: the +OK to STLS is the last thing parsed as POP3 on that flow; TLS follows.
src = scenarios["pop3_stls"]
pop = [e["pop3"] for e in of("pop3", src)]
requests = [p["request"]["command"] for p in pop if "request" in p]
check(f"pop3_stls: requests end at STLS {requests}", requests == ["CAPA", "STLS"])
check(f"pop3_stls: STLS +OK {pop}", pop and pop[-1].get("response", {}).get("status") == "+OK")
tls = [(e["dest_port"], e["tls"].get("version")) for e in of("tls", src)]
check(f"pop3_stls: the TLS handshake after STLS {tls}", [port for port, _ in tls] == [110])

# AUTH LOGIN with a wrong password: answered -ERR.
src = scenarios["pop3_auth_login_wrong"]
pop = [e["pop3"] for e in of("pop3", src)]
auth = [p for p in pop if p.get("request", {}).get("command") == "AUTH"]
check(f"pop3_auth_login_wrong: AUTH LOGIN -ERR {auth}",
      auth and auth[-1]["request"]["args"] == ["LOGIN"] and auth[-1]["response"]["status"] == "-ERR")

# No protocol anomaly on clean sessions from real servers.
anomalies = [e["anomaly"] for e in events if e["event_type"] == "anomaly"]
check(f"no anomalies {anomalies}", not anomalies)

# Secrets never in clear, nor their base64 forms (AUTH PLAIN / LOGIN).
text = open(f"{work}/logs/eve.json").read()
for secret in open(f"{work}/secrets").read().split():
    for form in {secret, base64.b64encode(secret.encode()).decode()}:
        check(f"secret {form!r} in eve.json", form not in text)
plain = base64.b64encode(b"\0bob\0" + open(f"{work}/secrets").read().split()[2].encode()).decode()
check("AUTH PLAIN response in eve.json", plain not in text)

stats = [e for e in events if e["event_type"] == "stats"][-1]["stats"]
check(f"kernel drops {stats['capture']['kernel_drops']}", stats["capture"]["kernel_drops"] == 0)
summary = open(f"{work}/summary").read()
check(f"summary shows 0 kernel drops: {summary}", re.search(r"drops\s+0 kernel", summary) is not None)

for f in failures:
    print("FAIL:", f)
print("live FTP/POP3 scenarios as expected" if not failures else f"{len(failures)} check(s) failed")
sys.exit(1 if failures else 0)
PY
result=$?
if [ "$result" -ne 0 ]; then
  echo "--- vsftpd log"; tail -n 40 "$work/ftp/vsftpd.log" 2>/dev/null
  echo "--- dovecot log"; tail -n 20 "$work/pop/dovecot.log" 2>/dev/null
fi
exit "$result"

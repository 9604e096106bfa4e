# shellcheck shell=bash
# shellcheck disable=SC2154  # work, ns_server, ns_switch come from lab.sh
# Sourced by lab.sh: the lab's real daemons, each from a config written into $work (nothing on the
# host is touched), started inside a namespace. Set-ups copied from tests/e2e/live_ftp_pop3_test.sh
# (vsftpd, dovecot), live_smb_test.sh (smbd) and daemon_test.py (rsyslogd with imtcp).
# Needs: $work (world-traversable), $ns_server, $ns_switch, the credentials below.

ftp_user=alice
ftp_password="Ftp-Lab-Pass-7"
pop_user=bob
pop_password="Pop-Lab-Pass-5"
smb_password="Lab-Secret-1"
syslog_port=6514

# listening <namespace> <address> <port>: a TCP connect succeeds.
listening() {
  ip netns exec "$1" /usr/bin/python3 -c '
import socket, sys
s = socket.socket()
s.settimeout(0.5)
sys.exit(0 if s.connect_ex((sys.argv[1], int(sys.argv[2]))) == 0 else 1)' "$2" "$3"
}
wait_listening() {  # <namespace> <address> <port> <what>
  for _ in $(seq 100); do listening "$1" "$2" "$3" && return 0; sleep 0.1; done
  echo "FAIL: $4 not listening on $2:$3"
  return 1
}

make_certificate() {
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 2 \
    -subj "/CN=lab.spanwatch.test" >/dev/null 2>&1 || return 1
  chmod 644 "$work/cert.pem"
}

# vsftpd on every server address: anonymous (anon_root) and one local user that exists only in
# copies of /etc/passwd and /etc/shadow, bind-mounted over the host's (with a pam.d holding only
# our vsftpd service, pam_unix) in vsftpd's own mount namespace; mapped onto the account ftp.
# (pam_exec would need no user, but its child's SIGCHLD makes vsftpd's session parent believe its
# own child died, and the login hangs.) port_promiscuous stays NO (the default): a PORT to another
# address than the control connection's client is refused.
start_vsftpd() {
  mkdir -p "$work/ftp/anon" "$work/ftp/home" "$work/ftp/empty" "$work/ftp/pam" "$work/ftp/etc"
  echo "a public file" >"$work/ftp/anon/pub.txt"
  seq 1 2000 >"$work/ftp/home/file.txt"
  chmod -R a+rX "$work/ftp"
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
  ip netns exec "$ns_server" unshare --mount --propagation private sh -c \
    "mount --bind '$work/ftp/etc/passwd' /etc/passwd && mount --bind '$work/ftp/etc/shadow' /etc/shadow &&
     mount --bind '$work/ftp/pam' /etc/pam.d && exec /usr/sbin/vsftpd '$work/ftp/vsftpd.conf'" \
    >"$work/ftp/stdout" 2>&1 &
}

# dovecot POP3 on every server address: USER/PASS, AUTH PLAIN/LOGIN, APOP (the passdb holds the
# password in plain, which APOP needs to compute the digest) and STLS.
start_dovecot() {
  mkdir -p "$work/pop/run" "$work/pop/state" "$work/pop/mail/$pop_user"/{cur,new,tmp}
  printf 'From: carol@lab.spanwatch.test\nTo: bob@lab.spanwatch.test\nSubject: lab\n\nhello\n' \
    >"$work/pop/mail/$pop_user/new/1700000000.M1P1.lab"
  chown -R nobody:nogroup "$work/pop/mail"
  echo "$pop_user:{PLAIN}$pop_password:65534:65534::$work/pop/mail/$pop_user::" >"$work/pop/users"
  chmod 644 "$work/pop/users"
  cat >"$work/pop/dovecot.conf" <<EOF
base_dir = $work/pop/run
state_dir = $work/pop/state
instance_name = swlab$$
log_path = $work/pop/dovecot.log
protocols = pop3
listen = *
ssl = yes
ssl_cert = <$work/cert.pem
ssl_key = <$work/key.pem
auth_mechanisms = plain login apop
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
  ip netns exec "$ns_server" /usr/sbin/dovecot -F -c "$work/pop/dovecot.conf" >"$work/pop/stdout" 2>&1 &
}

# smbd on every server address, SMB1 allowed; the samba user labuser is mapped onto nobody.
write_samba_conf() {  # <file> <netbios name> <state dir>
  mkdir -p "$3"/{private,lock,state,cache,pid,ncalrpc,binddns}
  cat >"$1" <<EOF
[global]
  workgroup = LABGROUP
  netbios name = $2
  server role = standalone server
  server min protocol = NT1
  client min protocol = NT1
  ntlm auth = yes
  map to guest = never
  passdb backend = tdbsam:$work/smb/server/passdb.tdb
  username map = $work/smb/users.map
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
start_smbd() {
  mkdir -p "$work/smb"
  echo "nobody = labuser" >"$work/smb/users.map"
  write_samba_conf "$work/smb/server.conf" LABSERVER "$work/smb/server"
  write_samba_conf "$work/smb/client.conf" LABCLIENT "$work/smb/client"
  printf '%s\n%s\n' "$smb_password" "$smb_password" |
    smbpasswd -c "$work/smb/server.conf" -a -s nobody >"$work/smb/smbpasswd.log" 2>&1 ||
    { echo "FAIL: smbpasswd: $(cat "$work/smb/smbpasswd.log")"; return 1; }
  # Never --no-process-group: smbd then shares the script's process group and signals reach it.
  ip netns exec "$ns_server" /usr/sbin/smbd -s "$work/smb/server.conf" --foreground --debug-stdout -d 1 \
    >"$work/smb/smbd.log" 2>&1 &
}

# rsyslogd in the switch namespace (the SOC side), receiving the sensor's syslog over TCP on
# loopback, so the sensor never sees its own output on the span port. One line per message:
# msgid|structured data|message (the whole EVE record with outputs.syslog.message=eve).
start_rsyslog() {
  mkdir -p "$work/rsyslog/spool"
  cat >"$work/rsyslog/rsyslog.conf" <<EOF
global(workDirectory="$work/rsyslog/spool" maxMessageSize="64k")
module(load="imtcp")
template(name="fields" type="string" string="%msgid%|%structured-data%|%msg%\\n")
ruleset(name="from_tcp") { action(type="omfile" file="$work/rsyslog/syslog.log" template="fields") }
input(type="imtcp" address="127.0.0.1" port="$syslog_port" ruleset="from_tcp")
EOF
  ip netns exec "$ns_switch" /usr/sbin/rsyslogd -n -f "$work/rsyslog/rsyslog.conf" -i "$work/rsyslog/rsyslogd.pid" \
    >"$work/rsyslog/stdout" 2>&1 &
}

#!/usr/bin/env bash
# The Debian package end to end, on this machine: cpack builds the .deb from the test's build tree,
# dpkg installs it, the installed sensor runs from /usr/sbin with /etc's configuration, the installed
# units pass systemd-analyze verify, and dpkg -r / --purge take everything away again (user, group,
# logs, conffiles). Installs into the real system: whatever happens, the trap purges the package.
# Exits 77 (skipped) when not root, without dpkg or dpkg-dev, or when a spanwatch package, user or
# configuration already exists here (never touched).
#   package_test.sh BUILD_DIR
set -u
build=$1
work=$(mktemp -d)
installed_by_us=false

cleanup() {
  if $installed_by_us; then
    dpkg --purge spanwatch >/dev/null 2>&1
    # If even purge failed, take away what the package would have left.
    rm -rf /etc/spanwatch /var/log/spanwatch /etc/logrotate.d/spanwatch
    getent passwd spanwatch >/dev/null && userdel spanwatch 2>/dev/null
    getent group spanwatch >/dev/null && groupdel spanwatch 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT

skip() { echo "skipped: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || skip "installing a package needs root"
for tool in dpkg dpkg-deb dpkg-shlibdeps cpack; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (dpkg, dpkg-dev, cmake)"
done
# Any state but not-installed (installed, half-configured, config-files) is someone else's package.
package_known() {
  local status
  status=$(dpkg-query -W -f='${Status}' spanwatch 2>/dev/null) && [ -n "$status" ] && ! grep -q not-installed <<<"$status"
}
package_known && skip "a spanwatch package is known to dpkg here"
getent passwd spanwatch >/dev/null && skip "a spanwatch user exists here"
getent group spanwatch >/dev/null && skip "a spanwatch group exists here"
[ -e /etc/spanwatch ] || [ -e /var/log/spanwatch ] && skip "/etc/spanwatch or /var/log/spanwatch exists here"

# Build the package.
cpack --config "$build/CPackConfig.cmake" -B "$work/package" >"$work/cpack.log" 2>&1 ||
  fail "cpack: $(tail -20 "$work/cpack.log")"
deb=$(ls "$work"/package/spanwatch_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "no .deb in $work/package: $(tail -5 "$work/cpack.log")"
depends=$(dpkg-deb -f "$deb" Depends)
for dep in adduser libc6 libpcap0.8 libyaml-cpp; do
  grep -q "$dep" <<<"$depends" || fail "Depends lacks $dep: $depends"
done
[ "$(dpkg-deb -f "$deb" Section)" = net ] || fail "Section is not net"
conffiles=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles)
for f in /etc/spanwatch/spanwatch.yaml /etc/spanwatch/rules/smb.yaml /etc/logrotate.d/spanwatch; do
  grep -qx "$f" <<<"$conffiles" || fail "$f is not a conffile: $conffiles"
done

# Install.
installed_by_us=true
dpkg -i "$deb" >"$work/install.log" 2>&1 || fail "dpkg -i: $(cat "$work/install.log")"
for f in /usr/sbin/spanwatch /etc/spanwatch/spanwatch.yaml /etc/spanwatch/rules/tls.yaml \
         /lib/systemd/system/spanwatch.service /lib/systemd/system/spanwatch@.service \
         /etc/logrotate.d/spanwatch /usr/share/doc/spanwatch/README.md; do
  [ -f "$f" ] || fail "$f not installed"
done
[ -x /usr/sbin/spanwatch ] || fail "/usr/sbin/spanwatch is not executable"
getent passwd spanwatch | grep -q ':/nonexistent:/usr/sbin/nologin$' ||
  fail "spanwatch user: $(getent passwd spanwatch)"
[ "$(id -gn spanwatch)" = spanwatch ] || fail "spanwatch's primary group is $(id -gn spanwatch)"
[ "$(stat -c '%U:%G %a' /var/log/spanwatch)" = "spanwatch:spanwatch 750" ] ||
  fail "/var/log/spanwatch is $(stat -c '%U:%G %a' /var/log/spanwatch)"

# The installed sensor, from its installed paths.
version=$(/usr/sbin/spanwatch --version) || fail "spanwatch --version failed"
grep -qE '^spanwatch [0-9]+\.[0-9]+\.[0-9]+' <<<"$version" || fail "spanwatch --version printed '$version'"
grep -q "$(dpkg-query -W -f='${Version}' spanwatch)" <<<"$version" || fail "version '$version' is not the package's"
out=$(cd / && /usr/sbin/spanwatch --check-config 2>&1) || fail "spanwatch --check-config: $out"
grep -q "configuration OK" <<<"$out" || fail "spanwatch --check-config printed '$out'"
out=$(cd / && /usr/sbin/spanwatch --check-rules /etc/spanwatch/rules 2>&1) || fail "spanwatch --check-rules: $out"

# The installed units.
for unit in spanwatch.service spanwatch@.service; do
  out=$(systemd-analyze verify "/lib/systemd/system/$unit" 2>&1) || fail "systemd-analyze verify $unit: $out"
  [ -z "$out" ] || fail "systemd-analyze verify $unit warns: $out"
done

# Installing again (an upgrade to the same version) keeps the user and the folder.
dpkg -i "$deb" >"$work/reinstall.log" 2>&1 || fail "dpkg -i again: $(cat "$work/reinstall.log")"
[ "$(stat -c '%U:%G %a' /var/log/spanwatch)" = "spanwatch:spanwatch 750" ] || fail "reinstall changed /var/log/spanwatch"

# Remove: the program goes, an edited conffile, the logs and the user stay.
echo "# edited by the administrator" >>/etc/spanwatch/spanwatch.yaml
echo '{"event_type":"stats"}' >/var/log/spanwatch/eve.json
dpkg -r spanwatch >"$work/remove.log" 2>&1 || fail "dpkg -r: $(cat "$work/remove.log")"
[ ! -e /usr/sbin/spanwatch ] || fail "/usr/sbin/spanwatch left after dpkg -r"
[ ! -e /lib/systemd/system/spanwatch.service ] || fail "unit left after dpkg -r"
grep -q "edited by the administrator" /etc/spanwatch/spanwatch.yaml || fail "dpkg -r lost the edited configuration"
getent passwd spanwatch >/dev/null || fail "dpkg -r removed the user"
[ -f /var/log/spanwatch/eve.json ] || fail "dpkg -r removed the logs"

# Purge: nothing left.
dpkg --purge spanwatch >"$work/purge.log" 2>&1 || fail "dpkg --purge: $(cat "$work/purge.log")"
installed_by_us=false
for f in /etc/spanwatch /var/log/spanwatch /etc/logrotate.d/spanwatch /usr/share/doc/spanwatch; do
  [ ! -e "$f" ] || fail "$f left after purge"
done
! getent passwd spanwatch >/dev/null || fail "user spanwatch left after purge"
! getent group spanwatch >/dev/null || fail "group spanwatch left after purge"
package_known && fail "dpkg still knows spanwatch after purge"
echo "package test passed: $(basename "$deb")"
exit 0

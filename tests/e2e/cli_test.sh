#!/usr/bin/env bash
# The command line as a user meets it: errors are one line with exit status 2, --check-config and
# --dump-config work, and config/spanwatch.yaml is exactly the documented default configuration.
set -u
sensor=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# expect STATUS PATTERN -- COMMAND...: exit status and one line of stderr matching PATTERN.
expect() {
  local status=$1 pattern=$2
  shift 3
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  [ "$got" -eq "$status" ] || fail "$* exited $got, expected $status"
  if [ -n "$pattern" ]; then
    grep -qE -- "$pattern" "$work/err" || fail "$*: stderr lacks /$pattern/: $(cat "$work/err")"
    [ "$(wc -l <"$work/err")" -eq 1 ] || fail "$*: error is not one line: $(cat "$work/err")"
  fi
}

expect 2 "unknown option --frobnicate" -- "$sensor" --frobnicate
expect 2 "nothing to read" -- "$sensor"
expect 2 "cannot read capture file $work/missing.pcap" -- "$sensor" -r "$work/missing.pcap" -l "$work"
expect 2 "option -r needs" -- "$sensor" -r
expect 2 "-r and -i cannot be used together" -- "$sensor" -r x.pcap -i lo
expect 2 "configuration file $work/none.yaml does not exist" -- "$sensor" -c "$work/none.yaml" --check-config
printf 'capture:\n  snaplen: 20\n' >"$work/bad.yaml"
expect 2 "bad.yaml:2:12: capture.snaplen" -- "$sensor" -c "$work/bad.yaml" --check-config
printf 'flow:\n  timeouts:\n    tcp_establihsed: 10\n' >"$work/typo.yaml"
expect 2 "typo.yaml:3:5: .*tcp_establihsed.*did you mean" -- "$sensor" -c "$work/typo.yaml" --check-config
expect 2 "command line: flow.memcap" -- "$sensor" -c /dev/null --set flow.memcap=lots --check-config
printf 'garbage that is not a capture\n' >"$work/junk.pcap"
expect 2 "junk.pcap" -- "$sensor" -c /dev/null --rules "$source_dir/rules" -r "$work/junk.pcap" -l "$work/logs"
printf -- '- id: 1\n  name: [broken\n' >"$work/broken.yaml"
mkdir -p "$work/badrules" && cp "$work/broken.yaml" "$work/badrules/"
expect 2 "broken.yaml:[0-9]+" -- "$sensor" --check-rules "$work/badrules"
expect 2 "broken.yaml:[0-9]+" -- "$sensor" -c /dev/null --rules "$work/badrules" -r "$work/junk.pcap" -l "$work/logs"
expect 2 "rules folder $work/none does not exist" -- "$sensor" -c /dev/null --rules "$work/none" -r "$work/junk.pcap" -l "$work/logs"

expect 0 "" -- "$sensor" --version
grep -qE '^spanwatch [0-9]+\.[0-9]+\.[0-9]+$' "$work/out" || fail "--version printed: $(cat "$work/out")"
expect 0 "" -- "$sensor" --help
grep -q -- "--check-config" "$work/out" || fail "--help does not mention --check-config"
expect 0 "" -- "$sensor" -c "$source_dir/config/spanwatch.yaml" --check-config
expect 0 "" -- "$sensor" --check-rules "$source_dir/rules"
grep -qE "[0-9]+ rules" "$work/out" || fail "--check-rules does not say how many rules it compiled: $(cat "$work/out")"

# The shipped file documents every option at its default: it is what --dump-config prints.
"$sensor" -c /dev/null --dump-config >"$work/dump.yaml" || fail "--dump-config failed"
diff -u "$source_dir/config/spanwatch.yaml" "$work/dump.yaml" >"$work/diff" ||
  fail "config/spanwatch.yaml differs from --dump-config (regenerate it with: spanwatch -c /dev/null --dump-config): $(head -20 "$work/diff")"
# Overrides show in the dump, and the dump loads back to the same values.
"$sensor" -c /dev/null --set flow.memcap=256mb -l /srv/eve --dump-config >"$work/over.yaml"
grep -q "memcap: 256mb" "$work/over.yaml" || fail "--set flow.memcap did not show in --dump-config"
grep -q 'log_dir: "/srv/eve"' "$work/over.yaml" || fail "-l did not show in --dump-config"
"$sensor" -c "$work/over.yaml" --dump-config >"$work/again.yaml"
diff -q "$work/over.yaml" "$work/again.yaml" >/dev/null || fail "a dumped configuration does not load back identically"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all command-line checks passed"

// Every option kind: its valid forms land in the bound variable, invalid ones fail at the exact
// file:line:col of the offending value.
#include <catch2/catch.hpp>

#include "sample_settings.hpp"

using namespace spanwatch::config;
using namespace spanwatch::config::test;

TEST_CASE("Booleans accept true/false, yes/no, on/off") {
  Bound b;
  b.table.load_string("capture:\n  promiscuous: off\n", "t.yaml");
  CHECK_FALSE(b.settings.promiscuous);
  b.table.load_string("capture:\n  promiscuous: Yes\n", "t.yaml");
  CHECK(b.settings.promiscuous);
  CHECK(b.load_error("capture:\n  promiscuous: maybe\n") ==
        "t.yaml:2:16: capture.promiscuous: expected true or false, got \"maybe\"");
}

TEST_CASE("Unsigned integers are range-checked against min and max") {
  Bound b;
  b.table.load_string("capture:\n  snaplen: 9000\n", "t.yaml");
  CHECK(b.settings.snaplen == 9000u);
  b.table.load_string("capture:\n  snaplen: 64\n", "t.yaml");
  CHECK(b.settings.snaplen == 64u);
  CHECK(b.load_error("capture:\n  snaplen: 10\n") == "t.yaml:2:12: capture.snaplen: 10 is below the minimum 64");
  CHECK(b.load_error("capture:\n  snaplen: 70000\n") ==
        "t.yaml:2:12: capture.snaplen: 70000 is above the maximum 65535");
  CHECK(b.load_error("capture:\n  snaplen: 99999999999999999999\n") ==
        "t.yaml:2:12: capture.snaplen: 99999999999999999999 is above the maximum 65535");
  CHECK(b.load_error("capture:\n  snaplen: -1\n") == "t.yaml:2:12: capture.snaplen: -1 is below the minimum 64");
  CHECK(b.load_error("capture:\n  snaplen: 1.5e3\n") ==
        "t.yaml:2:12: capture.snaplen: expected a whole number, got \"1.5e3\"");
  CHECK(b.settings.snaplen == 64u);
}

TEST_CASE("Signed integers accept negatives within range") {
  Bound b;
  b.table.load_string("flow:\n  hash_offset: -7\n", "t.yaml");
  CHECK(b.settings.hash_offset == -7);
  CHECK(b.load_error("flow:\n  hash_offset: -101\n") ==
        "t.yaml:2:16: flow.hash_offset: -101 is below the minimum -100");
  CHECK(b.load_error("flow:\n  hash_offset: 101\n") == "t.yaml:2:16: flow.hash_offset: 101 is above the maximum 100");
  CHECK(b.load_error("flow:\n  hash_offset: ten\n") ==
        "t.yaml:2:16: flow.hash_offset: expected a whole number, got \"ten\"");
}

TEST_CASE("A mapping, a list or nothing where a scalar is expected is an error") {
  Bound b;
  CHECK(b.load_error("capture:\n  snaplen:\n    value: 5\n") ==
        "t.yaml:3:5: capture.snaplen: expected a whole number, got a mapping");
  CHECK(b.load_error("capture:\n  snaplen: [1]\n") == "t.yaml:2:12: capture.snaplen: expected a whole number, got a list");
  CHECK(b.load_error("capture:\n  snaplen:\n") == "t.yaml:2:3: capture.snaplen: expected a whole number, got nothing");
  CHECK(b.load_error("outputs:\n  eve:\n    log_dir: {a: 1}\n") ==
        "t.yaml:3:14: outputs.eve.log_dir: expected a string, got a mapping");
}

TEST_CASE("A scalar or a list where a section is expected is an error") {
  Bound b;
  CHECK(b.load_error("flow: 5\n") == "t.yaml:1:7: flow: expected a mapping of options, got \"5\"");
  CHECK(b.load_error("flow:\n  timeouts: [1, 2]\n") ==
        "t.yaml:2:13: flow.timeouts: expected a mapping of options, got a list");
}

TEST_CASE("Sizes accept plain bytes and units, and are range-checked in bytes") {
  Bound b;
  b.table.load_string("flow:\n  memcap: 256mb\n", "t.yaml");
  CHECK(b.settings.memcap == 256ull << 20);
  b.table.load_string("flow:\n  memcap: 2GiB\n", "t.yaml");
  CHECK(b.settings.memcap == 2ull << 30);
  b.table.load_string("flow:\n  memcap: 1048576\n", "t.yaml");
  CHECK(b.settings.memcap == 1ull << 20);
  CHECK(b.load_error("flow:\n  memcap: lots\n") == "t.yaml:2:11: flow.memcap: expected a size like 64mb, got \"lots\"");
  CHECK(b.load_error("flow:\n  memcap: 1.5gb\n") ==
        "t.yaml:2:11: flow.memcap: expected a size like 64mb, got \"1.5gb\"");
  CHECK(b.load_error("flow:\n  memcap: 512kb\n") == "t.yaml:2:11: flow.memcap: 512kb is below the minimum 1mb");
  CHECK(b.load_error("flow:\n  memcap: 2tb\n") == "t.yaml:2:11: flow.memcap: 2tb is above the maximum 1tb");
  CHECK(b.load_error("flow:\n  memcap: 99999999999tb\n") ==
        "t.yaml:2:11: flow.memcap: 99999999999tb is above the maximum 1tb");
  CHECK(b.settings.memcap == 1ull << 20);
}

TEST_CASE("Durations accept seconds and units, for chrono and integer targets") {
  Bound b;
  b.table.load_string("flow:\n  timeouts:\n    established: 5m\n    closed: 45\n", "t.yaml");
  CHECK(b.settings.established == std::chrono::minutes{5});
  CHECK(b.settings.closed_seconds == 45u);
  b.table.load_string("flow:\n  timeouts:\n    established: 1h\n    closed: 2m\n", "t.yaml");
  CHECK(b.settings.established == std::chrono::hours{1});
  CHECK(b.settings.closed_seconds == 120u);
  CHECK(b.load_error("flow:\n  timeouts:\n    established: soon\n") ==
        "t.yaml:3:18: flow.timeouts.established: expected a duration like 30s, 5m or 1h, got \"soon\"");
  CHECK(b.load_error("flow:\n  timeouts:\n    established: 0\n") ==
        "t.yaml:3:18: flow.timeouts.established: 0 is below the minimum 1s");
  CHECK(b.load_error("flow:\n  timeouts:\n    established: 8d\n") ==
        "t.yaml:3:18: flow.timeouts.established: 8d is above the maximum 7d");
}

TEST_CASE("Strings take any scalar verbatim; nothing is the empty string") {
  Bound b;
  b.table.load_string("outputs:\n  eve:\n    log_dir: /tmp/eve\n", "t.yaml");
  CHECK(b.settings.log_dir == "/tmp/eve");
  b.table.load_string("outputs:\n  eve:\n    log_dir: \" spaced: out \"\n", "t.yaml");
  CHECK(b.settings.log_dir == " spaced: out ");
  b.table.load_string("outputs:\n  eve:\n    log_dir: 123\n", "t.yaml");
  CHECK(b.settings.log_dir == "123");
  b.table.load_string("outputs:\n  eve:\n    log_dir:\n", "t.yaml");
  CHECK(b.settings.log_dir.empty());
  CHECK(b.load_error("outputs:\n  eve:\n    log_dir: [a]\n") ==
        "t.yaml:3:14: outputs.eve.log_dir: expected a string, got a list");
}

TEST_CASE("String lists take a sequence, a single scalar or nothing") {
  Bound b;
  b.table.load_string("capture:\n  interfaces: [eth1, eth2]\n", "t.yaml");
  CHECK(b.settings.interfaces == std::vector<std::string>{"eth1", "eth2"});
  b.table.load_string("capture:\n  interfaces:\n    - eth3\n    - \"10.0.0.0/8\"\n", "t.yaml");
  CHECK(b.settings.interfaces == std::vector<std::string>{"eth3", "10.0.0.0/8"});
  b.table.load_string("capture:\n  interfaces: eth4\n", "t.yaml");
  CHECK(b.settings.interfaces == std::vector<std::string>{"eth4"});
  b.table.load_string("capture:\n  interfaces: []\n", "t.yaml");
  CHECK(b.settings.interfaces.empty());
  b.settings.interfaces = {"eth0"};
  b.table.load_string("capture:\n  interfaces:\n", "t.yaml");
  CHECK(b.settings.interfaces.empty());
  CHECK(b.load_error("capture:\n  interfaces:\n    - eth1\n    - {name: eth2}\n") ==
        "t.yaml:4:7: capture.interfaces: expected each list item to be a string, got a mapping");
  CHECK(b.load_error("capture:\n  interfaces:\n    eth1: yes\n") ==
        "t.yaml:3:5: capture.interfaces: expected a list of strings, got a mapping");
}

TEST_CASE("Enums accept their names in any case and hint at near misses") {
  Bound b;
  b.table.load_string("logging:\n  level: debug\n", "t.yaml");
  CHECK(b.settings.level == Level::debug);
  b.table.load_string("logging:\n  level: WARNING\n", "t.yaml");
  CHECK(b.settings.level == Level::warning);
  CHECK(b.load_error("logging:\n  level: verbose\n") ==
        "t.yaml:2:10: logging.level: expected one of error|warning|info|debug, got \"verbose\"");
  CHECK(b.load_error("logging:\n  level: warnig\n") ==
        "t.yaml:2:10: logging.level: expected one of error|warning|info|debug, got \"warnig\" (did you mean \"warning\"?)");
  CHECK(b.settings.level == Level::warning);
}

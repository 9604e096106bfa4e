// Whole documents: unknown keys, all-or-nothing, defaults, syntax errors, document shapes, files.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

#include "sample_settings.hpp"

using namespace spanwatch::config;
using namespace spanwatch::config::test;

TEST_CASE("Unknown keys at the top level are errors with a did-you-mean hint") {
  Bound b;
  CHECK(b.load_error("captur:\n  snaplen: 100\n") == "t.yaml:1:1: unknown key \"captur\" (did you mean \"capture\"?)");
  CHECK(b.load_error("capture:\n  snaplen: 100\nfilesystem: {}\n") == "t.yaml:3:1: unknown key \"filesystem\"");
  CHECK(b.settings.snaplen == 1518u);
}

TEST_CASE("Unknown keys at nested levels are errors naming the full path") {
  Bound b;
  CHECK(b.load_error("flow:\n  timeouts:\n    establihsed: 5m\n") ==
        "t.yaml:3:5: unknown key \"flow.timeouts.establihsed\" (did you mean \"established\"?)");
  CHECK(b.load_error("flow:\n  colour: blue\n") == "t.yaml:2:3: unknown key \"flow.colour\"");
  CHECK(b.load_error("outputs:\n  eve:\n    log_dir: /x\n    logdir: /y\n") ==
        "t.yaml:4:5: unknown key \"outputs.eve.logdir\" (did you mean \"log_dir\"?)");
  // Dotted keys are not a shorthand for nesting.
  CHECK(b.load_error("flow.memcap: 1gb\n") == "t.yaml:1:1: unknown key \"flow.memcap\"");
}

TEST_CASE("Loading is all-or-nothing: an error anywhere leaves every variable untouched") {
  Bound b;
  const Settings before = b.settings;
  CHECK(b.load_error("capture:\n  snaplen: 9000\n  interfaces: [eth9]\nflow:\n  memcap: lots\n") ==
        "t.yaml:5:11: flow.memcap: expected a size like 64mb, got \"lots\"");
  CHECK(b.settings == before);
  CHECK(b.load_error("logging:\n  level: debug\nnope: 1\n") == "t.yaml:3:1: unknown key \"nope\"");
  CHECK(b.settings == before);
}

TEST_CASE("Absent keys keep the bound variable's default") {
  Bound b;
  b.table.load_string("capture:\n  snaplen: 9000\n", "t.yaml");
  Settings expected;
  expected.snaplen = 9000;
  CHECK(b.settings == expected);
}

TEST_CASE("A later document overrides only the keys it names") {
  Bound b;
  b.table.load_string("capture:\n  snaplen: 9000\nlogging:\n  level: debug\n", "a.yaml");
  b.table.load_string("capture:\n  snaplen: 128\n", "b.yaml");
  CHECK(b.settings.snaplen == 128u);
  CHECK(b.settings.level == Level::debug);
}

TEST_CASE("YAML syntax errors carry line and column") {
  Bound b;
  CHECK(b.load_error("capture:\n  snaplen: 64\n flow: 1\n") == "t.yaml:3:2: invalid YAML: end of map not found");
  CHECK(b.load_error("capture: 1\n  snaplen: 2\n") == "t.yaml:2:10: invalid YAML: illegal map value");
  CHECK(b.load_error("capture:\n  interfaces: [eth0, eth1\nflow:\n  memcap: 1mb\n") ==
        "t.yaml:3:5: invalid YAML: end of sequence flow not found");
  CHECK(b.load_error("capture:\n  interfaces: *nowhere\n") ==
        "t.yaml:2:15: invalid YAML: the referenced anchor is not defined");
}

TEST_CASE("An empty file or one with only comments is valid and changes nothing") {
  Bound b;
  CHECK(b.load_error("") == "no error");
  CHECK(b.load_error("# nothing configured yet\n\n") == "no error");
  CHECK(b.load_error("flow:\n  # memcap: 1gb\n") == "no error");
  CHECK(b.settings == Settings{});
}

TEST_CASE("A document that is not a mapping is an error") {
  Bound b;
  CHECK(b.load_error("- capture\n- flow\n") ==
        "t.yaml:1:1: expected a mapping of sections and options at the top level, got a list");
  CHECK(b.load_error("hello\n") == "t.yaml:1:1: expected a mapping of sections and options at the top level, got a scalar");
}

TEST_CASE("Duplicate keys and second documents are errors") {
  Bound b;
  CHECK(b.load_error("capture:\n  snaplen: 100\n  snaplen: 200\n") ==
        "t.yaml:3:3: duplicate key \"capture.snaplen\" (first at line 2)");
  CHECK(b.load_error("capture: {}\n---\nflow: {}\n") == "t.yaml:2:1: expected one YAML document, found a second");  // the "---"
  CHECK(b.load_error("? [a, b]\n: 1\n") == "t.yaml:1:3: keys must be plain names");
  CHECK(b.settings == Settings{});
}

TEST_CASE("A stray flow indicator at document level is an error, not an endless parse") {
  // yaml-cpp 0.7's LoadAll never consumes it and returns empty documents for ever (found by fuzz_config).
  Bound b;
  CHECK(b.load_error(",") == "t.yaml:1:1: invalid YAML: unexpected ','");
  CHECK(b.load_error("capture:\n  snaplen: 100\n,\n") == "t.yaml:3:1: invalid YAML: end of map not found");
  CHECK(b.settings == Settings{});
}

TEST_CASE("load_file reads a file and names it in errors") {
  Bound b;
  const std::string path = "unit_config_load_file_test.yaml";
  {
    std::ofstream out(path);
    out << "# test\ncapture:\n  snaplen: 4000\n";
  }
  b.table.load_file(path);
  CHECK(b.settings.snaplen == 4000u);
  {
    std::ofstream out(path);
    out << "capture:\n  snaplen: 1\n";
  }
  CHECK_THROWS_WITH(b.table.load_file(path), path + ":2:12: capture.snaplen: 1 is below the minimum 64");
  std::remove(path.c_str());
  CHECK_THROWS_AS(b.table.load_file(path), ConfigError);
  CHECK_THROWS_WITH(b.table.load_file(path), path + ": cannot open file (No such file or directory)");
  CHECK(b.settings.snaplen == 4000u);
}

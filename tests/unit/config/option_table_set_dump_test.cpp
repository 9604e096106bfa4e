// Command-line overrides, dump() and the dump -> load round trip; registration mistakes.
#include <catch2/catch.hpp>

#include "sample_settings.hpp"

using namespace spanwatch::config;
using namespace spanwatch::config::test;

TEST_CASE("set() overrides one option with the same parsing as a file") {
  Bound b;
  b.table.set("capture.snaplen", "9000");
  b.table.set("flow.memcap", "2gb");
  b.table.set("flow.timeouts.established", "90s");
  b.table.set("logging.level", "debug");
  b.table.set("outputs.eve.log_dir", "/tmp/eve dir: [x]");
  b.table.set("capture.promiscuous", "no");
  CHECK(b.settings.snaplen == 9000u);
  CHECK(b.settings.memcap == 2ull << 30);
  CHECK(b.settings.established == std::chrono::seconds{90});
  CHECK(b.settings.level == Level::debug);
  CHECK(b.settings.log_dir == "/tmp/eve dir: [x]");
  CHECK_FALSE(b.settings.promiscuous);
}

TEST_CASE("set() on a list takes one item, a flow sequence, or nothing") {
  Bound b;
  b.table.set("capture.interfaces", "eth1");
  CHECK(b.settings.interfaces == std::vector<std::string>{"eth1"});
  b.table.set("capture.interfaces", "[eth1, \"eth2\"]");
  CHECK(b.settings.interfaces == std::vector<std::string>{"eth1", "eth2"});
  b.table.set("capture.interfaces", "");
  CHECK(b.settings.interfaces.empty());
}

TEST_CASE("set() errors say command line and leave the variable alone") {
  Bound b;
  CHECK(b.set_error("capture.snaplen", "10") == "command line: capture.snaplen: 10 is below the minimum 64");
  CHECK(b.set_error("flow.memcap", "lots") == "command line: flow.memcap: expected a size like 64mb, got \"lots\"");
  CHECK(b.set_error("capture.snaplne", "100") ==
        "command line: unknown option \"capture.snaplne\" (did you mean \"capture.snaplen\"?)");
  CHECK(b.set_error("nothing.like.this", "1") == "command line: unknown option \"nothing.like.this\"");
  CHECK(b.set_error("flow", "1") == "command line: \"flow\" is a section, not an option");
  CHECK(b.set_error("capture.interfaces", "[eth1").rfind("command line: capture.interfaces: invalid list: ", 0) == 0);
  CHECK(b.settings == Settings{});
}

TEST_CASE("dump() prints every option nested by path with its doc and default") {
  Bound b;
  b.table.set("capture.snaplen", "9000");
  CHECK(b.table.dump() ==
        "# Packet capture\n"
        "capture:\n"
        "  # Put interfaces in promiscuous mode (default: true)\n"
        "  promiscuous: true\n"
        "  # Bytes kept per packet (default: 1518)\n"
        "  snaplen: 9000\n"
        "  # Interfaces to listen on (default: [\"eth0\"])\n"
        "  interfaces: [\"eth0\"]\n"
        "\n"
        "flow:\n"
        "  # Memory for flow state (default: 64mb)\n"
        "  memcap: 64mb\n"
        "  # Signed test value (default: -5)\n"
        "  hash_offset: -5\n"
        "  timeouts:\n"
        "    # Idle timeout of an established flow (default: 1h)\n"
        "    established: 1h\n"
        "    # Idle timeout after FIN or RST (default: 30s)\n"
        "    closed: 30s\n"
        "\n"
        "outputs:\n"
        "  eve:\n"
        "    # Directory of eve.json (default: \"/var/log/spanwatch\")\n"
        "    log_dir: \"/var/log/spanwatch\"\n"
        "\n"
        "logging:\n"
        "  # Least severe message logged (default: info)\n"
        "  level: info\n");
}

TEST_CASE("dump() loads back into a fresh table with identical values") {
  Bound source;
  source.table.load_string(
      "capture:\n"
      "  promiscuous: false\n"
      "  snaplen: 65535\n"
      "  interfaces: [\"~\", \"\", \"null\", \"true\", \"a \\\"quoted\\\" name\", \"colon: here\", \"- dash\", \"é\\t\"]\n"
      "flow:\n"
      "  memcap: 1500000\n"
      "  hash_offset: -100\n"
      "  timeouts:\n"
      "    established: 7d\n"
      "    closed: 3601\n"
      "outputs:\n"
      "  eve:\n"
      "    log_dir: \"# not a comment\\n\"\n"
      "logging:\n"
      "  level: error\n",
      "t.yaml");
  const std::string dumped = source.table.dump();

  Bound copy;
  copy.table.load_string(dumped, "dump.yaml");
  CHECK(copy.settings == source.settings);
  CHECK(copy.table.dump() == dumped);
  CHECK(copy.settings.log_dir == "# not a comment\n");
  CHECK(copy.settings.interfaces.size() == 8);
}

TEST_CASE("dump() of untouched defaults loads back as no change") {
  Bound b;
  Bound copy;
  copy.table.load_string(b.table.dump(), "dump.yaml");
  CHECK(copy.settings == Settings{});
}

TEST_CASE("Registration mistakes are programming errors") {
  Settings s;
  OptionTable table;
  bind(table, s);
  std::uint32_t extra = 0;
  CHECK_THROWS_AS(table.add_integer("capture.snaplen", &extra, "twice"), std::invalid_argument);
  CHECK_THROWS_AS(table.add_integer("flow", &extra, "a section already"), std::invalid_argument);
  CHECK_THROWS_AS(table.add_integer("capture.snaplen.bits", &extra, "through an option"), std::invalid_argument);
  CHECK_THROWS_AS(table.add_integer("Capture.x", &extra, "upper case"), std::invalid_argument);
  CHECK_THROWS_AS(table.add_integer("capture..x", &extra, "empty part"), std::invalid_argument);
  CHECK_THROWS_AS(table.add_integer("capture.x", &extra, "two\nlines"), std::invalid_argument);
  Level unlisted = Level::debug;
  CHECK_THROWS_AS(table.add_enum("logging.other", &unlisted, "default not listed", {{"error", Level::error}}),
                  std::invalid_argument);
  CHECK(table.options().size() == 9);
}

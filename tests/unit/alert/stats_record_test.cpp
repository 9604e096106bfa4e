#include <catch2/catch.hpp>

#include <string>

#include "alert/eve_file.hpp"
#include "alert/stats_record.hpp"
#include "eve_test_support.hpp"

using namespace spanwatch;
using namespace spanwatch::alert;
using namespace spanwatch::alert::testing;

TEST_CASE("stats paths order segment by segment so extensions follow their prefix") {
  CHECK(stats_path_less("a", "a.b"));
  CHECK(stats_path_less("a.b", "a.b.c"));
  CHECK(stats_path_less("a.b.c", "a.b-c"));  // plain byte order would put "a.b-c" first
  CHECK(stats_path_less("a.b.z", "a.c"));
  CHECK_FALSE(stats_path_less("a.b", "a.b"));
  CHECK_FALSE(stats_path_less("b", "a.z"));
}

TEST_CASE("a snapshot keeps paths ordered and sums a path reported twice") {
  StatsSnapshot snapshot;
  snapshot.add("tcp.syn", 3);
  snapshot.add("decoder.pkts", 10);
  snapshot.add("tcp.syn", 4);
  snapshot.add("capture.kernel_packets", 11);
  const auto entries = snapshot.entries();
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].path == "capture.kernel_packets");
  CHECK(entries[1].path == "decoder.pkts");
  CHECK(entries[2].path == "tcp.syn");
  CHECK(entries[2].value == 7);
  snapshot.clear();
  CHECK(snapshot.entries().empty());
}

TEST_CASE("stats nest unsorted dotted paths into objects under stats, with uptime first") {
  StatsSnapshot snapshot;
  snapshot.set_uptime_seconds(120);
  snapshot.add("tcp.syn", 5);
  snapshot.add("decoder.event.ipv4.trunc_pkt", 2);
  snapshot.add("flow.end.state.closed", 9);
  snapshot.add("decoder.pkts", 1000);
  snapshot.add("capture.kernel_packets", 1001);
  snapshot.add("decoder.ipv4", 900);
  snapshot.add("decoder.event.ipv6.trunc_pkt", 1);
  snapshot.add("flow.total", 40);
  snapshot.add("decoder.event.ipv4.opt_invalid", 3);
  snapshot.add("detect.alert", 4);
  snapshot.add("tcp.reassembly_gap", 6);
  snapshot.add("defrag.ipv4.fragments", 8);

  EveWriter writer(EveContext{"probe", "", ""});
  const StatsRecordResult result = format_stats(writer, {1700000000, 0}, snapshot);
  CHECK(result.skipped_paths == 0);
  const auto doc = parse_line(result.line);
  REQUIRE_FALSE(doc.HasParseError());
  CHECK(member_names(doc) == std::vector<std::string>{"timestamp", "event_type", "host", "stats"});
  CHECK(doc["event_type"] == "stats");
  const auto& stats = doc["stats"];
  CHECK(member_names(stats) ==
        std::vector<std::string>{"uptime", "capture", "decoder", "defrag", "detect", "flow", "tcp"});
  CHECK(stats["uptime"].GetInt64() == 120);
  CHECK(stats["capture"]["kernel_packets"].GetUint64() == 1001);
  CHECK(member_names(stats["decoder"]) == std::vector<std::string>{"event", "ipv4", "pkts"});
  CHECK(stats["decoder"]["pkts"].GetUint64() == 1000);
  CHECK(stats["decoder"]["ipv4"].GetUint64() == 900);
  CHECK(member_names(stats["decoder"]["event"]) == std::vector<std::string>{"ipv4", "ipv6"});
  CHECK(stats["decoder"]["event"]["ipv4"]["trunc_pkt"].GetUint64() == 2);
  CHECK(stats["decoder"]["event"]["ipv4"]["opt_invalid"].GetUint64() == 3);
  CHECK(stats["decoder"]["event"]["ipv6"]["trunc_pkt"].GetUint64() == 1);
  CHECK(stats["defrag"]["ipv4"]["fragments"].GetUint64() == 8);
  CHECK(stats["detect"]["alert"].GetUint64() == 4);
  CHECK(stats["flow"]["total"].GetUint64() == 40);
  CHECK(stats["flow"]["end"]["state"]["closed"].GetUint64() == 9);
  CHECK(stats["tcp"]["syn"].GetUint64() == 5);
  CHECK(stats["tcp"]["reassembly_gap"].GetUint64() == 6);
}

TEST_CASE("an empty snapshot still writes stats.uptime") {
  StatsSnapshot snapshot;
  snapshot.set_uptime_seconds(7);
  EveWriter writer;
  const auto doc = parse_line(format_stats(writer, {0, 0}, snapshot).line);
  REQUIRE_FALSE(doc.HasParseError());
  CHECK(member_names(doc["stats"]) == std::vector<std::string>{"uptime"});
  CHECK(doc["stats"]["uptime"].GetInt64() == 7);
}

TEST_CASE("stats paths that cannot nest are left out and counted, the rest is written") {
  StatsSnapshot snapshot;
  snapshot.add("flow.end", 1);  // both a value and the object of flow.end.state.closed
  snapshot.add("flow.end.state.closed", 2);
  snapshot.add("uptime", 3);    // would repeat stats.uptime
  snapshot.add("tcp..syn", 4);  // empty segment
  snapshot.add(".tcp", 5);
  snapshot.add("a.b.c.d.e.f.g.h.i", 6);  // deeper than max_stats_path_segments
  snapshot.add("tcp.rst", 7);
  EveWriter writer;
  const StatsRecordResult result = format_stats(writer, {0, 0}, snapshot);
  CHECK(result.skipped_paths == 5);
  const auto doc = parse_line(result.line);
  REQUIRE_FALSE(doc.HasParseError());
  const auto& stats = doc["stats"];
  CHECK(member_names(stats) == std::vector<std::string>{"uptime", "flow", "tcp"});
  CHECK(stats["uptime"].GetInt64() == 0);
  CHECK(stats["flow"]["end"]["state"]["closed"].GetUint64() == 2);
  CHECK(member_names(stats["tcp"]) == std::vector<std::string>{"rst"});
}

TEST_CASE("write_stats appends the stats line to the file") {
  ScratchDir dir;
  EveFile file;
  REQUIRE(file.open(dir.file("eve.json")));
  StatsSnapshot snapshot;
  snapshot.add("decoder.pkts", 42);
  EveWriter writer;
  write_stats(writer, file, {0, 0}, snapshot);
  REQUIRE(file.flush());
  const auto lines = read_lines(dir.file("eve.json"));
  REQUIRE(lines.size() == 1);
  CHECK(parse_line(lines[0])["stats"]["decoder"]["pkts"].GetUint64() == 42);
}

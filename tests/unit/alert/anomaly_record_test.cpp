#include <catch2/catch.hpp>

#include <string>

#include "alert/eve_file.hpp"
#include "alert/anomaly_record.hpp"
#include "eve_test_support.hpp"

using namespace spanwatch;
using namespace spanwatch::alert;
using namespace spanwatch::alert::testing;

TEST_CASE("a decode anomaly without a flow has type and event and no flow keys") {
  EveWriter writer(EveContext{"", "eth1", ""});
  const auto doc = parse_line(format_anomaly(writer, {5, 0}, nullptr, {"decode", "ipv4.trunc_pkt", {}, {}}));
  REQUIRE_FALSE(doc.HasParseError());
  CHECK(member_names(doc) == std::vector<std::string>{"timestamp", "in_iface", "event_type", "anomaly"});
  CHECK(doc["event_type"] == "anomaly");
  CHECK(member_names(doc["anomaly"]) == std::vector<std::string>{"type", "event"});
  CHECK(doc["anomaly"]["type"] == "decode");
  CHECK(doc["anomaly"]["event"] == "ipv4.trunc_pkt");
}

TEST_CASE("an applayer anomaly on a flow carries the flow header, layer and app_proto") {
  FlowHeader flow;
  flow.flow_id = 99;
  flow.src_ip = ip("fd00::1");
  flow.dest_ip = ip("fd00::2");
  flow.src_port = 50000;
  flow.dest_port = 21;
  flow.has_ports = true;
  flow.ip_protocol = 6;
  EveWriter writer;
  const auto doc =
      parse_line(format_anomaly(writer, {5, 0}, &flow, {"applayer", "too_many_transactions", "proto_parser", "ftp"}));
  REQUIRE_FALSE(doc.HasParseError());
  CHECK(doc["flow_id"].GetUint64() == 99);
  CHECK(doc["src_ip"] == "fd00::1");
  CHECK(doc["dest_port"].GetUint() == 21);
  CHECK(member_names(doc["anomaly"]) == std::vector<std::string>{"type", "event", "layer", "app_proto"});
  CHECK(doc["anomaly"]["layer"] == "proto_parser");
  CHECK(doc["anomaly"]["app_proto"] == "ftp");
}

TEST_CASE("write_anomaly appends one line per anomaly") {
  ScratchDir dir;
  EveFile file;
  REQUIRE(file.open(dir.file("eve.json")));
  EveWriter writer;
  write_anomaly(writer, file, {1, 0}, nullptr, "decode", "ipv6.trunc_pkt");
  write_anomaly(writer, file, {2, 0}, nullptr, "stream", "pkt_invalid_ack", "stream");
  REQUIRE(file.flush());
  const auto lines = read_lines(dir.file("eve.json"));
  REQUIRE(lines.size() == 2);
  CHECK(parse_line(lines[0])["anomaly"]["event"] == "ipv6.trunc_pkt");
  CHECK(parse_line(lines[1])["anomaly"]["type"] == "stream");
  CHECK(parse_line(lines[1])["anomaly"]["layer"] == "stream");
  CHECK(file.written_lines() == 2);
}

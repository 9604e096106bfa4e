#include <catch2/catch.hpp>

#include <ctime>
#include <string>
#include <vector>

#include "alert/eve_writer.hpp"
#include "eve_test_support.hpp"

using namespace spanwatch;
using namespace spanwatch::alert;
using namespace spanwatch::alert::testing;

namespace {

FlowHeader tcp_flow() {
  FlowHeader flow;
  flow.flow_id = 1234567890123456ull;
  flow.src_ip = ip("10.0.0.1");
  flow.dest_ip = ip("192.168.1.20");
  flow.src_port = 49152;
  flow.dest_port = 445;
  flow.has_ports = true;
  flow.ip_protocol = 6;
  flow.community_id = "1:LQU9qZlK+B5F3KDmev6m5PMibrg=";
  return flow;
}

std::string_view write_test_record(EveWriter& writer, std::string_view text) {
  writer.begin("test", {1476605590, 446897000}, nullptr);
  writer.field("text", text);
  return writer.end();
}

}  // namespace

TEST_CASE("a record with a flow carries Suricata's header keys in Suricata's order") {
  EveWriter writer(EveContext{"sensor-1", "eth0", ""});
  FlowHeader flow = tcp_flow();
  flow.vlan[0] = 10;
  flow.vlan[1] = 20;
  flow.vlan_count = 2;
  JsonWriter& json = writer.begin("anomaly", {1476605590, 446897123}, &flow);
  json.Key("payload");
  json.StartObject();
  json.EndObject();
  const std::string line(writer.end());

  const auto doc = parse_line(line);
  REQUIRE_FALSE(doc.HasParseError());
  CHECK(member_names(doc) == std::vector<std::string>{"timestamp", "flow_id", "in_iface", "event_type", "vlan",
                                                     "src_ip", "src_port", "dest_ip", "dest_port", "proto",
                                                     "community_id", "host", "payload"});
  CHECK(std::string(doc["timestamp"].GetString()) == "2016-10-16T08:13:10.446897+0000");
  REQUIRE(doc["flow_id"].IsUint64());
  CHECK(doc["flow_id"].GetUint64() == 1234567890123456ull);
  CHECK(std::string(doc["in_iface"].GetString()) == "eth0");
  CHECK(std::string(doc["event_type"].GetString()) == "anomaly");
  CHECK(std::string(doc["src_ip"].GetString()) == "10.0.0.1");
  CHECK(doc["src_port"].GetUint() == 49152);
  CHECK(std::string(doc["dest_ip"].GetString()) == "192.168.1.20");
  CHECK(doc["dest_port"].GetUint() == 445);
  CHECK(std::string(doc["proto"].GetString()) == "TCP");
  CHECK(std::string(doc["community_id"].GetString()) == "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
  CHECK(std::string(doc["host"].GetString()) == "sensor-1");
  CHECK(line.find('\n') == std::string::npos);
}

TEST_CASE("a record without a flow has no flow keys, and empty context fields are omitted") {
  EveWriter writer;
  writer.begin("stats", {0, 0}, nullptr);
  const auto doc = parse_line(writer.end());
  REQUIRE_FALSE(doc.HasParseError());
  CHECK(member_names(doc) == std::vector<std::string>{"timestamp", "event_type"});
}

TEST_CASE("offline capture writes pcap_filename, and it follows the file being read") {
  EveWriter writer(EveContext{"", "", "/data/a.pcap"});
  writer.begin("stats", {0, 0}, nullptr);
  CHECK(std::string(parse_line(writer.end())["pcap_filename"].GetString()) == "/data/a.pcap");
  writer.set_pcap_filename("/data/b.pcap");
  writer.begin("stats", {0, 0}, nullptr);
  const auto doc = parse_line(writer.end());
  CHECK(std::string(doc["pcap_filename"].GetString()) == "/data/b.pcap");
  CHECK_FALSE(doc.HasMember("in_iface"));
}

TEST_CASE("IPv6 addresses are printed in their compressed RFC 5952 form") {
  EveWriter writer;
  FlowHeader flow = tcp_flow();
  flow.src_ip = ip("2001:db8:0:0:0:0:0:1");
  flow.dest_ip = ip("fe80::a:b:c:d");
  flow.ip_protocol = 58;
  flow.has_ports = false;
  writer.begin("anomaly", {0, 0}, &flow);
  const auto doc = parse_line(writer.end());
  CHECK(std::string(doc["src_ip"].GetString()) == "2001:db8::1");
  CHECK(std::string(doc["dest_ip"].GetString()) == "fe80::a:b:c:d");
  CHECK(std::string(doc["proto"].GetString()) == "IPv6-ICMP");
  CHECK_FALSE(doc.HasMember("src_port"));
  CHECK_FALSE(doc.HasMember("dest_port"));
}

TEST_CASE("vlan ids are written as an array of the tags kept, and omitted without tags") {
  EveWriter writer;
  FlowHeader flow = tcp_flow();
  flow.vlan[0] = 100;
  flow.vlan_count = 1;
  writer.begin("anomaly", {0, 0}, &flow);
  auto doc = parse_line(writer.end());
  REQUIRE(doc["vlan"].IsArray());
  REQUIRE(doc["vlan"].Size() == 1);
  CHECK(doc["vlan"][0].GetUint() == 100);

  flow.vlan[1] = 200;
  flow.vlan_count = 3;  // a third tag was seen but not kept
  writer.begin("anomaly", {0, 0}, &flow);
  doc = parse_line(writer.end());
  REQUIRE(doc["vlan"].Size() == 2);
  CHECK(doc["vlan"][0].GetUint() == 100);
  CHECK(doc["vlan"][1].GetUint() == 200);

  flow.vlan_count = 0;
  writer.begin("anomaly", {0, 0}, &flow);
  CHECK_FALSE(parse_line(writer.end()).HasMember("vlan"));
}

TEST_CASE("proto names follow Suricata, other protocols print their number") {
  char buffer[4];
  CHECK(eve_proto_name(1, buffer) == "ICMP");
  CHECK(eve_proto_name(6, buffer) == "TCP");
  CHECK(eve_proto_name(17, buffer) == "UDP");
  CHECK(eve_proto_name(58, buffer) == "IPv6-ICMP");
  CHECK(eve_proto_name(47, buffer) == "47");
  CHECK(eve_proto_name(255, buffer) == "255");
  CHECK(eve_proto_name(0, buffer) == "0");
}

TEST_CASE("an empty community id is omitted") {
  EveWriter writer;
  FlowHeader flow = tcp_flow();
  flow.community_id = {};
  writer.begin("anomaly", {0, 0}, &flow);
  CHECK_FALSE(parse_line(writer.end()).HasMember("community_id"));
}

TEST_CASE("quotes, backslashes and control characters are escaped and read back unchanged") {
  EveWriter writer;
  const std::string nasty = "say \"hi\"\\ \n\r\t\b\f end\x01\x1f";
  const std::string line(write_test_record(writer, nasty));
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.find('\r') == std::string::npos);
  const auto doc = parse_line(line);
  REQUIRE_FALSE(doc.HasParseError());
  CHECK(std::string(doc["text"].GetString(), doc["text"].GetStringLength()) == nasty);
  CHECK(writer.repaired_strings() == 0);
}

TEST_CASE("embedded NUL bytes survive as \\u0000") {
  EveWriter writer;
  const std::string with_nul("a\0b", 3);
  const std::string line(write_test_record(writer, with_nul));
  CHECK(line.find("a\\u0000b") != std::string::npos);
  const auto doc = parse_line(line);
  CHECK(std::string(doc["text"].GetString(), doc["text"].GetStringLength()) == with_nul);
}

TEST_CASE("valid UTF-8 is written unchanged") {
  EveWriter writer;
  const std::string text = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92";  // café € and a 4-byte emoji
  const std::string line(write_test_record(writer, text));
  CHECK(line.find(text) != std::string::npos);
  CHECK(std::string(parse_line(line)["text"].GetString()) == text);
  CHECK(writer.repaired_strings() == 0);
}

TEST_CASE("bytes that are not UTF-8 still give valid JSON, non-ASCII bytes written as \\xNN text") {
  EveWriter writer;
  struct Case {
    std::string input;
    std::string expected;
  };
  const Case cases[] = {
      {"user\xff", "user\\xff"},                       // a byte that never appears in UTF-8
      {"caf\xc3\xa9\xe9", "caf\\xc3\\xa9\\xe9"},       // Latin-1 after valid UTF-8: the whole string is repaired
      {"\xe2\x82", "\\xe2\\x82"},                      // a sequence cut off by the end of the field
      {"\xc0\xaf", "\\xc0\\xaf"},                      // an overlong '/'
      {"\xed\xa0\x80", "\\xed\\xa0\\x80"},             // a UTF-16 surrogate
      {std::string("\x80\"\n", 3), "\\x80\"\n"},       // a stray continuation byte next to escapes
  };
  std::uint64_t repaired = 0;
  for (const auto& c : cases) {
    const std::string line(write_test_record(writer, c.input));
    const auto doc = parse_line(line);
    INFO(line);
    REQUIRE_FALSE(doc.HasParseError());
    CHECK(std::string(doc["text"].GetString(), doc["text"].GetStringLength()) == c.expected);
    CHECK(writer.repaired_strings() == ++repaired);
  }
}

TEST_CASE("the line stays valid until the next begin and the buffer is reused") {
  EveWriter writer;
  const std::string_view first = write_test_record(writer, "one");
  CHECK(writer.line() == first);
  CHECK(parse_line(first)["text"] == "one");
  const std::string_view second = write_test_record(writer, "two");
  CHECK(parse_line(second)["text"] == "two");
  CHECK(second.data() == first.data());  // same storage: nothing reallocated for a same-size record
  CHECK(writer.records() == 2);
}

namespace {

std::string record_of(EveWriter& writer, core::Timestamp ts, const FlowHeader* flow) {
  writer.begin("test", ts, flow);
  writer.field("text", "x");
  return std::string(writer.end());
}

}  // namespace

// The writer keeps the last second's text and the last flow header's text and copies them into
// later records: every record must read exactly as a writer with nothing kept would format it.
TEST_CASE("records that reuse the kept timestamp and flow header are byte-identical to fresh ones") {
  const FlowHeader tcp = tcp_flow();
  FlowHeader other_community = tcp;
  other_community.community_id = "1:AAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  FlowHeader no_community = tcp;
  no_community.community_id = {};
  FlowHeader tagged = tcp;
  tagged.vlan[0] = 7;
  tagged.vlan_count = 1;
  FlowHeader other_port = tcp;
  other_port.dest_port = 446;
  FlowHeader other_id = tcp;
  other_id.flow_id = 99;  // same fields, another id: the id is written apart from the kept text
  FlowHeader v6 = tcp;
  v6.src_ip = ip("2001:db8::1");
  v6.dest_ip = ip("2001:db8::2");
  FlowHeader icmp = tcp;
  icmp.has_ports = false;
  icmp.ip_protocol = 1;

  struct Step {
    core::Timestamp ts;
    const FlowHeader* flow;
  };
  const std::vector<Step> steps = {
      {{1476605590, 446897000}, &tcp},        {{1476605590, 446897999}, &tcp},  // same microsecond
      {{1476605590, 7000}, &tcp},             {{1476605590, 999999000}, &other_community},
      {{1476605590, 0}, &no_community},       {{1476605591, 0}, &no_community},
      {{1476605591, 1000}, nullptr},          {{1476605591, 2000}, &tagged},
      {{1476605591, 2000}, &other_port},      {{1476605591, 2000}, &other_id},
      {{1476605591, 1999999999}, &v6},        // nanoseconds out of range: formatted in full
      {{1476605591, 3000}, &v6},              {{1476605590, 3000}, &icmp},  // back one second
      {{0, 0}, &icmp},                        {{-1, 500000000}, &tcp},      {{253402300799, 999999000}, &tcp},
      {{253402300800, 1000}, &tcp},           {{253402300800, 2000}, &tcp},  // five-digit year
  };
  EveWriter kept(EveContext{"sensor-1", "", "a.pcap"});
  for (const Step& step : steps) {
    EveWriter fresh(EveContext{"sensor-1", "", "a.pcap"});
    INFO("seconds " << step.ts.seconds << " nanoseconds " << step.ts.nanoseconds);
    CHECK(record_of(kept, step.ts, step.flow) == record_of(fresh, step.ts, step.flow));
  }
}

TEST_CASE("a kept flow header is not used for a flow header that differs only in its community id text") {
  EveWriter writer;
  FlowHeader flow = tcp_flow();
  char community[] = "1:LQU9qZlK+B5F3KDmev6m5PMibrg=";
  flow.community_id = community;
  const std::string first = record_of(writer, {1, 0}, &flow);
  community[2] = 'X';  // the same view, other bytes: the writer must compare text, not pointers
  const std::string second = record_of(writer, {1, 0}, &flow);
  CHECK(first != second);
  CHECK(second.find("\"community_id\":\"1:XQU9") != std::string::npos);
}

TEST_CASE("certificate dates are strftime's UTC text, also when a kept date shares a slot") {
  auto strftime_text = [](std::int64_t seconds) {
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    REQUIRE(gmtime_r(&t, &tm) != nullptr);
    char text[64];
    const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
    return std::string(text, n);
  };
  EveWriter writer;
  // Epoch, a leap day, single-digit fields, the last second of 9999, a year before 1000 and one
  // after 9999 (written by strftime itself), and negative times.
  const std::int64_t dates[] = {0,          951782400,    1709251199, 1234567890,  253402300799, -30610224000,
                                253402300800, -1,         1009843200, 4102444800,  1700000008,   1700000000};
  for (int pass = 0; pass < 2; ++pass) {  // the second pass reads kept texts (1700000000 and ...08 share a slot)
    for (const std::int64_t seconds : dates) CHECK(std::string(writer.utc_date(seconds)) == strftime_text(seconds));
  }
  CHECK(writer.utc_date(1234567890) == "2009-02-13T23:31:30");
}

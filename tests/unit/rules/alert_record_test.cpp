// The EVE alert record: Suricata's alert object, metadata as arrays of strings, the flow header.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include "alert/alert_record.hpp"
#include "rule_test_support.hpp"

using namespace spanwatch;
using namespace spanwatch::rules;
using namespace spanwatch::rules::testing;

namespace {

// Formats every alert it receives as an EVE line and keeps the lines.
class EveSink final : public AlertSink {
 public:
  void on_alert(const Alert& alert) override {
    alert::FlowHeader header;
    header.flow_id = alert.flow->flow_id;
    header.src_ip = alert.flow->client_ip;
    header.dest_ip = alert.flow->server_ip;
    header.src_port = alert.flow->client_port;
    header.dest_port = alert.flow->server_port;
    header.has_ports = true;
    header.ip_protocol = 6;
    lines.emplace_back(alert::format_alert(writer, header, alert));
  }
  alert::EveWriter writer;
  std::vector<std::string> lines;
};

}  // namespace

TEST_CASE("an alert record carries Suricata's alert object with metadata arrays") {
  EveSink sink;
  RuleEvaluator evaluator;
  events::ftp::DataChannel e;
  e.mode = events::ftp::DataMode::active;
  e.command = "PORT";
  e.valid = e.has_address = true;
  e.address = ip("192.168.7.7");
  e.port = 5001;
  REQUIRE(evaluator.evaluate(*shipped_rules(), e, flow("203.0.113.5", "198.51.100.2", 77, 1700000000, 40000, 21), sink) == 1);
  REQUIRE(sink.lines.size() == 1);
  INFO(sink.lines[0]);
  rapidjson::Document doc;
  REQUIRE_FALSE(doc.Parse(sink.lines[0].c_str()).HasParseError());
  CHECK(std::string(doc["event_type"].GetString()) == "alert");
  CHECK(doc["flow_id"].GetUint64() == 77);
  CHECK(std::string(doc["src_ip"].GetString()) == "203.0.113.5");
  CHECK(doc["dest_port"].GetInt() == 21);
  CHECK(std::string(doc["app_proto"].GetString()) == "ftp");
  const auto& a = doc["alert"];
  CHECK(std::string(a["action"].GetString()) == "allowed");
  CHECK(a["gid"].GetInt() == 1);
  CHECK(a["signature_id"].GetUint() == 9100002);
  CHECK(a["rev"].GetInt() == 1);
  CHECK(std::string(a["signature"].GetString()) == "Active FTP NAT mismatch");
  CHECK(std::string(a["category"].GetString()) == "Potentially Bad Traffic");
  CHECK(a["severity"].GetInt() == 2);
  const auto& metadata = a["metadata"];
  for (auto it = metadata.MemberBegin(); it != metadata.MemberEnd(); ++it) {
    REQUIRE(it->value.IsArray());
    for (const auto& v : it->value.GetArray()) CHECK(v.IsString());
  }
  CHECK(std::string(metadata["interpretation"][0].GetString()) == "client behind NAT");
  CHECK(std::string(metadata["mitre_technique_id"][0].GetString()) == "T1090");
  CHECK(a["references"].IsArray());
}

TEST_CASE("an alert record carries the triggering event's app object") {
  EveSink sink;
  RuleEvaluator evaluator;
  events::smb::SessionSetup failure;
  failure.user = "alice";
  failure.status.code = 0xC000006D;
  failure.status.name = "STATUS_LOGON_FAILURE";
  for (int i = 0; i < 5; ++i) evaluator.evaluate(*shipped_rules(), failure, flow("10.0.0.1", "10.0.0.2", 1, 100 + i), sink);
  REQUIRE(sink.lines.size() == 1);
  INFO(sink.lines[0]);
  rapidjson::Document doc;
  REQUIRE_FALSE(doc.Parse(sink.lines[0].c_str()).HasParseError());
  CHECK(doc["alert"]["signature_id"].GetUint() == 9100001);
  CHECK(std::string(doc["app_proto"].GetString()) == "smb");
  REQUIRE(doc.HasMember("smb"));
  CHECK(doc["smb"].IsObject());
  CHECK(std::string(doc["alert"]["metadata"]["failures"][0].GetString()) == "5");
}

#include <cstdlib>
#include <fstream>

#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include "alert/pop3_record.hpp"
#include "line_test_support.hpp"
#include "proto/pop3/parser.hpp"

using namespace spanwatch;

namespace {

class RecordSink final : public events::EventSink {
 public:
  void emit(const events::Event& event) override {
    if (const auto* response = std::get_if<events::pop3::Response>(&event)) {
      writer.begin(alert::eve_event_type(*response), core::Timestamp{1700000000, 0}, nullptr);
      alert::write_eve_object(writer, *response);
      lines.emplace_back(writer.end());
    }
  }
  alert::EveWriter writer;
  std::vector<std::string> lines;
};

}  // namespace

TEST_CASE("pop3 records carry the request and the response as Suricata names them") {
  using proto::testing::client;
  using proto::testing::server;
  proto::pop3::Pop3Parser parser;
  RecordSink sink;
  proto::FeedContext context{sink, {}};
  for (const auto& m : std::vector<proto::testing::Message>{server("+OK ready\r\n"), client("USER joe\r\n"),
                                                            server("+OK\r\n"), client("CAPA\r\n"),
                                                            server("+OK\r\nTOP\r\nUSER\r\n.\r\n"), client("STAT\r\n")}) {
    std::size_t consumed = 0;
    parser.feed(m.direction, core::as_bytes(m.bytes), context, consumed);
  }
  parser.finish(context);
  REQUIRE(sink.lines.size() == 4);
  rapidjson::Document greeting;
  greeting.Parse(sink.lines[0].c_str());
  REQUIRE(greeting.IsObject());
  CHECK_FALSE(greeting["pop3"].HasMember("request"));
  CHECK(greeting["pop3"]["response"]["success"].GetBool());
  CHECK(std::string(greeting["pop3"]["response"]["header"].GetString()) == "ready");
  rapidjson::Document user;
  user.Parse(sink.lines[1].c_str());
  CHECK(std::string(user["pop3"]["request"]["command"].GetString()) == "USER");
  CHECK(std::string(user["pop3"]["request"]["args"][0].GetString()) == "joe");
  CHECK(std::string(user["pop3"]["response"]["status"].GetString()) == "+OK");
  rapidjson::Document capa;
  capa.Parse(sink.lines[2].c_str());
  CHECK(capa["pop3"]["response"]["data"].Size() == 2);
  rapidjson::Document stat;
  stat.Parse(sink.lines[3].c_str());
  CHECK_FALSE(stat["pop3"].HasMember("response"));
  if (const char* dir = std::getenv("SPANWATCH_EVE_SAMPLES")) {
    std::ofstream out(std::string(dir) + "/pop3_records.json");
    for (const auto& line : sink.lines) out << line << "\n";
  }
}

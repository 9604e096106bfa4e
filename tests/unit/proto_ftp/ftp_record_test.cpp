#include <cstdlib>
#include <fstream>

#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include "alert/ftp_record.hpp"
#include "line_test_support.hpp"
#include "proto/ftp/parser.hpp"

using namespace spanwatch;

namespace {

// Writes the ftp record of every Reply the parser emits.
class RecordSink final : public events::EventSink {
 public:
  void emit(const events::Event& event) override {
    if (const auto* reply = std::get_if<events::ftp::Reply>(&event)) {
      writer.begin(alert::eve_event_type(*reply), core::Timestamp{1700000000, 0}, nullptr);
      alert::write_eve_object(writer, *reply);
      lines.emplace_back(writer.end());
    }
  }
  alert::EveWriter writer;
  std::vector<std::string> lines;
};

std::vector<std::string> records_of(const std::vector<proto::testing::Message>& conversation) {
  proto::ftp::FtpParser parser;
  RecordSink sink;
  proto::FeedContext context{sink, {}};
  for (const auto& m : conversation) {
    std::size_t consumed = 0;
    parser.feed(m.direction, core::as_bytes(m.bytes), context, consumed);
  }
  parser.finish(context);
  return sink.lines;
}

}  // namespace

TEST_CASE("ftp records carry Suricata's fields: command, command_data, reply, completion_code, dynamic_port, mode") {
  using proto::testing::client;
  using proto::testing::server;
  const auto lines = records_of({server("220 hi\r\n"), client("PORT 10,0,0,1,4,1\r\n"), server("200 PORT ok\r\n"),
                                 client("RETR \xff\xfe.bin\r\n"), server("150 go\r\n226 done\r\n"), client("QUIT\r\n")});
  REQUIRE(lines.size() == 4);
  rapidjson::Document port;
  port.Parse(lines[1].c_str());
  REQUIRE(port.IsObject());
  CHECK(std::string(port["event_type"].GetString()) == "ftp");
  const auto& ftp = port["ftp"];
  CHECK(std::string(ftp["command"].GetString()) == "PORT");
  CHECK(std::string(ftp["command_data"].GetString()) == "10,0,0,1,4,1");
  CHECK(std::string(ftp["completion_code"][0].GetString()) == "200");
  CHECK(std::string(ftp["reply"][0].GetString()) == "PORT ok");
  CHECK(ftp["dynamic_port"].GetInt() == 1025);
  CHECK(std::string(ftp["mode"].GetString()) == "active");
  CHECK(std::string(ftp["reply_received"].GetString()) == "yes");
  rapidjson::Document retr;
  retr.Parse(lines[2].c_str());
  REQUIRE(retr.IsObject());
  CHECK(retr["ftp"]["completion_code"].Size() == 2);
  rapidjson::Document quit;
  quit.Parse(lines[3].c_str());
  CHECK(std::string(quit["ftp"]["reply_received"].GetString()) == "no");
  CHECK_FALSE(quit["ftp"].HasMember("completion_code"));

  // Validate against Suricata's schema when the tool and schema are there (SPANWATCH_EVE_SAMPLES=dir).
  if (const char* dir = std::getenv("SPANWATCH_EVE_SAMPLES")) {
    std::ofstream out(std::string(dir) + "/ftp_records.json");
    for (const auto& line : lines) out << line << "\n";
  }
}

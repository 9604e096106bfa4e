#include <algorithm>
#include <random>

#include <catch2/catch.hpp>

#include "line_test_support.hpp"
#include "proto/ftp/parser.hpp"

using namespace spanwatch::proto::testing;
using spanwatch::core::Direction;
using spanwatch::proto::FeedContext;
using spanwatch::proto::Verdict;
using spanwatch::proto::ftp::FtpAnomaly;
using spanwatch::proto::ftp::FtpOptions;
using spanwatch::proto::ftp::FtpParser;

namespace {

std::size_t count_prefix(const std::vector<std::string>& events, std::string_view prefix) {
  return static_cast<std::size_t>(
      std::count_if(events.begin(), events.end(), [&](const std::string& e) { return e.rfind(prefix, 0) == 0; }));
}

}  // namespace

TEST_CASE("binary junk on the control connection is reported and detaches the parser") {
  std::mt19937 random(7);
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk.push_back(static_cast<char>(random() & 0xff));
  // Guarantee line ends so the junk is seen as many malformed lines.
  for (std::size_t i = 50; i < junk.size(); i += 50) junk[i] = '\n';
  FtpParser parser;
  const auto events = run(parser, {client(junk)});
  CHECK(events.back() == "verdict stop");
  CHECK(count_prefix(events, "anomaly ftp.not_ftp") == 1);
  CHECK(count_prefix(events, "anomaly ftp.request_malformed") == FtpOptions{}.max_malformed_lines);
  CHECK(parser.anomalies()[FtpAnomaly::not_ftp] == 1);
}

TEST_CASE("a 10 MB line without CRLF is cut at max_line, reported once, and uses no more memory") {
  FtpOptions options;
  options.max_line = 512;
  FtpParser parser(options);
  RecordingSink sink;
  FeedContext context{sink, {}};
  const std::string chunk(64 * 1024, 'A');
  std::size_t consumed = 0;
  const std::string verb = "STOR ";
  parser.feed(Direction::to_server, spanwatch::core::as_bytes(verb), context, consumed);
  for (int i = 0; i < 160; ++i) {  // 10 MiB
    const Verdict v = parser.feed(Direction::to_server, spanwatch::core::as_bytes(chunk), context, consumed);
    REQUIRE(v.want == Verdict::Want::more);
    REQUIRE(consumed == chunk.size());
  }
  CHECK(parser.anomalies()[FtpAnomaly::request_line_too_long] == 1);
  CHECK(count_prefix(sink.lines, "anomaly ftp.request_line_too_long") == 1);
  // The cut line is still a command (truncated); after the terminator, parsing goes on.
  CHECK(count_prefix(sink.lines, "ftp.request") == 1);
  CHECK(sink.lines.back().find("truncated") != std::string::npos);
  const std::string rest = "\r\nNOOP\r\n";
  parser.feed(Direction::to_server, spanwatch::core::as_bytes(rest), context, consumed);
  CHECK(sink.lines.back() == "ftp.request NOOP []");
}

TEST_CASE("reply codes out of range are reported but the transaction goes on") {
  FtpParser parser;
  const auto events = run(parser, {client("USER a\r\n"), server("999 what\r\n"), client("PASS b\r\n"),
                                   server("230 ok\r\n")});
  CHECK(count_prefix(events, "anomaly ftp.reply_code_invalid") == 1);
  CHECK(count_prefix(events, "ftp.reply USER [a] code=999") == 1);
  CHECK(count_prefix(events, "ftp.login") == 1);
}

TEST_CASE("a reply line without a code is reported, never turned into a code") {
  FtpParser parser;
  const auto events = run(parser, {client("USER a\r\n"), server("Password required\r\n331 pw\r\n")});
  CHECK(count_prefix(events, "anomaly ftp.reply_code_missing") == 1);
  CHECK(count_prefix(events, "ftp.reply USER [a] code=331") == 1);
}

TEST_CASE("EPRT with a bad delimiter is an invalid data channel and an anomaly") {
  FtpParser parser;
  const auto events = run(parser, {client("EPRT 1|1|10.0.0.1|2000|\r\n")});
  CHECK(count_prefix(events, "ftp.data_channel active EPRT valid=0") == 1);
  CHECK(count_prefix(events, "anomaly ftp.port_malformed") == 1);
}

TEST_CASE("more unanswered commands than max_pending_commands are flushed without a reply and counted") {
  FtpOptions options;
  options.max_pending_commands = 4;
  FtpParser parser(options);
  std::string many;
  for (int i = 0; i < 10; ++i) many += "NOOP\r\n";
  const auto events = run(parser, {client(many)});
  CHECK(count_prefix(events, "anomaly ftp.too_many_pending_commands") == 6);
  CHECK(count_prefix(events, "ftp.reply NOOP") == 10);
}

TEST_CASE("multi-line replies past max_reply_lines are cut and flagged") {
  FtpOptions options;
  options.max_reply_lines = 3;
  FtpParser parser(options);
  const auto events = run(parser, {client("HELP\r\n"), server("214-a\r\nb\r\nc\r\nd\r\n214 e\r\n")});
  CHECK(count_prefix(events, "anomaly ftp.reply_truncated") == 1);
  CHECK(count_prefix(events, "ftp.reply HELP [] code=214 codes=214, lines=<a><b><c> mode=none port=0 truncated") == 1);
}

// Lost server bytes inside (or just before) a multi-line response: the parser skips to the lone
// "." or to a +OK/-ERR that answers a later command, and never takes a body line for a response.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "line_test_support.hpp"
#include "proto/pop3/parser.hpp"

using namespace spanwatch::proto::testing;
using spanwatch::core::Direction;
using spanwatch::proto::pop3::Pop3Anomaly;
using spanwatch::proto::pop3::Pop3Options;
using spanwatch::proto::pop3::Pop3Parser;

namespace {

struct Session : SessionOf<Pop3Parser> {
  Session() : SessionOf(options_with_test_key<Pop3Options>()) {}
  void server_gap(std::size_t length) { gap(Direction::to_client, length); }
};

// A message whose lines look like POP3: none of them may ever be parsed as a response.
const std::string retr_response =
    "+OK 120 octets\r\nUSER evil\r\n+OK not a response\r\n-ERR nor this\r\n..PASS x\r\nplain text\r\n.\r\n";

bool only_gap_anomalies(const std::vector<std::string>& events) {
  return std::all_of(events.begin(), events.end(), [](const std::string& e) {
    return e.rfind("anomaly", 0) != 0 || e == "anomaly pop3.multi_line_gap" || e == "anomaly pop3.resync_at_response";
  });
}

}  // namespace

TEST_CASE("a gap anywhere in a RETR response never turns its body into responses") {
  for (std::size_t length : {std::size_t{1}, std::size_t{5}, std::size_t{17}, std::size_t{40}}) {
    // The hole ends inside the response: the framer drops the rest of the line it ends in, and a
    // hole ending exactly at the response's end would take QUIT's answer with it.
    for (std::size_t at = 0; at + length < retr_response.size(); ++at) {
      INFO("hole of " << length << " bytes at " << at);
      Session s;
      s.client("RETR 1\r\n");
      s.server(retr_response.substr(0, at));
      s.server_gap(length);
      s.server(retr_response.substr(at + length));
      s.client("QUIT\r\n");
      s.server("+OK bye\r\n");
      const auto events = s.finish();
      const auto responses = matching(events, "pop3.response");
      REQUIRE(responses.size() == 2);
      CHECK(responses[0].rfind("pop3.response RETR [1] ", 0) == 0);
      CHECK(responses[1] == "pop3.response QUIT [] +OK <bye> data= lines=0");
      CHECK(matching(events, "pop3.login").empty());
      CHECK(only_gap_anomalies(events));
      CHECK(s.parser.anomalies()[Pop3Anomaly::multi_line_gap] == 1);
    }
  }
}

TEST_CASE("after a gap the body is skipped to its lone dot, and the next response pairs normally") {
  Session s;
  s.client("RETR 1\r\n");
  s.server("+OK 120 octets\r\nUSER ev");
  s.server_gap(20);
  s.server("il\r\n+OK not a response\r\n.\r\n");
  s.client("STAT\r\n");
  s.server("+OK 2 320\r\n");
  const auto events = s.finish();
  const auto responses = matching(events, "pop3.response");
  REQUIRE(responses.size() == 2);
  // The cut body is flagged; the header seen before the hole is kept.
  CHECK(responses[0] == "pop3.response RETR [1] +OK <120 octets> data= lines=1 truncated");
  CHECK(responses[1] == "pop3.response STAT [] +OK <2 320> data= lines=0");
  CHECK(s.parser.anomalies()[Pop3Anomaly::resync_at_response] == 0);
}

TEST_CASE("when the terminator is lost too, a +OK answering a later command ends the cut response") {
  Session s;
  s.client("LIST\r\n");
  s.server("+OK 3 messages\r\n1 120\r\n2 2");
  s.server_gap(12);  // "00\r\n3 80\r\n.\r\n" minus its last byte
  s.server("\n");
  s.client("UIDL 1\r\n");
  s.server("+OK 1 whqtswO00WBw418f9t5JxYwZ\r\n");
  const auto events = s.finish();
  const auto responses = matching(events, "pop3.response");
  REQUIRE(responses.size() == 2);
  CHECK(responses[0] == "pop3.response LIST [] +OK <3 messages> data=<1 120> lines=1 truncated");
  CHECK(responses[1] == "pop3.response UIDL [1] +OK <1 whqtswO00WBw418f9t5JxYwZ> data= lines=0");
  CHECK(s.parser.anomalies()[Pop3Anomaly::resync_at_response] == 1);
}

TEST_CASE("a +OK in a cut body is not a response while no later command is waiting for one") {
  Session s;
  s.client("RETR 1\r\n");
  s.server("+OK\r\nHello\r\n");
  s.server_gap(100);
  s.server("x\r\n+OK looks like a response\r\n-ERR and so does this\r\n");
  const auto before_next_command = s.sink.lines;
  CHECK(matching(before_next_command, "pop3.response").empty());
  s.client("QUIT\r\n");
  s.server("+OK bye\r\n");
  const auto events = s.finish();
  const auto responses = matching(events, "pop3.response");
  REQUIRE(responses.size() == 2);
  CHECK(responses[0].rfind("pop3.response RETR [1] +OK <> data= lines=", 0) == 0);
  CHECK(responses[1] == "pop3.response QUIT [] +OK <bye> data= lines=0");
}

TEST_CASE("a gap that ate single-line responses and a listing's header skips the listing") {
  Session s;
  s.client("USER a\r\nLIST\r\nQUIT\r\n");  // pipelined
  s.server("+OK\r");
  s.server_gap(16);  // "\n+OK 2 messages\r\n" (the framer also drops the line the hole ended in)
  s.server("1 120\r\n2 200\r\n.\r\n+OK bye\r\n");
  const auto events = s.finish();
  const auto responses = matching(events, "pop3.response");
  REQUIRE(responses.size() == 3);
  // USER's answer and LIST's header were in the hole: both reported without a status.
  CHECK(responses[0] == "pop3.response USER [a]  <> data= lines=0");
  CHECK(responses[1].rfind("pop3.response LIST []  <> data= lines=", 0) == 0);
  CHECK(responses[2] == "pop3.response QUIT [] +OK <bye> data= lines=0");
  CHECK(only_gap_anomalies(events));
}

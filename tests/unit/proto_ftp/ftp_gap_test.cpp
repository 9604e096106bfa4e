// Lost client bytes: commands may be missing, so replies are paired only with commands they fit,
// and no login outcome is ever attached to a user it may not belong to.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "line_test_support.hpp"
#include "proto/ftp/parser.hpp"

using namespace spanwatch::proto::testing;
using spanwatch::core::Direction;
using spanwatch::proto::ftp::FtpAnomaly;
using spanwatch::proto::ftp::FtpOptions;
using spanwatch::proto::ftp::FtpParser;

namespace {

struct Session : SessionOf<FtpParser> {
  Session() : SessionOf(options_with_test_key<FtpOptions>()) {}
  // The hole ends inside a line: the rest of it, up to its CRLF, is what the client sends next.
  void client_gap(std::size_t length) {
    gap(Direction::to_server, length);
    client("ail of a lost line\r\n");
  }
};

}  // namespace

TEST_CASE("a PASS after a client gap never inherits the user from before the gap") {
  Session s;
  s.client("USER alice\r\n");
  s.server("331 pw\r\n");
  s.client("PASS wrong\r\n");
  s.server("530 Login incorrect.\r\n");
  s.client_gap(15);  // "USER bob\r\n" and more were lost
  s.client("PASS bobs-secret\r\n");
  s.server("331 pw\r\n230 Login successful.\r\n");  // the 331 answers the lost USER
  const auto events = s.finish();
  const auto logins = matching(events, "ftp.login");
  REQUIRE(logins.size() == 2);
  CHECK(logins[0].find("user=alice ") != std::string::npos);
  CHECK(logins[0].find("outcome=failure code=530") != std::string::npos);
  CHECK(logins[1].rfind("ftp.login user= password_seen=1", 0) == 0);
  CHECK(logins[1].find("alice") == std::string::npos);
  // The 331 fits no PASS: reported as the answer to a lost command; the 230 pairs with PASS.
  CHECK(matching(events, "ftp.reply  [] code=331").size() == 1);
  CHECK(matching(events, "ftp.reply PASS [" + masked("bobs-secret") + "] code=230").size() == 1);
  CHECK(s.parser.anomalies()[FtpAnomaly::request_gap] == 1);
  CHECK(s.parser.anomalies()[FtpAnomaly::reply_to_lost_command] == 1);
}

TEST_CASE("replies paired only because their code fits give no login outcome") {
  Session s;
  s.client("NOOP\r\n");
  s.client_gap(40);  // "PASS ...\r\n" of a login in progress, say
  s.client("USER bob\r\n");
  s.server("200 NOOP ok.\r\n530 Login incorrect.\r\n331 pw\r\n");
  s.client("PASS x\r\n");
  s.server("230 ok\r\n");
  const auto events = s.finish();
  // NOOP was sent before the gap: its reply still pairs in order.
  CHECK(matching(events, "ftp.reply NOOP [] code=200").size() == 1);
  // 530 fits USER as well as the lost command: USER bob gets no failure from it.
  const auto logins = matching(events, "ftp.login");
  REQUIRE(!logins.empty());
  CHECK(logins[0].rfind("ftp.login user=bob ", 0) == 0);
  CHECK(logins[0].find("outcome=unknown code=530") != std::string::npos);
  CHECK(matching(events, "ftp.login user=bob password_seen=0 masked= clear= anonymous=0 guest=0 outcome=failure").empty());
}

TEST_CASE("once the client's commands are all answered, pairing is certain again") {
  Session s;
  s.client_gap(10);
  s.client("SYST\r\n");
  s.server("215 UNIX Type: L8\r\n");
  s.client("USER carol\r\n");
  s.server("331 pw\r\n");
  s.client("PASS c\r\n");
  s.server("530 Login incorrect.\r\n");
  const auto events = s.finish();
  const auto logins = matching(events, "ftp.login");
  REQUIRE(logins.size() == 1);
  CHECK(logins[0].rfind("ftp.login user=carol password_seen=1", 0) == 0);
  CHECK(logins[0].find("outcome=failure code=530") != std::string::npos);
}

TEST_CASE("a 227 to a lost PASV is not given to the command waiting next") {
  Session s;
  s.client("TYPE I\r\n");
  s.server("200 Switching to Binary mode.\r\n");
  s.client_gap(6);  // "PASV\r\n"
  s.client("LIST\r\n");
  s.server("227 Entering Passive Mode (10,0,0,2,117,48).\r\n150 Here comes the listing.\r\n226 Directory send OK.\r\n");
  const auto events = s.finish();
  CHECK(matching(events, "ftp.data_channel passive PASV valid=1 10.0.0.2:30000").size() == 1);
  CHECK(matching(events, "ftp.reply  [] code=227").size() == 1);
  const auto list = matching(events, "ftp.reply LIST");
  REQUIRE(list.size() == 1);
  CHECK(list[0].find("code=226 codes=150,226,") != std::string::npos);
  CHECK(list[0].find("mode=none port=0") != std::string::npos);
}

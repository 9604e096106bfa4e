#include <algorithm>

#include <catch2/catch.hpp>

#include "line_test_support.hpp"
#include "proto/ftp/parser.hpp"

using namespace spanwatch::proto::testing;
using spanwatch::proto::ftp::FtpOptions;
using spanwatch::proto::ftp::FtpParser;

namespace {

FtpOptions options_with_key() { return options_with_test_key<FtpOptions>(); }

std::vector<std::string> events_of(const std::vector<Message>& conversation, const FtpOptions& options = options_with_key()) {
  return events_all_ways<FtpParser>(conversation, options);
}

}  // namespace

TEST_CASE("a USER/PASS login reports the user, a masked password and success from 230") {
  const auto events = events_of({server("220 (vsFTPd 3.0.3)\r\n"), client("USER alice\r\n"),
                                 server("331 Please specify the password.\r\n"), client("PASS s3cret!\r\n"),
                                 server("230 Login successful.\r\n"), client("QUIT\r\n"), server("221 Goodbye.\r\n")});
  const auto logins = matching(events, "ftp.login");
  REQUIRE(logins.size() == 1);
  CHECK(logins[0] == "ftp.login user=alice password_seen=1 masked=" + masked("s3cret!") +
                         " clear= anonymous=0 guest=0 outcome=success code=230 account=0");
  CHECK(masked("s3cret!").rfind("len=7 hmac=", 0) == 0);
  for (const auto& e : events) CHECK(e.find("s3cret!") == std::string::npos);
  const auto replies = matching(events, "ftp.reply");
  REQUIRE(replies.size() == 4);
  CHECK(replies[0] == "ftp.reply  [] code=220 codes=220, lines=<(vsFTPd 3.0.3)> mode=none port=0");
  CHECK(replies[2] == "ftp.reply PASS [" + masked("s3cret!") + "] code=230 codes=230, lines=<Login successful.> mode=none port=0");
}

TEST_CASE("lab mode hands out the cleartext password") {
  FtpOptions options = options_with_key();
  options.credentials.log_cleartext = true;
  const auto events = events_of({client("USER bob\r\n"), server("331 pw\r\n"), client("PASS hunter2\r\n"), server("230 ok\r\n")},
                                options);
  const auto logins = matching(events, "ftp.login");
  REQUIRE(logins.size() == 1);
  CHECK(logins[0].find("clear=hunter2") != std::string::npos);
}

TEST_CASE("a rejected password is a failed login with the 530 code") {
  const auto events = events_of({client("USER alice\r\n"), server("331 pw\r\n"), client("PASS wrong\r\n"),
                                 server("530 Login incorrect.\r\n")});
  const auto logins = matching(events, "ftp.login");
  REQUIRE(logins.size() == 1);
  CHECK(logins[0].find("outcome=failure code=530") != std::string::npos);
}

TEST_CASE("anonymous and ftp users are anonymous; a USER accepted without PASS is a login without password") {
  const auto events = events_of({client("USER ftp\r\n"), server("230 Login successful.\r\n")});
  const auto logins = matching(events, "ftp.login");
  REQUIRE(logins.size() == 1);
  CHECK(logins[0] == "ftp.login user=ftp password_seen=0 masked= clear= anonymous=1 guest=0 outcome=success code=230 account=0");
  const auto guest = matching(events_of({client("user guest\r\n"), server("331 pw\r\n"), client("pass x\r\n"),
                                         server("230 ok\r\n")}),
                              "ftp.login");
  REQUIRE(guest.size() == 1);
  CHECK(guest[0].find("guest=1") != std::string::npos);
}

TEST_CASE("332 after PASS waits for ACCT, whose reply decides the login") {
  const auto events = events_of({client("USER a\r\n"), server("331 pw\r\n"), client("PASS p\r\n"),
                                 server("332 need account\r\n"), client("ACCT acme\r\n"), server("230 ok\r\n")});
  const auto logins = matching(events, "ftp.login");
  REQUIRE(logins.size() == 1);
  CHECK(logins[0].find("outcome=success code=230 account=1") != std::string::npos);
  CHECK(matching(events, "ftp.request ACCT")[0] == "ftp.request ACCT [" + masked("acme") + "]");
}

TEST_CASE("a PASS without any reply is still reported, with an unknown outcome, at the end of the flow") {
  const auto events = events_of({client("USER anonymous\r\nPASS me@example.com\r\n")});
  const auto logins = matching(events, "ftp.login");
  REQUIRE(logins.size() == 1);
  CHECK(logins[0].find("password_seen=1") != std::string::npos);
  CHECK(logins[0].find("outcome=unknown") != std::string::npos);
  // Both commands still make a transaction record, without a reply.
  CHECK(matching(events, "ftp.reply").size() == 2);
}

TEST_CASE("pipelined commands are answered in order") {
  const auto events = events_of({client("USER a\r\nPASS b\r\nSYST\r\nPWD\r\n"),
                                 server("331 pw\r\n230 ok\r\n215 UNIX Type: L8\r\n257 \"/\"\r\n")});
  const auto replies = matching(events, "ftp.reply");
  REQUIRE(replies.size() == 4);
  CHECK(replies[0].rfind("ftp.reply USER [a] code=331", 0) == 0);
  CHECK(replies[1].rfind("ftp.reply PASS", 0) == 0);
  CHECK(replies[2].rfind("ftp.reply SYST [] code=215", 0) == 0);
  CHECK(replies[3].rfind("ftp.reply PWD [] code=257", 0) == 0);
  CHECK(matching(events, "ftp.login")[0].find("outcome=success") != std::string::npos);
}

TEST_CASE("a multi-line reply is one transaction, and only its closing line ends it") {
  const auto events = events_of({client("FEAT\r\n"),
                                 server("211-Features:\r\n EPRT\r\n 230 not a code here\r\n211-still inside\r\n211 End\r\n"),
                                 client("NOOP\r\n"), server("200 ok\r\n")});
  const auto replies = matching(events, "ftp.reply");
  REQUIRE(replies.size() == 2);
  CHECK(replies[0] == "ftp.reply FEAT [] code=211 codes=211, lines=<Features:>< EPRT>< 230 not a code here><still inside><End> "
                      "mode=none port=0");
  CHECK(replies[1].rfind("ftp.reply NOOP", 0) == 0);
}

TEST_CASE("preliminary 150 and final 226 replies form one transaction") {
  const auto events = events_of({client("RETR file.txt\r\n"), server("150 Opening BINARY mode\r\n"),
                                 server("226 Transfer complete\r\n")});
  const auto replies = matching(events, "ftp.reply");
  REQUIRE(replies.size() == 1);
  CHECK(replies[0] == "ftp.reply RETR [file.txt] code=226 codes=150,226, lines=<Opening BINARY mode><Transfer complete> "
                      "mode=none port=0");
}

TEST_CASE("PORT, EPRT and LPRT announce active data channels; their reply carries the port") {
  const auto events = events_of({client("PORT 192,168,1,100,200,100\r\n"), server("200 PORT ok\r\n"),
                                 client("eprt |2|fd00:10:16:1::3|40467|\r\n"), server("200 EPRT ok\r\n"),
                                 client("LPRT 4,4,10,0,0,7,2,4,1\r\n"), server("200 ok\r\n")});
  const auto channels = matching(events, "ftp.data_channel");
  REQUIRE(channels.size() == 3);
  CHECK(channels[0] == "ftp.data_channel active PORT valid=1 192.168.1.100:51300");
  CHECK(channels[1] == "ftp.data_channel active EPRT valid=1 fd00:10:16:1::3:40467");
  CHECK(channels[2] == "ftp.data_channel active LPRT valid=1 10.0.0.7:1025");
  CHECK(matching(events, "ftp.reply")[0].find("mode=active port=51300") != std::string::npos);
}

TEST_CASE("227 and 229 replies announce passive data channels") {
  const auto events = events_of({client("PASV\r\n"), server("227 Entering Passive Mode (10,0,0,2,195,80).\r\n"),
                                 client("EPSV\r\n"), server("229 Entering Extended Passive Mode (|||6446|)\r\n")});
  const auto channels = matching(events, "ftp.data_channel");
  REQUIRE(channels.size() == 2);
  CHECK(channels[0] == "ftp.data_channel passive PASV valid=1 10.0.0.2:50000");
  CHECK(channels[1] == "ftp.data_channel passive EPSV valid=1 -:6446");
  const auto replies = matching(events, "ftp.reply");
  CHECK(replies[0].find("mode=passive port=50000") != std::string::npos);
  CHECK(replies[1].find("mode=passive port=6446") != std::string::npos);
}

TEST_CASE("a malformed PORT is reported invalid with an anomaly, never guessed") {
  const auto events = events_of({client("PORT 114,115\r\n"), server("500 Illegal PORT command.\r\n")});
  CHECK(matching(events, "ftp.data_channel") == std::vector<std::string>{"ftp.data_channel active PORT valid=0"});
  CHECK(matching(events, "anomaly ftp.port_malformed").size() == 1);
}

TEST_CASE("AUTH TLS accepted with 234 hands the rest of the flow to TLS right after the reply line") {
  const std::string tls_bytes = "\x16\x03\x01\x00\x05hello";
  const auto events = events_of({server("220 ready\r\n"), client("AUTH TLS\r\n"),
                                 server("234 Proceed with negotiation.\r\n" + tls_bytes)});
  REQUIRE(!events.empty());
  CHECK(events.back() == "verdict switch tls at 31");
  CHECK(matching(events, "ftp.reply AUTH").size() == 1);
}

TEST_CASE("a refused AUTH keeps the connection in clear") {
  const auto events = events_of({client("AUTH SSL\r\n"), server("534 Policy denied\r\n"), client("USER a\r\n"),
                                 server("331 pw\r\n"), client("PASS b\r\n"), server("230 ok\r\n")});
  CHECK(std::none_of(events.begin(), events.end(), [](const std::string& e) { return e.rfind("verdict", 0) == 0; }));
  const auto logins = matching(events, "ftp.login");
  REQUIRE(logins.size() == 1);
  CHECK(logins[0].find("outcome=success") != std::string::npos);
}

TEST_CASE("PROT, PBSZ and CCC are ordinary commands with replies") {
  const auto events = events_of({client("PBSZ 0\r\nPROT P\r\nCCC\r\n"), server("200 ok\r\n200 ok\r\n200 ok\r\n")});
  CHECK(matching(events, "ftp.reply").size() == 3);
  CHECK(matching(events, "anomaly").empty());
}

TEST_CASE("after a gap in the replies the parser resynchronises at the next line") {
  FtpParser parser(options_with_key());
  RecordingSink sink;
  spanwatch::proto::FeedContext context{sink, {}};
  std::size_t consumed = 0;
  const std::string first = "USER a\r\nPASS b\r\n";
  parser.feed(spanwatch::core::Direction::to_server, spanwatch::core::as_bytes(first), context, consumed);
  const std::string partial = "331 Pass";
  parser.feed(spanwatch::core::Direction::to_client, spanwatch::core::as_bytes(partial), context, consumed);
  parser.gap(spanwatch::core::Direction::to_client, 100, context);
  const std::string after = "word required\r\n230 ok\r\n";
  parser.feed(spanwatch::core::Direction::to_client, spanwatch::core::as_bytes(after), context, consumed);
  // The login's outcome may have been in the hole: it is reported unknown, once.
  const auto logins = matching(sink.lines, "ftp.login");
  REQUIRE(logins.size() == 1);
  CHECK(logins[0].find("outcome=unknown") != std::string::npos);
  // "word required" (the cut line's tail) is skipped, "230 ok" is parsed.
  CHECK(matching(sink.lines, "anomaly ftp.reply_code_missing").empty());
  CHECK(matching(sink.lines, "ftp.reply USER [a] code=230").size() == 1);
}

TEST_CASE("a USER accepted with 230 and followed by PASS is one login with the password") {
  const auto events = events_of({client("USER zeek\r\n"), server("230 USER OK\r\n"), client("PASS zeek\r\n"),
                                 server("230 PASS OK\r\n"), client("QUIT\r\n"), server("221 Bye\r\n")});
  const auto logins = matching(events, "ftp.login");
  REQUIRE(logins.size() == 1);
  CHECK(logins[0].find("user=zeek password_seen=1") != std::string::npos);
  CHECK(logins[0].find("outcome=success code=230") != std::string::npos);
}

TEST_CASE("a 220 greeting seen after the client's first commands answers none of them") {
  const auto events = events_of({client("USER anonymous\r\nPASS a@b\r\n"), server("220 ready\r\n331 pw\r\n230 in\r\n")});
  const auto logins = matching(events, "ftp.login");
  REQUIRE(logins.size() == 1);
  CHECK(logins[0].find("outcome=success code=230") != std::string::npos);
  CHECK(matching(events, "ftp.reply  [] code=220").size() == 1);
}

TEST_CASE("text lines without a code do not detach the parser; binary ones do") {
  std::string banner;
  for (int i = 0; i < 40; ++i) banner += " ** a line of a banner without a code **\r\n";
  const auto events = events_of({client("USER a\r\n"), server(banner + "331 pw\r\n")});
  CHECK(std::none_of(events.begin(), events.end(), [](const std::string& e) { return e == "verdict stop"; }));
  CHECK(matching(events, "ftp.reply USER [a] code=331").size() == 1);
}

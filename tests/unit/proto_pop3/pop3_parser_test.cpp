#include <algorithm>

#include <catch2/catch.hpp>

#include "line_test_support.hpp"
#include "proto/pop3/parser.hpp"

using namespace spanwatch::proto::testing;
using spanwatch::proto::pop3::Pop3Options;
using spanwatch::proto::pop3::Pop3Parser;

namespace {

Pop3Options options_with_key() { return options_with_test_key<Pop3Options>(); }

std::vector<std::string> events_of(const std::vector<Message>& conversation, const Pop3Options& options = options_with_key()) {
  return events_all_ways<Pop3Parser>(conversation, options);
}

}  // namespace

TEST_CASE("USER/PASS login with +OK is a successful cleartext login, password masked") {
  const auto events = events_of({server("+OK POP3 ready\r\n"), client("USER joe\r\n"), server("+OK\r\n"),
                                 client("PASS secret\r\n"), server("+OK logged in\r\n")});
  const auto logins = matching(events, "pop3.login");
  REQUIRE(logins.size() == 1);
  CHECK(logins[0] == "pop3.login USER/PASS user=joe secret_seen=1 in_clear=1 masked=" + masked("secret") +
                         " clear= outcome=success cleartext=1");
  for (const auto& e : events) CHECK(e.find("secret ") == std::string::npos);
  CHECK(matching(events, "pop3.response")[0] == "pop3.response  [] +OK <POP3 ready> data= lines=0");
}

TEST_CASE("a rejected PASS is a failed login; pipelined USER and PASS are matched in order") {
  const auto events = events_of({client("USER joe\r\nPASS bad\r\n"), server("+OK\r\n-ERR [AUTH] no\r\n")});
  const auto logins = matching(events, "pop3.login");
  REQUIRE(logins.size() == 1);
  CHECK(logins[0].find("outcome=failure") != std::string::npos);
}

TEST_CASE("APOP is its own mechanism: a digest, not a cleartext password") {
  const auto events = events_of({client("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"), server("+OK maildrop\r\n")});
  const auto logins = matching(events, "pop3.login");
  REQUIRE(logins.size() == 1);
  CHECK(logins[0].rfind("pop3.login APOP user=mrose secret_seen=1 in_clear=0", 0) == 0);
  CHECK(logins[0].find("outcome=success") != std::string::npos);
}

TEST_CASE("AUTH PLAIN by continuation gives the authentication identity; the first attempt may fail") {
  // "\0digitalinvestigator@networksims.com\0napier123"
  const std::string response = "AGRpZ2l0YWxpbnZlc3RpZ2F0b3JAbmV0d29ya3NpbXMuY29tAG5hcGllcjEyMw==";
  const auto events = events_of({client("AUTH PLAIN\r\n"), server("+ \r\n"), client(response + "\r\n"),
                                 server("-ERR authentication failed\r\n"), client("AUTH PLAIN\r\n"), server("+ \r\n"),
                                 client(response + "\r\n"), server("+OK welcome\r\n")});
  const auto logins = matching(events, "pop3.login");
  REQUIRE(logins.size() == 2);
  CHECK(logins[0] == "pop3.login AUTH PLAIN user=digitalinvestigator@networksims.com secret_seen=1 in_clear=1 masked=" +
                         masked("napier123") + " clear= outcome=failure cleartext=1");
  CHECK(logins[1].find("outcome=success") != std::string::npos);
  // The SASL line is not a command.
  CHECK(matching(events, "pop3.request").size() == 2);
  CHECK(matching(events, "anomaly").empty());
}

TEST_CASE("AUTH PLAIN with an initial response masks it in the request") {
  const std::string response = "AHRpbQB0YW5zdGFhZnRhbnN0YWFm";  // "\0tim\0tanstaaftanstaaf"
  const auto events = events_of({client("AUTH PLAIN " + response + "\r\n"), server("+OK\r\n")});
  CHECK(matching(events, "pop3.request")[0] == "pop3.request AUTH [PLAIN " + masked(response) + "]");
  CHECK(matching(events, "pop3.login")[0].find("user=tim secret_seen=1") != std::string::npos);
}

TEST_CASE("AUTH LOGIN takes the user and the password in two continuation steps") {
  const auto events = events_of({client("AUTH LOGIN\r\n"), server("+ VXNlcm5hbWU6\r\n"), client("dGlt\r\n"),
                                 server("+ UGFzc3dvcmQ6\r\n"), client("cGFzcw==\r\n"), server("+OK\r\n")});
  const auto logins = matching(events, "pop3.login");
  REQUIRE(logins.size() == 1);
  CHECK(logins[0] == "pop3.login AUTH LOGIN user=tim secret_seen=1 in_clear=1 masked=" + masked("pass") +
                         " clear= outcome=success cleartext=1");
}

TEST_CASE("AUTH XOAUTH2 reveals a bearer token in clear") {
  // "user=joe.speedboat\x01auth=Bearer ya29.token\x01\x01"
  const std::string ir = "dXNlcj1qb2Uuc3BlZWRib2F0AWF1dGg9QmVhcmVyIHlhMjkudG9rZW4BAQ==";
  const auto events = events_of({client("AUTH XOAUTH2 " + ir + "\r\n"), server("+OK Welcome.\r\n")});
  const auto logins = matching(events, "pop3.login");
  REQUIRE(logins.size() == 1);
  CHECK(logins[0] == "pop3.login AUTH XOAUTH2 user=joe.speedboat secret_seen=1 in_clear=1 masked=" + masked("ya29.token") +
                         " clear= outcome=success cleartext=1");
}

TEST_CASE("AUTH CRAM-MD5 sends a digest, not the password") {
  // "tim b913a602c7eda7a495b4e6e7334d3890"
  const auto events = events_of({client("AUTH CRAM-MD5\r\n"), server("+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+\r\n"),
                                 client("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\r\n"), server("-ERR no\r\n")});
  const auto logins = matching(events, "pop3.login");
  REQUIRE(logins.size() == 1);
  CHECK(logins[0].rfind("pop3.login AUTH CRAM-MD5 user=tim secret_seen=1 in_clear=0", 0) == 0);
  CHECK(logins[0].find("outcome=failure") != std::string::npos);
}

TEST_CASE("truncated base64 in a SASL response is an anomaly, not a secret") {
  const auto events = events_of({client("AUTH PLAIN\r\n"), server("+ \r\n"), client("AGRpZ2l0YWxp\x21\r\n"),
                                 server("-ERR\r\n"), client("AUTH PLAIN AGRpZ2l\r\n"), server("-ERR\r\n")});
  CHECK(matching(events, "anomaly pop3.sasl_base64_invalid").size() == 2);
  CHECK(matching(events, "pop3.login").empty());
}

TEST_CASE("multi-line responses end at a lone dot, are unstuffed, and their lines are never commands") {
  const auto events = events_of({client("CAPA\r\n"), server("+OK Capability list follows\r\nUSER\r\nSASL PLAIN\r\n.\r\n"),
                                 client("RETR 1\r\n"),
                                 server("+OK 120 octets\r\nUSER evil\r\n..PASS x\r\n-ERR inside the mail\r\n.\r\n"),
                                 client("QUIT\r\n"), server("+OK bye\r\n")});
  const auto responses = matching(events, "pop3.response");
  REQUIRE(responses.size() == 3);
  CHECK(responses[0] == "pop3.response CAPA [] +OK <Capability list follows> data=<USER><SASL PLAIN> lines=2");
  CHECK(responses[1] == "pop3.response RETR [1] +OK <120 octets> data= lines=3");
  CHECK(responses[2] == "pop3.response QUIT [] +OK <bye> data= lines=0");
  CHECK(matching(events, "pop3.login").empty());
  CHECK(matching(events, "anomaly").empty());
}

TEST_CASE("LIST with an argument is a single-line response") {
  const auto events = events_of({client("LIST 1\r\n"), server("+OK 1 120\r\n"), client("LIST\r\n"),
                                 server("+OK 1 messages\r\n1 120\r\n.\r\n")});
  const auto responses = matching(events, "pop3.response");
  REQUIRE(responses.size() == 2);
  CHECK(responses[1] == "pop3.response LIST [] +OK <1 messages> data=<1 120> lines=1");
}

TEST_CASE("STLS accepted switches to TLS right after the +OK line; refused STLS stays in clear") {
  const auto accepted = events_of({client("STLS\r\n"), server("+OK Begin TLS\r\n\x16\x03\x01")});
  CHECK(matching(accepted, "pop3.starttls") == std::vector<std::string>{"pop3.starttls accepted=1"});
  CHECK(accepted.back() == "verdict switch tls at 15");
  const auto refused = events_of({client("STLS\r\n"), server("-ERR not now\r\n"), client("USER a\r\n"), server("+OK\r\n")});
  CHECK(matching(refused, "pop3.starttls") == std::vector<std::string>{"pop3.starttls accepted=0"});
  CHECK(std::none_of(refused.begin(), refused.end(), [](const std::string& e) { return e.rfind("verdict", 0) == 0; }));
}

TEST_CASE("a PASS never answered is reported with an unknown outcome at the end") {
  const auto events = events_of({client("USER a\r\nPASS b\r\n")});
  const auto logins = matching(events, "pop3.login");
  REQUIRE(logins.size() == 1);
  CHECK(logins[0].find("outcome=unknown") != std::string::npos);
}

TEST_CASE("binary junk detaches the POP3 parser; over-long lines are bounded") {
  Pop3Options options;
  options.max_line = 256;
  Pop3Parser parser(options);
  std::string junk;
  for (int i = 0; i < 40; ++i) junk += "\x01\x02\xff garbage\r\n";
  const auto events = run(parser, {server(junk)});
  CHECK(events.back() == "verdict stop");
  CHECK(matching(events, "anomaly pop3.not_pop3").size() == 1);
  const auto long_line = run(parser, {client("NOOP " + std::string(100000, 'x') + "\r\nNOOP\r\n")});
  CHECK(matching(long_line, "anomaly pop3.request_line_too_long").size() == 1);
  CHECK(matching(long_line, "pop3.request NOOP [] ").size() + matching(long_line, "pop3.request NOOP []").size() >= 1);
}

TEST_CASE("a parser that detaches first reports the login it still held") {
  Pop3Parser parser(options_with_key());
  std::string junk;
  for (int i = 0; i < 20; ++i) junk += "\x01\x02 junk\r\n";
  const auto events = run(parser, {client("USER a\r\nPASS b\r\n"), server(junk)});
  CHECK(events.back() == "verdict stop");
  const auto logins = matching(events, "pop3.login");
  REQUIRE(logins.size() == 1);
  CHECK(logins[0].find("outcome=unknown") != std::string::npos);
}

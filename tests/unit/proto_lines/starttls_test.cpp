#include <algorithm>

#include <catch2/catch.hpp>

#include "line_test_support.hpp"
#include "proto/starttls/parser.hpp"
#include "proto/starttls/probe.hpp"

using namespace spanwatch::proto::testing;
using spanwatch::core::as_bytes;
using spanwatch::core::Direction;
using spanwatch::proto::ProbeResult;
using spanwatch::proto::starttls::ImapParser;
using spanwatch::proto::starttls::SmtpParser;

namespace {

template <class Parser>
std::vector<std::string> events_of(const std::vector<Message>& conversation) {
  Parser parser;
  return run_all_ways(parser, conversation, [](bool same, const char* how) {
    INFO(how);
    CHECK(same);
  });
}

}  // namespace

TEST_CASE("SMTP STARTTLS answered 220 hands off to TLS right after the reply") {
  const auto events = events_of<SmtpParser>({server("220 mx ESMTP\r\n"), client("EHLO me\r\n"),
                                             server("250-mx\r\n250-STARTTLS\r\n250 8BITMIME\r\n"), client("STARTTLS\r\n"),
                                             server("220 2.0.0 Ready to start TLS\r\n\x16\x03\x01")});
  CHECK(events == std::vector<std::string>{"verdict switch tls at 30"});
}

TEST_CASE("SMTP AUTH is not reported as any login, and a refused STARTTLS stays in clear") {
  const auto events = events_of<SmtpParser>({server("220 mx ESMTP\r\n"), client("AUTH LOGIN\r\n"),
                                             server("334 VXNlcm5hbWU6\r\n"), client("dGlt\r\n"), server("334 UGFzc3dvcmQ6\r\n"),
                                             client("cGFzcw==\r\n"), server("235 ok\r\n"), client("STARTTLS\r\n"),
                                             server("454 TLS not available\r\n"), client("MAIL FROM:<a@b>\r\n"),
                                             server("250 ok\r\n")});
  CHECK(events.empty());
}

TEST_CASE("a 220 inside a mail body is not a STARTTLS answer") {
  const auto events = events_of<SmtpParser>({client("DATA\r\n"), server("354 go\r\n"),
                                             client("STARTTLS\r\n.\r\n"), server("250 queued\r\n220 x\r\n")});
  CHECK(events.empty());
}

TEST_CASE("IMAP STARTTLS answered OK with its tag hands off to TLS") {
  const auto events = events_of<ImapParser>({server("* OK IMAP4rev1 ready\r\n"), client("a1 CAPABILITY\r\n"),
                                             server("* CAPABILITY IMAP4rev1 STARTTLS\r\na1 OK done\r\n"),
                                             client("a2 STARTTLS\r\n"), server("a2 OK Begin TLS\r\n\x16\x03")});
  CHECK(events == std::vector<std::string>{"verdict switch tls at 17"});
  const auto refused = events_of<ImapParser>({client("a2 starttls\r\n"), server("a2 NO no\r\n"), client("a3 LOGIN a b\r\n"),
                                              server("a3 OK\r\n")});
  CHECK(refused.empty());
}

TEST_CASE("SMTP and IMAP probes recognise greetings and commands") {
  using spanwatch::proto::starttls::probe_imap;
  using spanwatch::proto::starttls::probe_smtp;
  CHECK(probe_smtp(Direction::to_client, as_bytes("220 mx.example.com ESMTP Postfix\r\n")) == ProbeResult::yes);
  CHECK(probe_smtp(Direction::to_client, as_bytes("220 Welcome\r\n")) == ProbeResult::maybe);
  CHECK(probe_smtp(Direction::to_client, as_bytes("220 FTP ready\r\n")) == ProbeResult::no);
  CHECK(probe_smtp(Direction::to_server, as_bytes("EHLO client\r\n")) == ProbeResult::yes);
  CHECK(probe_smtp(Direction::to_server, as_bytes("USER x\r\n")) == ProbeResult::no);
  CHECK(probe_imap(Direction::to_client, as_bytes("* OK [CAPABILITY IMAP4rev1] ready\r\n")) == ProbeResult::yes);
  CHECK(probe_imap(Direction::to_client, as_bytes("+OK pop\r\n")) == ProbeResult::no);
  CHECK(probe_imap(Direction::to_server, as_bytes("a001 LOGIN joe x\r\n")) == ProbeResult::yes);
  CHECK(probe_imap(Direction::to_server, as_bytes("USER joe\r\n")) == ProbeResult::no);
}

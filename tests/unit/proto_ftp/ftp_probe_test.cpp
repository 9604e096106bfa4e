#include <catch2/catch.hpp>

#include "core/bytes.hpp"
#include "proto/ftp/probe.hpp"

using spanwatch::core::as_bytes;
using spanwatch::core::Direction;
using spanwatch::proto::ProbeResult;
using spanwatch::proto::ftp::probe_ftp;

TEST_CASE("an FTP banner is FTP; an SMTP banner is not; a bare 220 banner is maybe") {
  CHECK(probe_ftp(Direction::to_client, as_bytes("220 (vsFTPd 3.0.3)\r\n")) == ProbeResult::yes);
  CHECK(probe_ftp(Direction::to_client, as_bytes("220 mail.example.com ESMTP Postfix\r\n")) == ProbeResult::no);
  CHECK(probe_ftp(Direction::to_client, as_bytes("220 Welcome\r\n")) == ProbeResult::maybe);
  CHECK(probe_ftp(Direction::to_client, as_bytes("22")) == ProbeResult::maybe);
  CHECK(probe_ftp(Direction::to_client, as_bytes("+OK POP3 ready\r\n")) == ProbeResult::no);
}

TEST_CASE("FTP-only commands are FTP in any case; shared ones are maybe") {
  CHECK(probe_ftp(Direction::to_server, as_bytes("feat\r\n")) == ProbeResult::yes);
  CHECK(probe_ftp(Direction::to_server, as_bytes("AUTH TLS\r\n")) == ProbeResult::yes);
  CHECK(probe_ftp(Direction::to_server, as_bytes("EPRT |1|1.2.3.4|5|\r\n")) == ProbeResult::yes);
  CHECK(probe_ftp(Direction::to_server, as_bytes("USER bob\r\n")) == ProbeResult::maybe);
  CHECK(probe_ftp(Direction::to_server, as_bytes("AUTH PLAIN\r\n")) == ProbeResult::no);
  CHECK(probe_ftp(Direction::to_server, as_bytes("EHLO x\r\n")) == ProbeResult::no);
  CHECK(probe_ftp(Direction::to_server, as_bytes("\x16\x03\x01")) == ProbeResult::no);
  CHECK(probe_ftp(Direction::to_server, as_bytes("SY")) == ProbeResult::maybe);
}

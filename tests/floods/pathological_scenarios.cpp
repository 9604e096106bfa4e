// Pathological sessions, each followed by an ordinary one whose detections the tests check.
#include <algorithm>
#include <string>

#include "dialogue.hpp"
#include "scenarios.hpp"
#include "sessions.hpp"
#include "support/line_protocol_builder.hpp"
#include "support/ntlmssp_builder.hpp"
#include "support/smb2_builder.hpp"
#include "support/tls_builder.hpp"

namespace spanwatch::floods {

using testing::Address;
using testing::Frame;
using testing::Side;
using testing::TcpConversation;

namespace {

constexpr std::uint64_t pipelined = 64;  // commands per burst: twice FtpOptions::max_pending_commands

// The ordinary sessions start a minute after the bad one ends, so nothing but the capture joins them.
void pause_between_sessions(FrameSink& sink) { sink.advance_ns(60LL * 1000000000LL); }

}  // namespace

std::uint64_t write_ftp_commands(const std::string& path, std::uint64_t commands, std::uint64_t seed) {
  using testing::line;
  Rng rng(seed);
  PcapSink out(path);
  const Address client = Address::v4(10, 20, 7, 10);
  {
    TcpConversation tcp(client, 40021, ftp_server, 21, rng.next32(), rng.next32());
    Dialogue d(out, tcp, 100000);
    d.open();
    d.send(Side::server, line("220 (vsFTPd 3.0.3)"));
    d.send(Side::client, line("USER anonymous"));
    d.send(Side::server, line("331 Please specify the password."));
    d.send(Side::client, line("PASS guest@example.test"));
    d.send(Side::server, line("230 Login successful."));
    Frame requests, replies;
    for (std::uint64_t sent = 0; sent < commands;) {
      requests.clear();
      replies.clear();
      const std::uint64_t burst = std::min(pipelined, commands - sent);
      for (std::uint64_t k = 0; k < burst; ++k, ++sent) {
        switch (sent % 3) {
          case 0:
            testing::append(requests, line("NOOP"));
            testing::append(replies, line("200 NOOP ok."));
            break;
          case 1:
            testing::append(requests, line("CWD /pub/d" + std::to_string(sent % 1000)));
            testing::append(replies, line("550 Failed to change directory."));
            break;
          default:
            testing::append(requests, testing::ftp_port_command(client, static_cast<std::uint16_t>(1024 + sent % 60000)));
            testing::append(replies, line("200 PORT command successful. Consider using PASV."));
            break;
        }
      }
      d.send(Side::client, requests);
      d.send(Side::server, replies);
    }
    d.send(Side::client, line("QUIT"));
    d.send(Side::server, line("221 Goodbye."));
    d.close(Side::server);
  }
  pause_between_sessions(out);
  ftp_login_with_port(out, rng, Address::v4(198, 51, 100, 23), 51021, Address::v4(192, 168, 1, 50));
  return out.packets();
}

std::uint64_t write_smb_outstanding(const std::string& path, std::uint64_t requests, std::uint64_t seed) {
  namespace smb2 = testing::smb2;
  namespace spnego = testing::spnego;
  namespace ntlmssp = testing::ntlmssp;
  Rng rng(seed);
  PcapSink out(path);
  {
    TcpConversation tcp(Address::v4(10, 20, 7, 20), 40445, smb_server, 445, rng.next32(), rng.next32());
    Dialogue d(out, tcp, 100000);
    d.open();
    smb2::Header h;
    h.credits = 31;
    d.send(Side::client, smb2::message(h, smb2::negotiate_request({smb2::dialect::smb210, smb2::dialect::smb302},
                                                                     random_bytes<16>(rng))));
    h.response = true;
    d.send(Side::server, smb2::message(h, smb2::negotiate_response(smb2::dialect::smb302, random_bytes<16>(rng), 0,
                                                                   spnego::neg_token_init({}))));
    // Every request its own MessageId; the server never answers (its stack still ACKs).
    smb2::Header setup;
    setup.command = smb2::Command::session_setup;
    setup.credits = 1;
    const Frame body = smb2::session_setup_request(spnego::neg_token_init(ntlmssp::negotiate()));
    Frame burst;
    for (std::uint64_t sent = 0; sent < requests;) {
      burst.clear();
      for (int k = 0; k < 16 && sent < requests; ++k, ++sent) {
        setup.message_id = 1 + sent;
        testing::append(burst, smb2::message(setup, body));
      }
      d.send(Side::client, burst);
    }
    d.close(Side::client);
  }
  pause_between_sessions(out);
  for (int attempt = 0; attempt < 6; ++attempt) {
    smb_logon(out, rng, Address::v4(10, 20, 5, 77), static_cast<std::uint16_t>(49730 + attempt), "alice", false);
    out.advance_ns(1000000000LL);
  }
  return out.packets();
}

std::uint64_t write_tls_huge_client_hello(const std::string& path, std::uint32_t length, std::uint64_t seed) {
  namespace tls = testing::tls;
  Rng rng(seed);
  PcapSink out(path);
  length = std::min<std::uint32_t>(length, 0xffffff);
  {
    // A real ClientHello body, then filler up to the claimed length: the handshake header says
    // `length`, and the bytes follow in full 16 KiB records.
    tls::ClientHelloSpec hello;
    hello.random = random_bytes<32>(rng);
    hello.server_name = "huge.example.test";
    Frame message = tls::client_hello(hello);
    message.resize(4 + std::max<std::size_t>(length, message.size() - 4), 0x41);
    message[1] = static_cast<std::uint8_t>(length >> 16);
    message[2] = static_cast<std::uint8_t>(length >> 8);
    message[3] = static_cast<std::uint8_t>(length);
    message.resize(4 + length);

    TcpConversation tcp(Address::v4(10, 20, 7, 43), 40443, tls_server, 443, rng.next32(), rng.next32());
    Dialogue d(out, tcp, 100000);
    d.open();
    constexpr std::size_t record_body = 16384;
    for (std::size_t at = 0; at < message.size(); at += record_body) {
      const std::size_t n = std::min(record_body, message.size() - at);
      d.send(Side::client, tls::record(tls::ContentType::handshake, tls::version::tls10,
                                       std::span<const std::uint8_t>(message).subspan(at, n)));
    }
    d.close(Side::server);
  }
  pause_between_sessions(out);
  tls_legacy_rsa_session(out, rng, Address::v4(10, 20, 5, 90), 50443);
  return out.packets();
}

}  // namespace spanwatch::floods

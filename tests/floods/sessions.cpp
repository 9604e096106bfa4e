#include "sessions.hpp"

#include <optional>
#include <string>

#include "dialogue.hpp"
#include "support/line_protocol_builder.hpp"
#include "support/ntlmssp_builder.hpp"
#include "support/smb2_builder.hpp"
#include "support/test_certificate.hpp"
#include "support/tls_builder.hpp"

namespace spanwatch::floods {

using testing::Frame;
using testing::Side;
using testing::TcpConversation;
namespace smb2 = testing::smb2;
namespace ntlmssp = testing::ntlmssp;
namespace spnego = testing::spnego;
namespace tls = testing::tls;

namespace {

// FILETIME (100 ns ticks since 1601) of a capture time.
std::uint64_t filetime(std::int64_t ns) { return static_cast<std::uint64_t>(ns / 100) + 116444736000000000ULL; }

Frame random_frame(Rng& rng, std::size_t n) {
  Frame f(n);
  for (auto& b : f) b = static_cast<std::uint8_t>(rng.next());
  return f;
}

}  // namespace

void smb_logon(FrameSink& sink, Rng& rng, const testing::Address& client, std::uint16_t client_port,
               std::string_view user, bool succeeds) {
  TcpConversation tcp(client, client_port, smb_server, 445, rng.next32(), rng.next32());
  Dialogue d(sink, tcp, 150000);
  d.open();
  smb2::Header h;
  h.credit_charge = 0;
  h.credits = 31;
  d.send(Side::client, smb2::message(h, smb2::negotiate_request({smb2::dialect::smb202, smb2::dialect::smb210,
                                                                    smb2::dialect::smb300, smb2::dialect::smb302},
                                                                   random_bytes<16>(rng))),
         false);
  h.response = true;
  h.credits = 1;
  d.send(Side::server, smb2::message(h, smb2::negotiate_response(smb2::dialect::smb302, random_bytes<16>(rng),
                                                                 filetime(sink.now_ns()), spnego::neg_token_init({}))),
         false);

  smb2::Header setup;
  setup.command = smb2::Command::session_setup;
  setup.message_id = 1;
  setup.credits = 33;
  d.send(Side::client, smb2::message(setup, smb2::session_setup_request(spnego::neg_token_init(ntlmssp::negotiate()))),
         false);
  ntlmssp::ChallengeSpec challenge;
  challenge.server_challenge = random_bytes<8>(rng);
  challenge.filetime = filetime(sink.now_ns());
  setup.response = true;
  setup.status = smb2::status::more_processing_required;
  setup.session_id = 0x0000100000000001ULL + (rng.next() & 0xffff) * 0x10000;
  d.send(Side::server,
         smb2::message(setup, smb2::session_setup_response(spnego::neg_token_resp(
                                  spnego::NegState::accept_incomplete, true, ntlmssp::challenge(challenge)))),
         false);

  ntlmssp::AuthenticateSpec auth;
  auth.domain = "CORP";
  auth.user = user;
  auth.workstation = "WS042";
  auth.nt_proof = random_bytes<16>(rng);
  auth.client_challenge = random_bytes<8>(rng);
  auth.encrypted_session_key = random_bytes<16>(rng);
  auth.filetime = challenge.filetime;
  auth.target_info = ntlmssp::target_info(challenge);
  setup.response = false;
  setup.status = 0;
  setup.message_id = 2;
  d.send(Side::client, smb2::message(setup, smb2::session_setup_request(spnego::neg_token_resp(
                                                std::nullopt, false, ntlmssp::authenticate(auth)))),
         false);
  setup.response = true;
  d.pause(2000000);  // the domain controller round trip
  if (succeeds) {
    setup.flags = smb2::header_flag::signed_message;
    setup.signature = random_bytes<16>(rng);
    d.send(Side::server, smb2::message(setup, smb2::session_setup_response(spnego::neg_token_resp(
                                                  spnego::NegState::accept_completed, false, {}))));
  } else {
    setup.status = smb2::status::logon_failure;
    d.send(Side::server, smb2::message(setup, smb2::error_response()));
  }
  d.pause(5000000);
  d.close(Side::client);
}

void ftp_login_with_port(FrameSink& sink, Rng& rng, const testing::Address& client, std::uint16_t client_port,
                         const testing::Address& announced) {
  using testing::line;
  TcpConversation tcp(client, client_port, ftp_server, 21, rng.next32(), rng.next32());
  Dialogue d(sink, tcp, 9000000);
  d.open();
  d.send(Side::server, line("220 (vsFTPd 3.0.3)"));
  d.send(Side::client, line("USER alice"));
  d.send(Side::server, line("331 Please specify the password."));
  d.send(Side::client, line("PASS Winter2024!"));
  d.send(Side::server, line("230 Login successful."));
  d.send(Side::client, testing::ftp_port_command(announced, 50123));
  d.send(Side::server, line("200 PORT command successful. Consider using PASV."));
  d.send(Side::client, line("RETR report.pdf"));
  d.pause(3000000000LL);  // the connect to a private address behind NAT times out
  d.send(Side::server, line("425 Failed to establish connection."));
  d.send(Side::client, line("QUIT"));
  d.send(Side::server, line("221 Goodbye."));
  d.close(Side::server);
}

void tls_legacy_rsa_session(FrameSink& sink, Rng& rng, const testing::Address& client, std::uint16_t client_port) {
  constexpr std::uint16_t version = tls::version::tls10;
  tls::ClientHelloSpec hello;
  hello.random = random_bytes<32>(rng);
  hello.legacy_version = version;
  hello.server_name = "files.example.test";
  hello.cipher_suites = {tls::cipher::rsa_aes128_cbc_sha, tls::cipher::rsa_aes256_cbc_sha,
                         tls::cipher::empty_renegotiation_info_scsv};
  hello.groups.clear();
  hello.signature_algorithms.clear();
  hello.renegotiation_info = false;

  TcpConversation tcp(client, client_port, tls_server, 443, rng.next32(), rng.next32());
  Dialogue d(sink, tcp, 4000000);
  d.open();
  d.send(Side::client, tls::record(tls::ContentType::handshake, version, tls::client_hello(hello)));
  tls::ServerHelloSpec sh;
  sh.legacy_version = version;
  sh.random = random_bytes<32>(rng);
  sh.session_id = random_frame(rng, 32);
  sh.cipher_suite = tls::cipher::rsa_aes128_cbc_sha;
  Frame flight = tls::server_hello(sh);
  testing::append(flight, tls::certificate({std::span<const std::uint8_t>(testing::test_certificate_der)}));
  testing::append(flight, tls::server_hello_done());
  d.send(Side::server, tls::record(tls::ContentType::handshake, version, flight));
  Frame client_finish =
      tls::record(tls::ContentType::handshake, version, tls::client_key_exchange_rsa(random_frame(rng, 256)));
  testing::append(client_finish, tls::change_cipher_spec(version));
  testing::append(client_finish, tls::record(tls::ContentType::handshake, version, random_frame(rng, 48)));
  d.send(Side::client, client_finish);
  Frame server_finish = tls::change_cipher_spec(version);
  testing::append(server_finish, tls::record(tls::ContentType::handshake, version, random_frame(rng, 48)));
  d.send(Side::server, server_finish);
  d.send(Side::client, tls::record(tls::ContentType::application_data, version, random_frame(rng, 432)));
  d.send(Side::server, tls::record(tls::ContentType::application_data, version, random_frame(rng, 2880)));
  d.close(Side::client);
}

}  // namespace spanwatch::floods

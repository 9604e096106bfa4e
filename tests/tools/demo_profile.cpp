// The demo capture: a few hundred packets with the traffic spanwatch's rules are about, each protocol
// exchange correct byte for byte so Wireshark dissects it without complaint.
#include <array>
#include <string>
#include <vector>

#include "conversation_writer.hpp"
#include "profiles.hpp"
#include "support/protocol_builders.hpp"

namespace spanwatch::tools {

namespace {

using namespace spanwatch::testing;
using testing::Side;

template <std::size_t N>
std::array<std::uint8_t, N> random_array(Rng& rng) {
  std::array<std::uint8_t, N> a{};
  rng.fill(a);
  return a;
}
Frame random_bytes(Rng& rng, std::size_t n) {
  Frame f(n);
  rng.fill(f);
  return f;
}
// 100 ns ticks since 1601 for a Unix time in ns.
std::uint64_t filetime(std::uint64_t unix_ns) { return unix_ns / 100 + 116444736000000000ull; }

const Address smb_server = Address::v4(10, 20, 0, 10);
const Address ftp_server = Address::v4(10, 20, 0, 21);
const Address dns_server = Address::v4(10, 20, 0, 53);
const Address tls_server = Address::v4(198, 51, 100, 10);

void dns_lookup(CaptureSink& sink, Rng& rng, const Address& client, std::string_view name, const Address& answer) {
  const auto id = static_cast<std::uint16_t>(rng.next());
  const auto port = static_cast<std::uint16_t>(rng.between(32768, 60999));
  sink.write(udp_frame(client, dns_server, port, 53, dns::query_a(id, name)));
  sink.advance_ns(400000);
  sink.write(udp_frame(dns_server, client, 53, port, dns::response_a(id, name, answer)));
  sink.advance_ns(300000);
  ++sink.truth().udp_flows;
}

// One NTLMSSP logon over a fresh SMB2 connection: NEGOTIATE, then SESSION_SETUP twice.
void smb_logon(CaptureSink& sink, Rng& rng, std::uint16_t client_port, bool succeeds) {
  const Address client = Address::v4(10, 20, 5, 77);
  TcpConversation tcp(client, client_port, smb_server, 445, rng.next32(), rng.next32());
  ConversationWriter w(sink, tcp, 150000);
  w.open();

  smb2::Header h;
  h.credit_charge = 0;
  h.credits = 31;
  const auto client_guid = random_array<16>(rng);
  w.send(Side::client, smb2::message(h, smb2::negotiate_request({smb2::dialect::smb202, smb2::dialect::smb210,
                                                                    smb2::dialect::smb300, smb2::dialect::smb302},
                                                                   client_guid)));
  h.response = true;
  h.credits = 1;
  const auto server_guid = std::array<std::uint8_t, 16>{0x5a, 0x11, 0x7e, 0x42, 0x01, 0x9c, 0x4d, 0x3b,
                                                        0x8e, 0x0f, 0x61, 0x2a, 0xd4, 0x77, 0x90, 0x13};
  w.send(Side::server, smb2::message(h, smb2::negotiate_response(smb2::dialect::smb302, server_guid,
                                                                 filetime(sink.now_ns()), spnego::neg_token_init({}))));

  smb2::Header setup;
  setup.command = smb2::Command::session_setup;
  setup.message_id = 1;
  setup.credits = 33;
  w.send(Side::client,
         smb2::message(setup, smb2::session_setup_request(spnego::neg_token_init(ntlmssp::negotiate()))));

  ntlmssp::ChallengeSpec challenge;
  challenge.server_challenge = random_array<8>(rng);
  challenge.filetime = filetime(sink.now_ns());
  const std::uint64_t session_id = 0x0000100000000001ull + rng.below(0x10000) * 0x10000;
  setup.response = true;
  setup.status = smb2::status::more_processing_required;
  setup.session_id = session_id;
  w.send(Side::server,
         smb2::message(setup, smb2::session_setup_response(spnego::neg_token_resp(
                                  spnego::NegState::accept_incomplete, true, ntlmssp::challenge(challenge)))));

  ntlmssp::AuthenticateSpec auth;
  auth.domain = "CORP";
  auth.user = "alice";
  auth.workstation = "WS042";
  auth.nt_proof = random_array<16>(rng);
  auth.client_challenge = random_array<8>(rng);
  auth.encrypted_session_key = random_array<16>(rng);
  auth.filetime = challenge.filetime;
  auth.target_info = ntlmssp::target_info(challenge);
  setup.response = false;
  setup.status = 0;
  setup.message_id = 2;
  w.send(Side::client, smb2::message(setup, smb2::session_setup_request(spnego::neg_token_resp(
                                                std::nullopt, false, ntlmssp::authenticate(auth)))));

  setup.response = true;
  w.pause(2000000);  // the domain controller round trip
  if (succeeds) {
    setup.flags = smb2::header_flag::signed_message;
    setup.signature = random_array<16>(rng);
    w.send(Side::server, smb2::message(setup, smb2::session_setup_response(spnego::neg_token_resp(
                                                  spnego::NegState::accept_completed, false, {}))), true);
  } else {
    setup.status = smb2::status::logon_failure;
    w.send(Side::server, smb2::message(setup, smb2::error_response()), true);
  }
  w.pause(5000000);
  w.close(Side::client);
  sink.advance_ns(rng.between(300, 900) * 1000000ull);
}

void ftp_session(CaptureSink& sink, Rng& rng, const Address& client, std::uint16_t client_port,
                 const Address& announced, std::uint16_t data_port, std::string_view user, bool data_connects) {
  TcpConversation tcp(client, client_port, ftp_server, 21, rng.next32(), rng.next32());
  ConversationWriter w(sink, tcp, 9000000);
  w.open();
  w.send(Side::server, line("220 (vsFTPd 3.0.3)"));
  w.send(Side::client, line("USER " + std::string(user)));
  w.send(Side::server, line("331 Please specify the password."));
  w.send(Side::client, line("PASS Winter2024!"));
  w.pause(40000000);
  w.send(Side::server, line("230 Login successful."));
  w.send(Side::client, line("TYPE I"));
  w.send(Side::server, line("200 Switching to Binary mode."));
  w.send(Side::client, ftp_port_command(announced, data_port));
  w.send(Side::server, line("200 PORT command successful. Consider using PASV."));
  w.send(Side::client, line("RETR report.pdf"));
  if (data_connects) {
    w.send(Side::server, line("150 Opening BINARY mode data connection for report.pdf (4000 bytes)."));
    // Active mode: the server connects from port 20 to the announced address.
    TcpConversation data(ftp_server, 20, announced, data_port, rng.next32(), rng.next32());
    ConversationWriter d(sink, data, 9000000);
    d.open();
    Frame file = bytes_of("%PDF-1.4\n");
    append(file, random_bytes(rng, 4000 - file.size()));
    d.send(Side::client, file, true);
    d.close(Side::client);
    w.send(Side::server, line("226 Transfer complete."));
  } else {
    w.pause(3000000000ull);  // the connect to a private address behind NAT times out
    w.send(Side::server, line("425 Failed to establish connection."));
  }
  w.send(Side::client, line("QUIT"));
  w.send(Side::server, line("221 Goodbye."));
  w.close(Side::server);
  sink.advance_ns(rng.between(200, 800) * 1000000ull);
}

void pop3_session(CaptureSink& sink, Rng& rng) {
  Frame message;
  for (const char* text : {"From: dave@example.test", "To: carol@example.test", "Subject: quarterly numbers",
                           "Date: Fri, 1 Mar 2024 08:55:00 +0000", "", "The numbers are on the share."})
    append(message, line(text));
  TcpConversation tcp(documentation_v6(0x81), 50110, documentation_v6(0x25), 110, rng.next32(), rng.next32());
  ConversationWriter w(sink, tcp, 300000);
  w.open();
  w.send(Side::server, line("+OK Dovecot ready."));
  w.send(Side::client, line("USER carol"));
  w.send(Side::server, line("+OK"));
  w.send(Side::client, line("PASS hunter2"));
  w.send(Side::server, line("+OK Logged in."));
  w.send(Side::client, line("STAT"));
  w.send(Side::server, line("+OK 1 " + std::to_string(message.size())));
  w.send(Side::client, line("RETR 1"));
  Frame reply = line("+OK " + std::to_string(message.size()) + " octets");
  append(reply, message);
  append(reply, line("."));
  w.send(Side::server, reply);
  w.send(Side::client, line("QUIT"));
  w.send(Side::server, line("+OK Logging out."));
  w.close(Side::server);
  sink.advance_ns(500000000);
}

// The server's ≤ TLS 1.2 RSA flight: ServerHello, Certificate, ServerHelloDone in one record.
Frame rsa_server_flight(Rng& rng, std::uint16_t version) {
  tls::ServerHelloSpec sh;
  sh.legacy_version = version;
  rng.fill(sh.random);
  sh.session_id = random_bytes(rng, 32);
  sh.cipher_suite = tls::cipher::rsa_aes128_cbc_sha;
  Frame body = tls::server_hello(sh);
  append(body, tls::certificate({std::span<const std::uint8_t>(test_certificate_der)}));
  append(body, tls::server_hello_done());
  return tls::record(tls::ContentType::handshake, version, body);
}

// A complete RSA handshake at `version` after the given ClientHello, a request, a response, close.
void tls_rsa_session(CaptureSink& sink, Rng& rng, const Address& client, const tls::ClientHelloSpec& hello,
                     std::uint16_t version) {
  TcpConversation tcp(client, static_cast<std::uint16_t>(rng.between(49152, 65000)), tls_server, 443, rng.next32(),
                      rng.next32());
  ConversationWriter w(sink, tcp, 4000000);
  w.open();
  w.send(Side::client, tls::record(tls::ContentType::handshake, tls::version::tls10, tls::client_hello(hello)));
  w.send(Side::server, rsa_server_flight(rng, version));
  Frame client_finish =
      tls::record(tls::ContentType::handshake, version, tls::client_key_exchange_rsa(random_bytes(rng, 256)));
  append(client_finish, tls::change_cipher_spec(version));
  append(client_finish, tls::record(tls::ContentType::handshake, version, random_bytes(rng, 48)));
  w.send(Side::client, client_finish);
  Frame server_finish = tls::change_cipher_spec(version);
  append(server_finish, tls::record(tls::ContentType::handshake, version, random_bytes(rng, 48)));
  w.send(Side::server, server_finish);
  w.send(Side::client, tls::record(tls::ContentType::application_data, version, random_bytes(rng, 432)));
  w.send(Side::server, tls::record(tls::ContentType::application_data, version, random_bytes(rng, 2880)));
  w.send(Side::client, tls::record(tls::ContentType::alert, version, random_bytes(rng, 32)), true);
  w.close(Side::client);
  sink.advance_ns(300000000);
}

tls::ClientHelloSpec modern_hello(Rng& rng) {
  tls::ClientHelloSpec ch;
  rng.fill(ch.random);
  ch.server_name = "files.example.test";
  ch.cipher_suites = {tls::cipher::ecdhe_ecdsa_aes128_gcm_sha256, tls::cipher::ecdhe_rsa_aes128_gcm_sha256,
                      tls::cipher::ecdhe_rsa_aes256_gcm_sha384, tls::cipher::rsa_aes128_cbc_sha,
                      tls::cipher::rsa_aes256_cbc_sha};
  return ch;
}

void tls_sessions(CaptureSink& sink, Rng& rng) {
  // A legacy client that only speaks TLS 1.0 with RSA key exchange.
  tls::ClientHelloSpec legacy;
  rng.fill(legacy.random);
  legacy.legacy_version = tls::version::tls10;
  legacy.server_name = "files.example.test";
  legacy.cipher_suites = {tls::cipher::rsa_aes128_cbc_sha, tls::cipher::rsa_aes256_cbc_sha,
                          tls::cipher::rsa_3des_ede_cbc_sha, tls::cipher::empty_renegotiation_info_scsv};
  legacy.groups.clear();
  legacy.signature_algorithms.clear();
  legacy.renegotiation_info = false;
  tls_rsa_session(sink, rng, Address::v4(10, 20, 5, 90), legacy, tls::version::tls10);

  // A TLS 1.2 client whose server answers TLS 1.0 (a downgrade).
  tls_rsa_session(sink, rng, Address::v4(10, 20, 5, 91), modern_hello(rng), tls::version::tls10);

  // A client retries with TLS 1.1 and TLS_FALLBACK_SCSV after its TLS 1.2 attempt was reset; the
  // server supports 1.2, so it refuses with inappropriate_fallback.
  const Address retrying = Address::v4(10, 20, 5, 92);
  {
    TcpConversation tcp(retrying, 50443, tls_server, 443, rng.next32(), rng.next32());
    ConversationWriter w(sink, tcp, 4000000);
    w.open();
    w.send(Side::client, tls::record(tls::ContentType::handshake, tls::version::tls10,
                                     tls::client_hello(modern_hello(rng))));
    w.reset(Side::server);
    sink.advance_ns(50000000);
  }
  {
    tls::ClientHelloSpec fallback = modern_hello(rng);
    fallback.legacy_version = tls::version::tls11;
    fallback.cipher_suites = {tls::cipher::rsa_aes128_cbc_sha, tls::cipher::rsa_aes256_cbc_sha,
                              tls::cipher::fallback_scsv};
    fallback.signature_algorithms.clear();
    TcpConversation tcp(retrying, 50444, tls_server, 443, rng.next32(), rng.next32());
    ConversationWriter w(sink, tcp, 4000000);
    w.open();
    w.send(Side::client,
           tls::record(tls::ContentType::handshake, tls::version::tls10, tls::client_hello(fallback)));
    w.send(Side::server,
           tls::alert_record(tls::version::tls11, tls::alert::fatal, tls::alert::inappropriate_fallback), true);
    w.close(Side::server);
    sink.advance_ns(300000000);
  }

  // A clean TLS 1.3 handshake.
  tls::ClientHelloSpec hello = modern_hello(rng);
  hello.cipher_suites.insert(hello.cipher_suites.begin(), {tls::cipher::aes128_gcm_sha256, tls::cipher::aes256_gcm_sha384,
                                                           tls::cipher::chacha20_poly1305_sha256});
  hello.session_id = random_bytes(rng, 32);
  hello.supported_versions = {tls::version::tls13, tls::version::tls12};
  hello.x25519_key_share = random_bytes(rng, 32);
  tls::ServerHelloSpec sh;
  sh.legacy_version = tls::version::tls12;
  rng.fill(sh.random);
  sh.session_id = hello.session_id;
  sh.cipher_suite = tls::cipher::aes128_gcm_sha256;
  sh.selected_version = tls::version::tls13;
  sh.x25519_key_share = random_bytes(rng, 32);

  TcpConversation tcp(Address::v4(10, 20, 5, 93), 51443, tls_server, 443, rng.next32(), rng.next32());
  ConversationWriter w(sink, tcp, 4000000);
  w.open();
  w.send(Side::client, tls::record(tls::ContentType::handshake, tls::version::tls10, tls::client_hello(hello)));
  Frame flight = tls::record(tls::ContentType::handshake, tls::version::tls12, tls::server_hello(sh));
  append(flight, tls::change_cipher_spec(tls::version::tls12));
  // EncryptedExtensions, Certificate, CertificateVerify, Finished under the handshake keys.
  append(flight, tls::record(tls::ContentType::application_data, tls::version::tls12, random_bytes(rng, 1210)));
  w.send(Side::server, flight);
  Frame client_finish = tls::change_cipher_spec(tls::version::tls12);
  append(client_finish, tls::record(tls::ContentType::application_data, tls::version::tls12, random_bytes(rng, 53)));
  append(client_finish, tls::record(tls::ContentType::application_data, tls::version::tls12, random_bytes(rng, 310)));
  w.send(Side::client, client_finish);
  w.send(Side::server, tls::record(tls::ContentType::application_data, tls::version::tls12, random_bytes(rng, 3900)));
  w.send(Side::client, tls::record(tls::ContentType::application_data, tls::version::tls12, random_bytes(rng, 19)),
         true);
  w.close(Side::client);
}

}  // namespace

void generate_demo(CaptureSink& sink, Rng& rng) {
  dns_lookup(sink, rng, Address::v4(10, 20, 5, 77), "fs01.corp.example.test", smb_server);
  for (int attempt = 0; attempt < 6; ++attempt)
    smb_logon(sink, rng, static_cast<std::uint16_t>(49730 + attempt), false);
  smb_logon(sink, rng, 49736, true);

  dns_lookup(sink, rng, Address::v4(10, 20, 5, 80), "ftp.corp.example.test", ftp_server);
  // Behind NAT: the client's public address is 198.51.100.23, its PORT names 192.168.1.50.
  ftp_session(sink, rng, Address::v4(198, 51, 100, 23), 51000, Address::v4(192, 168, 1, 50), 50000, "alice", false);
  ftp_session(sink, rng, Address::v4(10, 20, 5, 80), 51002, Address::v4(10, 20, 5, 80), 51210, "bob", true);

  pop3_session(sink, rng);

  dns_lookup(sink, rng, Address::v4(10, 20, 5, 90), "files.example.test", tls_server);
  tls_sessions(sink, rng);
}

}  // namespace spanwatch::tools

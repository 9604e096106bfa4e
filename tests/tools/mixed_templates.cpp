#include "mixed_templates.hpp"

#include <string>

#include "support/protocol_builders.hpp"

namespace spanwatch::tools::mixed {

namespace {

using namespace spanwatch::testing;

Frame random_bytes(Rng& rng, std::size_t n) {
  Frame f(n);
  rng.fill(f);
  return f;
}
template <std::size_t N>
std::array<std::uint8_t, N> random_array(Rng& rng) {
  std::array<std::uint8_t, N> a{};
  rng.fill(a);
  return a;
}

constexpr std::uint16_t v12 = tls::version::tls12;

Frame handshake_record(std::uint16_t version, const Frame& body) {
  return tls::record(tls::ContentType::handshake, version, body);
}
Frame app_record(std::size_t n, Rng& rng) {
  return tls::record(tls::ContentType::application_data, v12, random_bytes(rng, n));
}

Variant tls12_variant(Rng& rng, const std::string& host, bool ecdhe) {
  tls::ClientHelloSpec ch;
  rng.fill(ch.random);
  ch.server_name = host;
  ch.cipher_suites = {tls::cipher::ecdhe_ecdsa_aes128_gcm_sha256, tls::cipher::ecdhe_rsa_aes128_gcm_sha256,
                      tls::cipher::ecdhe_rsa_aes256_gcm_sha384, tls::cipher::rsa_aes128_cbc_sha,
                      tls::cipher::rsa_aes256_cbc_sha};
  tls::ServerHelloSpec sh;
  rng.fill(sh.random);
  sh.session_id = random_bytes(rng, 32);
  sh.cipher_suite = ecdhe ? tls::cipher::ecdhe_rsa_aes128_gcm_sha256 : tls::cipher::rsa_aes128_cbc_sha;
  Frame flight = tls::server_hello(sh);
  append(flight, tls::certificate({std::span<const std::uint8_t>(test_certificate_der)}));
  if (ecdhe)
    append(flight, tls::server_key_exchange_ecdhe(tls::group::x25519, random_bytes(rng, 32), 0x0804,
                                                  random_bytes(rng, 256)));
  append(flight, tls::server_hello_done());
  Frame client_finish = handshake_record(
      v12, ecdhe ? tls::client_key_exchange_ecdhe(random_bytes(rng, 32))
                 : tls::client_key_exchange_rsa(random_bytes(rng, 256)));
  append(client_finish, tls::change_cipher_spec(v12));
  append(client_finish, handshake_record(v12, random_bytes(rng, ecdhe ? 40 : 64)));
  Frame server_finish = tls::change_cipher_spec(v12);
  append(server_finish, handshake_record(v12, random_bytes(rng, ecdhe ? 40 : 64)));
  return {handshake_record(tls::version::tls10, tls::client_hello(ch)), handshake_record(v12, flight), client_finish,
          server_finish, app_record(200 + rng.below(400), rng),
          tls::record(tls::ContentType::alert, v12, random_bytes(rng, ecdhe ? 26 : 48))};
}

Variant tls13_variant(Rng& rng, const std::string& host) {
  tls::ClientHelloSpec ch;
  rng.fill(ch.random);
  ch.server_name = host;
  ch.cipher_suites = {tls::cipher::aes128_gcm_sha256, tls::cipher::aes256_gcm_sha384,
                      tls::cipher::chacha20_poly1305_sha256, tls::cipher::ecdhe_rsa_aes128_gcm_sha256};
  ch.session_id = random_bytes(rng, 32);
  ch.supported_versions = {tls::version::tls13, tls::version::tls12};
  ch.x25519_key_share = random_bytes(rng, 32);
  tls::ServerHelloSpec sh;
  rng.fill(sh.random);
  sh.session_id = ch.session_id;
  sh.cipher_suite = tls::cipher::aes128_gcm_sha256;
  sh.selected_version = tls::version::tls13;
  sh.x25519_key_share = random_bytes(rng, 32);
  Frame flight = handshake_record(v12, tls::server_hello(sh));
  append(flight, tls::change_cipher_spec(v12));
  append(flight, app_record(1100 + rng.below(1500), rng));  // EncryptedExtensions..Finished
  Frame client_finish = tls::change_cipher_spec(v12);
  append(client_finish, app_record(53, rng));
  return {handshake_record(tls::version::tls10, tls::client_hello(ch)), flight, client_finish,
          app_record(200 + rng.below(400), rng), app_record(19, rng)};
}

Variant ftp_variant(const std::string& user, const std::string& file) {
  return {line("220 (vsFTPd 3.0.3)"),
          line("USER " + user),
          line("331 Please specify the password."),
          line("PASS " + user + "-pw!"),
          line("230 Login successful."),
          line("530 Login incorrect."),
          line("TYPE I"),
          line("200 Switching to Binary mode."),
          line("200 PORT command successful. Consider using PASV."),
          line("RETR " + file),
          line("150 Opening BINARY mode data connection for " + file + "."),
          line("226 Transfer complete."),
          line("QUIT"),
          line("221 Goodbye.")};
}

Variant pop3_variant(const std::string& user) {
  return {line("+OK Dovecot ready."),     line("USER " + user), line("+OK"),
          line("PASS " + user + "-mail"), line("+OK Logged in."),
          line("-ERR [AUTH] Authentication failed."),
          line("STAT"),                   line("+OK 3 48213"),  line("RETR 1"),
          bytes_of("\r\n.\r\n"),           line("QUIT"),
          line("+OK Logging out.")};
}

Variant smb2_variant(Rng& rng, const std::string& user, const std::string& workstation) {
  smb2::Header h;
  h.credit_charge = 0;
  h.credits = 31;
  Variant v;
  v.push_back(smb2::message(h, smb2::negotiate_request({smb2::dialect::smb202, smb2::dialect::smb210,
                                                          smb2::dialect::smb300, smb2::dialect::smb302},
                                                         random_array<16>(rng))));
  h.response = true;
  h.credits = 1;
  v.push_back(smb2::message(h, smb2::negotiate_response(smb2::dialect::smb302, random_array<16>(rng),
                                                        133540000000000000ull, spnego::neg_token_init({}))));
  smb2::Header setup;
  setup.command = smb2::Command::session_setup;
  setup.message_id = 1;
  setup.credits = 33;
  v.push_back(smb2::message(setup, smb2::session_setup_request(spnego::neg_token_init(ntlmssp::negotiate()))));
  ntlmssp::ChallengeSpec challenge;
  challenge.server_challenge = random_array<8>(rng);
  challenge.filetime = 133540000000000000ull;
  setup.response = true;
  setup.status = smb2::status::more_processing_required;
  setup.session_id = 0x0000100000000001ull + rng.below(0x10000) * 0x10000;
  v.push_back(smb2::message(setup, smb2::session_setup_response(spnego::neg_token_resp(
                                       spnego::NegState::accept_incomplete, true, ntlmssp::challenge(challenge)))));
  ntlmssp::AuthenticateSpec auth;
  auth.user = user;
  auth.workstation = workstation;
  auth.nt_proof = random_array<16>(rng);
  auth.client_challenge = random_array<8>(rng);
  auth.encrypted_session_key = random_array<16>(rng);
  auth.filetime = challenge.filetime;
  auth.target_info = ntlmssp::target_info(challenge);
  setup.response = false;
  setup.status = smb2::status::success;
  setup.message_id = 2;
  v.push_back(smb2::message(setup, smb2::session_setup_request(spnego::neg_token_resp(
                                       std::nullopt, false, ntlmssp::authenticate(auth)))));
  setup.response = true;
  setup.status = smb2::status::logon_failure;
  v.push_back(smb2::message(setup, smb2::error_response()));
  setup.status = smb2::status::success;
  setup.flags = smb2::header_flag::signed_message;
  setup.signature = random_array<16>(rng);
  v.push_back(smb2::message(setup, smb2::session_setup_response(spnego::neg_token_resp(
                                       spnego::NegState::accept_completed, false, {}))));
  return v;
}

Variant dns_variant(const std::string& name, const Address& answer) {
  return {dns::query_a(0, name), dns::response_a(0, name, answer)};
}

}  // namespace

Templates::Templates(Rng& rng) {
  static const char* const users[] = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
  for (int i = 0; i < 8; ++i) {
    const std::string host = "svc" + std::to_string(i) + ".example.test";
    sets_[index(SessionKind::tls12)].push_back(tls12_variant(rng, host, i % 2 == 0));
    sets_[index(SessionKind::tls13)].push_back(tls13_variant(rng, host));
    sets_[index(SessionKind::ftp)].push_back(ftp_variant(users[i], "backup-" + std::to_string(i) + ".tar"));
    sets_[index(SessionKind::pop3)].push_back(pop3_variant(users[i]));
    sets_[index(SessionKind::smb2)].push_back(smb2_variant(rng, users[i], "WS" + std::to_string(100 + i)));
  }
  for (int i = 0; i < 16; ++i)
    sets_[index(SessionKind::dns)].push_back(dns_variant(
        "host" + std::to_string(i) + ".example.test", Address::v4(198, 51, 100, static_cast<std::uint8_t>(20 + i))));
}

}  // namespace spanwatch::tools::mixed

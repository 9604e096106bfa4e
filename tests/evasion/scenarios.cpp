#include "scenarios.hpp"

#include <array>
#include <cstdio>
#include <optional>

#include "nbss.hpp"
#include "support/protocol_builders.hpp"

namespace spanwatch::evasion {

namespace {

using namespace spanwatch::testing;

// A deterministic byte pattern where real traffic has random or encrypted bytes.
Frame pattern(std::size_t n, std::uint8_t seed) {
  Frame f(n);
  for (std::size_t i = 0; i < n; ++i) f[i] = static_cast<std::uint8_t>(seed + i * 37u);
  return f;
}
template <std::size_t N>
std::array<std::uint8_t, N> pattern_array(std::uint8_t seed) {
  std::array<std::uint8_t, N> a{};
  for (std::size_t i = 0; i < N; ++i) a[i] = static_cast<std::uint8_t>(seed + i * 37u);
  return a;
}

Address host(const ScenarioOptions& o, std::uint8_t last) {
  return o.ipv6 ? documentation_v6(last) : Address::v4(10, 20, 5, last);
}
Address server_host(const ScenarioOptions& o, std::uint8_t last) {
  return o.ipv6 ? documentation_v6(0x1000u + last) : Address::v4(10, 20, 0, last);
}

std::string verb(const ScenarioOptions& o, std::string_view upper, std::string_view mixed) {
  return std::string(o.mixed_case ? mixed : upper);
}

// A command and its reply. Pipelined, a run of exchanges becomes the commands in one segment, then
// the replies in one segment (what a pipelining client and a server that answers in one write send).
struct Exchange {
  Message command;
  Message reply;
  bool pipelinable = true;  // false: the command waits for what the reply says (a challenge)
};

Message client_line(const std::string& text, bool critical = false, const std::string& decoy = {}) {
  Message m;
  m.from = Side::client;
  m.bytes = line(text);
  m.critical = critical;
  if (!decoy.empty()) m.decoy = line(decoy);
  return m;
}
Message server_line(const std::string& text, std::uint64_t pause_ns = 0) {
  Message m;
  m.from = Side::server;
  m.bytes = line(text);
  m.pause_ns = pause_ns;
  return m;
}

// Concatenates messages of one side; the decoy keeps the critical parts' decoys.
Message merged(const std::vector<Message>& parts) {
  Message out = parts.front();
  out.bytes.clear();
  out.decoy.clear();
  out.critical = false;
  for (const Message& p : parts) {
    append(out.bytes, p.bytes);
    append(out.decoy, p.critical ? decoy_of(p) : p.bytes);
    out.critical = out.critical || p.critical;
  }
  if (!out.critical) out.decoy.clear();
  return out;
}

void add_exchanges(Script& s, const std::vector<Exchange>& exchanges, bool pipelined) {
  for (std::size_t i = 0; i < exchanges.size();) {
    if (!pipelined || !exchanges[i].pipelinable) {
      s.messages.push_back(exchanges[i].command);
      s.messages.push_back(exchanges[i].reply);
      ++i;
      continue;
    }
    std::vector<Message> commands, replies;
    for (; i < exchanges.size() && exchanges[i].pipelinable; ++i) {
      commands.push_back(exchanges[i].command);
      replies.push_back(exchanges[i].reply);
    }
    s.messages.push_back(merged(commands));
    s.messages.push_back(merged(replies));
  }
}

// Consecutive messages of one side in one segment.
void merge_same_side(Script& s) {
  std::vector<Message> out;
  for (const Message& m : s.messages) {
    if (!out.empty() && out.back().from == m.from) {
      out.back() = merged({out.back(), m});
      continue;
    }
    out.push_back(m);
  }
  s.messages = out;
}

// ---- FTP ----------------------------------------------------------------------------------------

struct FtpSpec {
  std::uint8_t client = 0;
  std::string user, password;
  bool nat = false;  // the data address announced is a private one, not the client's
};

// The argument of PORT (IPv4) or EPRT (IPv6) announcing `address_v4` / `address_v6`.
std::string data_argument(const ScenarioOptions& o, const std::string& address_v4, const std::string& address_v6) {
  return o.ipv6 ? "|2|" + address_v6 + "|50000|" : address_v4 + ",195,80";
}
std::string data_command(const ScenarioOptions& o, const std::string& address_v4, const std::string& address_v6) {
  return (o.ipv6 ? verb(o, "EPRT", "EpRt") : verb(o, "PORT", "PoRt")) + " " +
         data_argument(o, address_v4, address_v6);
}

// The client's own address, as text, and the one it announces. A NAT case announces a private address
// of the same length (10.99.5.x, fd00::1:0:x), so that a decoy naming the client overlaps it byte for byte.
struct FtpAddresses {
  std::string own_v4, own_v6, announced_v4, announced_v6;
};
FtpAddresses ftp_addresses(std::uint8_t client, bool nat) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "%x", client);
  FtpAddresses a;
  a.own_v4 = "10,20,5," + std::to_string(client);
  a.own_v6 = std::string("2001:db8::") + hex;
  a.announced_v4 = nat ? "10,99,5," + std::to_string(client) : a.own_v4;
  a.announced_v6 = nat ? std::string("fd00::1:0:") + hex : a.own_v6;
  return a;
}

Script ftp_session(const ScenarioOptions& o, const FtpSpec& f) {
  Script s;
  s.client = host(o, f.client);
  s.server = server_host(o, 21);
  s.client_port = static_cast<std::uint16_t>(51000 + f.client);
  s.server_port = o.unusual_ports ? 2121 : 21;
  const FtpAddresses a = ftp_addresses(f.client, f.nat);
  const std::string own_v4 = a.own_v4, own_v6 = a.own_v6, announced_v4 = a.announced_v4,
                    announced_v6 = a.announced_v6;
  s.messages.push_back(server_line("220 (vsFTPd 3.0.3)"));
  std::vector<Exchange> ex;
  ex.push_back({client_line(verb(o, "USER", "uSeR") + " " + f.user), server_line("331 Please specify the password.")});
  ex.push_back({client_line(verb(o, "PASS", "pAsS") + " " + f.password, !f.nat),
                server_line("230 Login successful.", 30000000)});
  ex.push_back({client_line("TYPE I"), server_line("200 Switching to Binary mode.")});
  const std::string port_line = data_command(o, announced_v4, announced_v6);
  const std::string decoy_line = f.nat ? data_command(o, own_v4, own_v6) : std::string();
  ex.push_back({client_line(port_line, f.nat, decoy_line),
                server_line("200 PORT command successful. Consider using PASV.")});
  ex.push_back({client_line("RETR report.pdf"),
                server_line(f.nat ? "425 Failed to establish connection." : "550 Failed to open file.", 5000000)});
  ex.push_back({client_line(verb(o, "QUIT", "qUiT")), server_line("221 Goodbye.")});
  add_exchanges(s, ex, o.pipelined);
  return s;
}

// ---- POP3 ---------------------------------------------------------------------------------------

Script pop3_session(const ScenarioOptions& o, bool cram_md5) {
  Script s;
  s.client = host(o, 85);
  s.server = server_host(o, 25);
  s.client_port = 50110;
  s.server_port = o.unusual_ports ? 1110 : 110;
  s.messages.push_back(server_line("+OK Dovecot ready."));
  std::vector<Exchange> ex;
  if (cram_md5) {
    ex.push_back({client_line(verb(o, "AUTH", "aUtH") + " CRAM-MD5"),
                  server_line("+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UuZXhhbXBsZS5uZXQ+"), false});
    ex.push_back({client_line("Y2Fyb2wgYjkxM2E2MDJjN2VkYTdhNDk1YjRlNmU3MzM0ZDM4OTA="),
                  server_line("+OK Logged in.", 20000000), false});
  } else {
    ex.push_back({client_line(verb(o, "USER", "uSeR") + " carol"), server_line("+OK")});
    ex.push_back({client_line(verb(o, "PASS", "pAsS") + " hunter2", true), server_line("+OK Logged in.", 20000000)});
  }
  ex.push_back({client_line(verb(o, "STAT", "sTaT")), server_line("+OK 0 0")});
  ex.push_back({client_line(verb(o, "QUIT", "qUiT")), server_line("+OK Logging out.")});
  add_exchanges(s, ex, o.pipelined);
  return s;
}

// ---- SMB ----------------------------------------------------------------------------------------

// 100 ns ticks since 1601 of a fixed instant.
constexpr std::uint64_t filetime = 133500000000000000ull;

Message smb_message(Side from, Frame bytes, bool prologue = false) {
  Message m;
  m.from = from;
  m.bytes = std::move(bytes);
  m.prologue = prologue;
  return m;
}

// One NTLMSSP logon over a fresh connection: (NetBIOS session,) NEGOTIATE, SESSION_SETUP twice.
Script smb_logon(const ScenarioOptions& o, std::uint16_t client_port, bool succeeds, std::uint8_t seed) {
  Script s;
  s.client = host(o, 77);
  s.server = server_host(o, 10);
  s.client_port = client_port;
  s.server_port = o.unusual_ports ? 139 : 445;
  if (o.unusual_ports) {
    s.messages.push_back(smb_message(Side::client, nbss::session_request("FS01", "WS042"), true));
    s.messages.push_back(smb_message(Side::server, nbss::positive_session_response(), true));
  }
  smb2::Header h;
  h.credit_charge = 0;
  h.credits = 31;
  s.messages.push_back(smb_message(
      Side::client,
      smb2::message(h, smb2::negotiate_request({smb2::dialect::smb202, smb2::dialect::smb210, smb2::dialect::smb300,
                                                smb2::dialect::smb302},
                                               pattern_array<16>(seed))),
      true));
  h.response = true;
  h.credits = 1;
  s.messages.push_back(smb_message(
      Side::server,
      smb2::message(h, smb2::negotiate_response(smb2::dialect::smb302, pattern_array<16>(0x5a), filetime,
                                                spnego::neg_token_init({}))),
      true));

  smb2::Header setup;
  setup.command = smb2::Command::session_setup;
  setup.message_id = 1;
  setup.credits = 33;
  s.messages.push_back(smb_message(
      Side::client, smb2::message(setup, smb2::session_setup_request(spnego::neg_token_init(ntlmssp::negotiate())))));

  ntlmssp::ChallengeSpec challenge;
  challenge.server_challenge = pattern_array<8>(static_cast<std::uint8_t>(seed + 1));
  challenge.filetime = filetime;
  setup.response = true;
  setup.status = smb2::status::more_processing_required;
  setup.session_id = 0x0000100000000001ull + seed * 0x10000ull;
  s.messages.push_back(smb_message(
      Side::server, smb2::message(setup, smb2::session_setup_response(spnego::neg_token_resp(
                                             spnego::NegState::accept_incomplete, true, ntlmssp::challenge(challenge))))));

  ntlmssp::AuthenticateSpec auth;
  auth.nt_proof = pattern_array<16>(static_cast<std::uint8_t>(seed + 2));
  auth.client_challenge = pattern_array<8>(static_cast<std::uint8_t>(seed + 3));
  auth.encrypted_session_key = pattern_array<16>(static_cast<std::uint8_t>(seed + 4));
  auth.filetime = filetime;
  auth.target_info = ntlmssp::target_info(challenge);
  setup.response = false;
  setup.status = 0;
  setup.message_id = 2;
  s.messages.push_back(smb_message(Side::client, smb2::message(setup, smb2::session_setup_request(spnego::neg_token_resp(
                                                                         std::nullopt, false, ntlmssp::authenticate(auth))))));
  setup.response = true;
  Message verdict;
  if (succeeds) {
    setup.flags = smb2::header_flag::signed_message;
    setup.signature = pattern_array<16>(static_cast<std::uint8_t>(seed + 5));
    verdict = smb_message(Side::server, smb2::message(setup, smb2::session_setup_response(spnego::neg_token_resp(
                                                                 spnego::NegState::accept_completed, false, {}))));
  } else {
    setup.status = smb2::status::logon_failure;
    verdict = smb_message(Side::server, smb2::message(setup, smb2::error_response()));
    verdict.critical = true;  // a decoy (the bytes inverted) is no SMB message: no failure is seen
  }
  verdict.pause_ns = 2000000;  // the domain controller round trip
  s.messages.push_back(verdict);
  return s;
}

// ---- TLS ----------------------------------------------------------------------------------------

Message tls_message(Side from, Frame bytes) {
  Message m;
  m.from = from;
  m.bytes = std::move(bytes);
  return m;
}
Frame handshake_record(std::uint16_t version, const Frame& body) {
  return tls::record(tls::ContentType::handshake, version, body);
}

tls::ClientHelloSpec modern_hello() {
  tls::ClientHelloSpec ch;
  ch.random = pattern_array<32>(0x11);
  ch.server_name = "files.example.test";
  ch.cipher_suites = {tls::cipher::ecdhe_ecdsa_aes128_gcm_sha256, tls::cipher::ecdhe_rsa_aes128_gcm_sha256,
                      tls::cipher::ecdhe_rsa_aes256_gcm_sha384, tls::cipher::rsa_aes128_cbc_sha,
                      tls::cipher::rsa_aes256_cbc_sha};
  return ch;
}

// A ≤ 1.2 handshake: ClientHello; ServerHello (critical, with its decoy), Certificate,
// [ServerKeyExchange,] ServerHelloDone as one record each; the client's key exchange, CCS and
// Finished; the server's CCS and Finished; some application data.
Script tls12_session(const ScenarioOptions& o, std::uint8_t client, const tls::ClientHelloSpec& hello,
                     const tls::ServerHelloSpec& server_hello, const tls::ServerHelloSpec& decoy_hello) {
  Script s;
  s.client = host(o, client);
  s.server = o.ipv6 ? documentation_v6(0x443) : Address::v4(198, 51, 100, 10);
  s.client_port = static_cast<std::uint16_t>(52000 + client);
  s.server_port = o.unusual_ports ? 8443 : 443;
  const std::uint16_t v = server_hello.legacy_version;
  const bool ecdhe = server_hello.cipher_suite != tls::cipher::rsa_aes128_cbc_sha;
  s.messages.push_back(tls_message(Side::client, handshake_record(tls::version::tls10, tls::client_hello(hello))));
  Message sh = tls_message(Side::server, handshake_record(v, tls::server_hello(server_hello)));
  sh.decoy = handshake_record(v, tls::server_hello(decoy_hello));
  sh.critical = true;
  sh.pause_ns = 1000000;
  s.messages.push_back(sh);
  s.messages.push_back(tls_message(Side::server, handshake_record(v, tls::certificate({std::span<const std::uint8_t>(
                                                                         test_certificate_der)}))));
  if (ecdhe)
    s.messages.push_back(tls_message(
        Side::server, handshake_record(v, tls::server_key_exchange_ecdhe(tls::group::x25519, pattern(32, 0x21), 0x0804,
                                                                         pattern(256, 0x22)))));
  s.messages.push_back(tls_message(Side::server, handshake_record(v, tls::server_hello_done())));
  Frame client_finish = handshake_record(v, ecdhe ? tls::client_key_exchange_ecdhe(pattern(32, 0x23))
                                                  : tls::client_key_exchange_rsa(pattern(256, 0x24)));
  append(client_finish, tls::change_cipher_spec(v));
  append(client_finish, handshake_record(v, pattern(48, 0x25)));
  s.messages.push_back(tls_message(Side::client, client_finish));
  Frame server_finish = tls::change_cipher_spec(v);
  append(server_finish, handshake_record(v, pattern(48, 0x26)));
  s.messages.push_back(tls_message(Side::server, server_finish));
  s.messages.push_back(tls_message(Side::client, tls::record(tls::ContentType::application_data, v, pattern(400, 0x27))));
  s.messages.push_back(tls_message(Side::server, tls::record(tls::ContentType::application_data, v, pattern(900, 0x28))));
  if (o.pipelined) merge_same_side(s);
  return s;
}

Script tls13_session(const ScenarioOptions& o) {
  tls::ClientHelloSpec hello = modern_hello();
  hello.cipher_suites.insert(hello.cipher_suites.begin(), {tls::cipher::aes128_gcm_sha256, tls::cipher::aes256_gcm_sha384,
                                                           tls::cipher::chacha20_poly1305_sha256});
  hello.session_id = pattern(32, 0x31);
  hello.supported_versions = {tls::version::tls13, tls::version::tls12};
  hello.x25519_key_share = pattern(32, 0x32);
  tls::ServerHelloSpec sh;
  sh.random = pattern_array<32>(0x33);
  sh.session_id = hello.session_id;
  sh.cipher_suite = tls::cipher::aes128_gcm_sha256;
  sh.selected_version = tls::version::tls13;
  sh.x25519_key_share = pattern(32, 0x34);

  Script s;
  s.client = host(o, 93);
  s.server = o.ipv6 ? documentation_v6(0x443) : Address::v4(198, 51, 100, 10);
  s.client_port = 52093;
  s.server_port = o.unusual_ports ? 8443 : 443;
  const std::uint16_t v = tls::version::tls12;
  s.messages.push_back(tls_message(Side::client, handshake_record(tls::version::tls10, tls::client_hello(hello))));
  Message server_hello = tls_message(Side::server, handshake_record(v, tls::server_hello(sh)));
  server_hello.pause_ns = 1000000;
  s.messages.push_back(server_hello);
  Frame flight = tls::change_cipher_spec(v);
  // EncryptedExtensions, Certificate, CertificateVerify, Finished under the handshake keys.
  append(flight, tls::record(tls::ContentType::application_data, v, pattern(1210, 0x35)));
  s.messages.push_back(tls_message(Side::server, flight));
  Frame client_finish = tls::change_cipher_spec(v);
  append(client_finish, tls::record(tls::ContentType::application_data, v, pattern(53, 0x36)));
  s.messages.push_back(tls_message(Side::client, client_finish));
  s.messages.push_back(tls_message(Side::server, tls::record(tls::ContentType::application_data, v, pattern(900, 0x37))));
  if (o.pipelined) merge_same_side(s);
  return s;
}

std::vector<Scenario> tls_scenarios(const ScenarioOptions& o) {
  std::vector<Scenario> out;
  {  // A TLS 1.3 client; the server answers TLS 1.2 with the RFC 8446 sentinel in its random.
    tls::ClientHelloSpec hello = modern_hello();
    hello.supported_versions = {tls::version::tls13, tls::version::tls12};
    hello.x25519_key_share = pattern(32, 0x41);
    tls::ServerHelloSpec sh;
    sh.random = pattern_array<32>(0x42);
    sh.cipher_suite = tls::cipher::ecdhe_rsa_aes128_gcm_sha256;
    tls::ServerHelloSpec decoy = sh;
    static constexpr std::uint8_t sentinel[8] = {'D', 'O', 'W', 'N', 'G', 'R', 'D', 1};
    std::copy(std::begin(sentinel), std::end(sentinel), sh.random.end() - 8);
    out.push_back({"tls_downgrade", "tls", {tls12_session(o, 95, hello, sh, decoy)}, {9100005}, {}, {}, {}});
  }
  {  // A client capped at TLS 1.1 (ECDHE): legacy, but no downgrade. The decoy names TLS 1.2.
    tls::ClientHelloSpec hello = modern_hello();
    hello.legacy_version = tls::version::tls11;
    hello.cipher_suites = {0xc013, tls::cipher::rsa_aes128_cbc_sha};
    hello.signature_algorithms.clear();
    tls::ServerHelloSpec sh;
    sh.legacy_version = tls::version::tls11;
    sh.random = pattern_array<32>(0x43);
    sh.cipher_suite = 0xc013;
    tls::ServerHelloSpec decoy = sh;
    decoy.legacy_version = tls::version::tls12;
    out.push_back({"tls_legacy_version", "tls", {tls12_session(o, 96, hello, sh, decoy)}, {9100006}, {},
                   "\"version\":\"TLS 1.1\"", "\"version\":\"TLS 1.2\""});
  }
  {  // TLS 1.2 with RSA key transport; the decoy selects ECDHE.
    tls::ServerHelloSpec sh;
    sh.random = pattern_array<32>(0x44);
    sh.cipher_suite = tls::cipher::rsa_aes128_cbc_sha;
    tls::ServerHelloSpec decoy = sh;
    decoy.cipher_suite = tls::cipher::ecdhe_rsa_aes128_gcm_sha256;
    out.push_back({"tls_rsa_key_exchange", "tls", {tls12_session(o, 97, modern_hello(), sh, decoy)}, {9100007}, {},
                   "\"cipher\":47,", "\"cipher\":49199,"});
  }
  out.push_back({"tls13_ecdhe_clean", "tls", {tls13_session(o)}, {}, {}, {}, {}});
  return out;
}

}  // namespace

std::vector<Scenario> all_scenarios(const ScenarioOptions& o) {
  std::vector<Scenario> out;
  {
    Scenario burst{"smb_logon_failure_burst", "smb", {}, {9100001}, {}, {}, {}};
    for (std::uint8_t i = 0; i < 5; ++i)
      burst.connections.push_back(smb_logon(o, static_cast<std::uint16_t>(49730 + i), false, static_cast<std::uint8_t>(i * 16)));
    out.push_back(burst);
    // Four failures and a success: under the threshold, and no burst for the success to follow.
    Scenario below{"smb_four_failures_then_success", "smb", {}, {}, {}, {}, {}};
    for (std::uint8_t i = 0; i < 5; ++i)
      below.connections.push_back(smb_logon(o, static_cast<std::uint16_t>(49740 + i), i == 4, static_cast<std::uint8_t>(i * 16)));
    out.push_back(below);
  }
  {
    // The ftp record names the address the parser read: the private one, or the decoy's (the client's).
    const FtpAddresses a = ftp_addresses(23, true);
    Scenario nat{"ftp_nat_mismatch", "ftp", {ftp_session(o, {23, "anonymous", "guest@example.test", true})}, {9100002}, {}, {}, {}};
    nat.evidence = "\"command_data\":\"" + data_argument(o, a.announced_v4, a.announced_v6) + "\"";
    nat.evidence_with_decoy = "\"command_data\":\"" + data_argument(o, a.own_v4, a.own_v6) + "\"";
    out.push_back(nat);
  }
  out.push_back({"ftp_cleartext_login", "ftp", {ftp_session(o, {80, "alice", "Winter2024!", false})}, {9100003}, {}, {}, {}});
  out.push_back({"ftp_anonymous_port_matches_client", "ftp", {ftp_session(o, {81, "anonymous", "guest@example.test", false})}, {}, {}, {}, {}});
  out.push_back({"pop3_cleartext_login", "pop3", {pop3_session(o, false)}, {9100004}, {}, {}, {}});
  out.push_back({"pop3_cram_md5_login", "pop3", {pop3_session(o, true)}, {}, {}, {}, {}});
  for (auto& s : tls_scenarios(o)) out.push_back(std::move(s));
  return out;
}

}  // namespace spanwatch::evasion

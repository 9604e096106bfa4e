#include <catch2/catch.hpp>

#include "support/frame_writer.hpp"
#include "support/protocol_builders.hpp"

using namespace spanwatch::testing;

namespace {

std::uint16_t be16_at(const Frame& f, std::size_t at) { return static_cast<std::uint16_t>(f[at] << 8 | f[at + 1]); }
std::uint32_t be24_at(const Frame& f, std::size_t at) { return std::uint32_t{f[at]} << 16 | be16_at(f, at + 1); }
std::uint16_t le16_at(const Frame& f, std::size_t at) { return static_cast<std::uint16_t>(f[at] | f[at + 1] << 8); }
std::uint32_t le32_at(const Frame& f, std::size_t at) {
  return le16_at(f, at) | static_cast<std::uint32_t>(le16_at(f, at + 2)) << 16;
}
Frame slice(const Frame& f, std::size_t at, std::size_t n) {
  return Frame(f.begin() + static_cast<std::ptrdiff_t>(at), f.begin() + static_cast<std::ptrdiff_t>(at + n));
}

Frame frame_writer_tcp(FrameWriter& w, const Address& src, const Address& dst, const TcpSegment& s,
                       const EthernetOptions& eth, std::uint16_t ip_id) {
  LinkTags tags;
  tags.outer_tpid = eth.outer_tpid;
  tags.count = static_cast<std::uint8_t>(eth.vlans.size());
  for (std::size_t i = 0; i < eth.vlans.size(); ++i) tags.vlan[i] = eth.vlans[i];
  TcpFields t;
  t.sport = s.sport;
  t.dport = s.dport;
  t.seq = s.seq;
  t.ack = s.ack;
  t.flags = s.flags;
  t.window = s.window;
  std::uint8_t* out = w.start_tcp(src, dst, t, tags, ip_id);
  std::copy(s.payload.begin(), s.payload.end(), out);
  const auto frame = w.finish(s.payload.size());
  return Frame(frame.begin(), frame.end());
}

}  // namespace

TEST_CASE("FrameWriter builds the same bytes as tcp_frame for IPv4, IPv6, VLAN and QinQ") {
  FrameWriter writer;
  TcpSegment s;
  s.sport = 51000;
  s.dport = 443;
  s.seq = 0x01020304;
  s.ack = 0xa0b0c0d0;
  s.flags = tcp_flags::ack | tcp_flags::psh;
  s.window = 502;
  s.payload = bytes_of("an odd-length payload!");
  EthernetOptions qinq;
  qinq.vlans = {300, 42};
  qinq.outer_tpid = 0x88a8;
  const std::pair<Address, Address> v4 = {Address::v4(10, 0, 0, 1), Address::v4(198, 51, 100, 7)};
  const std::pair<Address, Address> v6 = {documentation_v6(1), documentation_v6(2)};
  for (const auto& [src, dst] : {v4, v6}) {
    for (const EthernetOptions& eth : {EthernetOptions{}, EthernetOptions{{42}}, qinq}) {
      CHECK(frame_writer_tcp(writer, src, dst, s, eth, 77) == tcp_frame(src, dst, s, eth, 77));
    }
  }
}

TEST_CASE("FrameWriter builds the same bytes as udp_frame") {
  FrameWriter writer;
  const Frame payload = dns::query_a(0x1234, "www.example.test");
  for (const auto& [src, dst] : {std::pair{Address::v4(10, 0, 0, 1), Address::v4(10, 0, 0, 53)},
                                 std::pair{documentation_v6(1), documentation_v6(0x53)}}) {
    std::uint8_t* out = writer.start_udp(src, dst, 40000, 53, LinkTags{});
    std::copy(payload.begin(), payload.end(), out);
    const auto frame = writer.finish(payload.size());
    CHECK(Frame(frame.begin(), frame.end()) == udp_frame(src, dst, 40000, 53, payload));
  }
}

TEST_CASE("TcpConversation numbers SYN, data and FIN the way TCP does") {
  TcpConversation tcp(Address::v4(10, 0, 0, 1), 40000, Address::v4(10, 0, 0, 2), 21, 1000, 5000);
  const Frame syn = tcp.syn();
  const Frame syn_ack = tcp.syn_ack();
  CHECK(syn[14 + 20 + 13] == tcp_flags::syn);
  CHECK(be16_at(syn_ack, 14 + 20 + 8) == 0);  // high half of the ack number
  CHECK(tcp.next_seq(Side::client) == 1001);
  CHECK(tcp.next_seq(Side::server) == 5001);
  tcp.handshake_ack();
  const auto segments = tcp.send(Side::client, Frame(3000, 'x'));
  REQUIRE(segments.size() == 3);  // 1460 + 1460 + 80
  CHECK(tcp.next_seq(Side::client) == 4001);
  const Frame fin = tcp.fin(Side::server);
  // The server's FIN acknowledges everything the client sent.
  CHECK((std::uint32_t{be16_at(fin, 14 + 20 + 8)} << 16 | be16_at(fin, 14 + 20 + 10)) == 4001);
  CHECK(tcp.next_seq(Side::server) == 5002);
}

TEST_CASE("SMB2 messages carry the direct-TCP length and a 64-byte header") {
  smb2::Header h;
  h.command = smb2::Command::session_setup;
  h.response = true;
  h.status = smb2::status::logon_failure;
  h.message_id = 2;
  h.session_id = 0x1122334455667788ull;
  const Frame m = smb2::message(h, smb2::error_response());
  CHECK(m[0] == 0);
  CHECK(be24_at(m, 1) == m.size() - 4);
  CHECK(m[4] == 0xfe);
  CHECK(m[5] == 'S');
  CHECK(le16_at(m, 4 + 4) == 64);
  CHECK(le32_at(m, 4 + 8) == 0xC000006D);
  CHECK(le16_at(m, 4 + 12) == 1);                  // SESSION_SETUP
  CHECK((le32_at(m, 4 + 16) & 1) == 1);           // SERVER_TO_REDIR
  CHECK(le32_at(m, 4 + 40) == 0x55667788);         // SessionId, low half
  CHECK(m.size() == 4 + 64 + 9);
}

TEST_CASE("SESSION_SETUP's security buffer offset points at the SPNEGO token") {
  const Frame blob = spnego::neg_token_init(ntlmssp::negotiate());
  smb2::Header h;
  h.command = smb2::Command::session_setup;
  const Frame m = smb2::message(h, smb2::session_setup_request(blob));
  const std::uint16_t offset = le16_at(m, 4 + 64 + 12);
  const std::uint16_t length = le16_at(m, 4 + 64 + 14);
  CHECK(length == blob.size());
  CHECK(slice(m, 4 + offset, length) == blob);
  CHECK(blob[0] == 0x60);  // GSS-API InitialContextToken
}

TEST_CASE("NTLMSSP AUTHENTICATE fields point at the UTF-16LE domain, user and workstation") {
  ntlmssp::AuthenticateSpec spec;
  spec.domain = "CORP";
  spec.user = "alice";
  spec.workstation = "WS042";
  ntlmssp::ChallengeSpec challenge;
  spec.target_info = ntlmssp::target_info(challenge);
  const Frame m = ntlmssp::authenticate(spec);
  CHECK(slice(m, 0, 8) == Frame{'N', 'T', 'L', 'M', 'S', 'S', 'P', 0});
  CHECK(le32_at(m, 8) == 3);
  const auto field = [&m](std::size_t at) { return slice(m, le32_at(m, at + 4), le16_at(m, at)); };
  CHECK(field(28) == utf16le("CORP"));
  CHECK(field(36) == utf16le("alice"));
  CHECK(field(44) == utf16le("WS042"));
  CHECK(le16_at(m, 20) > 24);       // an NTLMv2 response, not NTLMv1
  CHECK(le32_at(m, 12 + 4) == 72);  // the LM response (first payload) follows Version: no MIC
}

TEST_CASE("NTLMSSP CHALLENGE ends its target info with MsvAvEOL") {
  ntlmssp::ChallengeSpec spec;
  spec.server_challenge = {1, 2, 3, 4, 5, 6, 7, 8};
  const Frame m = ntlmssp::challenge(spec);
  CHECK(le32_at(m, 8) == 2);
  CHECK(slice(m, 24, 8) == Frame{1, 2, 3, 4, 5, 6, 7, 8});
  const std::size_t info_at = le32_at(m, 44), info_length = le16_at(m, 40);
  REQUIRE(info_at + info_length == m.size());
  CHECK(slice(m, m.size() - 4, 4) == Frame{0, 0, 0, 0});
}

TEST_CASE("DER lengths switch to the long form at 128 bytes") {
  CHECK(slice(spnego::der(0x04, Frame(127, 0)), 0, 2) == Frame{0x04, 127});
  CHECK(slice(spnego::der(0x04, Frame(200, 0)), 0, 3) == Frame{0x04, 0x81, 200});
  CHECK(slice(spnego::der(0x04, Frame(300, 0)), 0, 4) == Frame{0x04, 0x82, 0x01, 0x2c});
}

TEST_CASE("A TLS 1.3 ClientHello has consistent lengths and offers 0x0304 in supported_versions") {
  tls::ClientHelloSpec spec;
  spec.server_name = "files.example.test";
  spec.cipher_suites = {tls::cipher::aes128_gcm_sha256, tls::cipher::fallback_scsv};
  spec.supported_versions = {tls::version::tls13, tls::version::tls12};
  spec.x25519_key_share = Frame(32, 0xab);
  const Frame r = tls::record(tls::ContentType::handshake, tls::version::tls10, tls::client_hello(spec));
  CHECK(r[0] == 22);
  CHECK(be16_at(r, 3) == r.size() - 5);
  CHECK(r[5] == 1);
  CHECK(be24_at(r, 6) == r.size() - 9);
  std::size_t at = 9 + 2 + 32;
  at += 1 + r[at];  // session id
  const std::uint16_t suites = be16_at(r, at);
  CHECK(suites == 4);
  CHECK(be16_at(r, at + 4) == tls::cipher::fallback_scsv);
  at += 2 + suites;
  at += 1 + r[at];  // compression methods
  const std::size_t end = at + 2 + be16_at(r, at);
  CHECK(end == r.size());
  bool offers_13 = false, has_key_share = false;
  for (at += 2; at + 4 <= end; at += 4 + be16_at(r, at + 2)) {
    if (be16_at(r, at) == tls::extension_type::supported_versions) offers_13 = be16_at(r, at + 5) == 0x0304;
    if (be16_at(r, at) == tls::extension_type::key_share) has_key_share = be16_at(r, at + 6) == tls::group::x25519;
  }
  CHECK(offers_13);
  CHECK(has_key_share);
}

TEST_CASE("A ServerHello picking TLS 1.0 has no supported_versions extension") {
  tls::ServerHelloSpec spec;
  spec.legacy_version = tls::version::tls10;
  const Frame h = tls::server_hello(spec);
  CHECK(h[0] == 2);
  CHECK(be16_at(h, 4) == 0x0301);
  const std::size_t cipher_at = 4 + 2 + 32 + 1;
  CHECK(be16_at(h, cipher_at) == tls::cipher::rsa_aes128_cbc_sha);
  CHECK(be16_at(h, cipher_at + 5) == tls::extension_type::renegotiation_info);
}

TEST_CASE("FTP PORT arguments encode the address and the port in bytes") {
  CHECK(ftp_port_command(Address::v4(192, 168, 1, 50), 50000) == line("PORT 192,168,1,50,195,80"));
}

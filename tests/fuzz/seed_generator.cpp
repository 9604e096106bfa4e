// Writes the generated seed corpora: `spanwatch-fuzz-seeds OUTDIR` fills OUTDIR/<target>/ with
// inputs in each target's format (see the targets' headers), built byte-exact with the tests'
// builders (tests/support, the TLS and SMB1 test builders), so the fuzzers start from real protocol.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "stream_chunks.hpp"
#include "support/line_protocol_builder.hpp"
#include "support/ntlmssp_builder.hpp"
#include "support/packet_builder.hpp"
#include "support/smb2_builder.hpp"
#include "support/test_certificate.hpp"
#include "support/tls_builder.hpp"
#include "unit/proto_smb/smb1_builder.hpp"
#include "unit/proto_tls/conversations.hpp"

namespace {

using namespace spanwatch;
using core::Direction;
using testing::Frame;
namespace smb1 = testing::smb1;
namespace smb2 = testing::smb2;
namespace ntlm = testing::ntlmssp;
namespace spnego = testing::spnego;
namespace tls_test = testing::tls_test;

std::filesystem::path out_dir;
int written = 0;

void write_seed(const std::string& target, const std::string& name, const std::vector<std::uint8_t>& bytes) {
  const auto dir = out_dir / target;
  std::filesystem::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                    static_cast<std::streamsize>(bytes.size()));
  ++written;
}

struct Message {
  Direction direction;
  Frame bytes;
};
using Conversation = std::vector<Message>;

// A conversation in the stream format: whole, cut in 7-byte pieces, and with a gap after the first
// message of each direction.
void write_stream_seeds(const std::string& target, const std::string& name, const Conversation& conversation) {
  std::vector<std::uint8_t> whole, pieces, gapped;
  bool gap_done[2] = {false, false};
  for (const auto& m : conversation) {
    fuzz::encode_data(whole, m.direction, m.bytes);
    fuzz::encode_data(pieces, m.direction, m.bytes, 7);
    const unsigned d = core::index_of(m.direction);
    if (!gap_done[d]) {
      fuzz::encode_data(gapped, m.direction, m.bytes);
      fuzz::encode_gap(gapped, m.direction, 10);
      gap_done[d] = true;
    } else {
      fuzz::encode_data(gapped, m.direction, m.bytes);
    }
  }
  write_seed(target, name + "-whole", whole);
  write_seed(target, name + "-pieces", pieces);
  write_seed(target, name + "-gap", gapped);
}

Conversation lines(std::initializer_list<std::pair<Direction, std::string_view>> list) {
  Conversation out;
  for (const auto& [direction, text] : list) out.push_back({direction, testing::line(text)});
  return out;
}

constexpr Direction C = Direction::to_server;
constexpr Direction S = Direction::to_client;

void ftp_seeds() {
  write_stream_seeds("ftp", "login-active",
                     lines({{S, "220 ProFTPD ready"}, {C, "USER alice"}, {S, "331 Password required"}, {C, "PASS secret"},
                            {S, "230 Logged in"}, {C, "SYST"}, {S, "215 UNIX Type: L8"},
                            {C, "PORT 10,0,0,5,15,160"}, {S, "200 PORT ok"}, {C, "EPRT |2|2001:db8::5|4000|"},
                            {S, "200 EPRT ok"}, {C, "LPRT 4,4,10,0,0,5,2,15,160"}, {S, "200 ok"}, {C, "QUIT"},
                            {S, "221 Bye"}}));
  write_stream_seeds("ftp", "passive-multiline",
                     lines({{S, "220-Welcome"}, {S, " to the server"}, {S, "220 ready"}, {C, "USER anonymous"},
                            {S, "331 Guest login ok"}, {C, "PASS guest@"}, {S, "530 Login incorrect"},
                            {C, "PASV"}, {S, "227 Entering Passive Mode (10,0,0,1,200,10)"}, {C, "EPSV"},
                            {S, "229 Entering Extended Passive Mode (|||6446|)"}, {C, "LPSV"},
                            {S, "228 Entering Long Passive Mode (4,4,10,0,0,1,2,200,10)"}}));
  Conversation tls = lines({{S, "220 ready"}, {C, "AUTH TLS"}, {S, "234 AUTH TLS ok"}});
  for (const auto& chunk : tls_test::tls12_full_handshake()) tls.push_back({chunk.direction, chunk.bytes});
  write_stream_seeds("ftp", "auth-tls", tls);
}

void pop3_seeds() {
  write_stream_seeds("pop3", "user-pass-list",
                     lines({{S, "+OK POP3 ready <1896.697170952@dbc.mil>"}, {C, "CAPA"}, {S, "+OK"}, {S, "USER"},
                            {S, "SASL PLAIN LOGIN"}, {S, "."}, {C, "USER bob"}, {S, "+OK"}, {C, "PASS hunter2"},
                            {S, "+OK logged in"}, {C, "LIST"}, {S, "+OK 2 messages"}, {S, "1 120"}, {S, "2 200"},
                            {S, "."}, {C, "RETR 1"}, {S, "+OK 120 octets"}, {S, "..dot stuffed"}, {S, "."},
                            {C, "QUIT"}, {S, "+OK bye"}}));
  write_stream_seeds("pop3", "sasl",
                     lines({{S, "+OK ready"}, {C, "AUTH PLAIN"}, {S, "+ "}, {C, "AGJvYgBodW50ZXIy"}, {S, "-ERR no"},
                            {C, "AUTH LOGIN"}, {S, "+ VXNlcm5hbWU6"}, {C, "Ym9i"}, {S, "+ UGFzc3dvcmQ6"},
                            {C, "aHVudGVyMg=="}, {S, "+OK"}, {C, "APOP mrose c4c9334bac560ecc979e58001b3e22fb"},
                            {S, "-ERR"}, {C, "AUTH CRAM-MD5"}, {S, "+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+"},
                            {C, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"}, {S, "+OK"}}));
  Conversation tls = lines({{S, "+OK ready"}, {C, "STLS"}, {S, "+OK Begin TLS"}});
  for (const auto& chunk : tls_test::tls13_handshake()) tls.push_back({chunk.direction, chunk.bytes});
  write_stream_seeds("pop3", "stls", tls);
}

void starttls_seeds() {
  // The first byte chooses the parser (even SMTP, odd IMAP); the rest is the stream format.
  auto with_mode = [](std::uint8_t mode, const Conversation& conversation, const std::string& name) {
    std::vector<std::uint8_t> out{mode};
    for (const auto& m : conversation) fuzz::encode_data(out, m.direction, m.bytes);
    write_seed("starttls", name, out);
  };
  Conversation smtp = lines({{S, "220 mail.example.test ESMTP"}, {C, "EHLO client"}, {S, "250-mail"},
                             {S, "250 STARTTLS"}, {C, "STARTTLS"}, {S, "220 Go ahead"}});
  for (const auto& chunk : tls_test::tls12_full_handshake()) smtp.push_back({chunk.direction, chunk.bytes});
  with_mode(0, smtp, "smtp-starttls");
  Conversation imap = lines({{S, "* OK IMAP4rev1 ready"}, {C, "a1 CAPABILITY"}, {S, "* CAPABILITY IMAP4rev1 STARTTLS"},
                             {S, "a1 OK done"}, {C, "a2 STARTTLS"}, {S, "a2 OK Begin TLS"}});
  for (const auto& chunk : tls_test::tls13_handshake()) imap.push_back({chunk.direction, chunk.bytes});
  with_mode(1, imap, "imap-starttls");
}

Frame smb2_message(smb2::Command command, bool response, std::uint64_t message_id, std::uint64_t session_id,
                   std::uint32_t status, const Frame& body) {
  smb2::Header h;
  h.command = command;
  h.response = response;
  h.status = status;
  h.message_id = message_id;
  h.session_id = session_id;
  return smb2::message(h, body);
}

void smb_seeds() {
  constexpr std::uint64_t session = 0x0000740000000009;
  ntlm::AuthenticateSpec spec;
  spec.user = "alice";
  spec.target_info = ntlm::target_info({});
  const Frame authenticate = ntlm::authenticate(spec);
  const Frame init = spnego::neg_token_init(ntlm::negotiate());
  const Frame challenge = spnego::neg_token_resp(spnego::NegState::accept_incomplete, true, ntlm::challenge({}));
  const Frame auth_blob = spnego::neg_token_resp(std::nullopt, false, authenticate);
  const Conversation smb2_logon = {
      {C, smb2_message(smb2::Command::negotiate, false, 0, 0, 0,
                       smb2::negotiate_request({smb2::dialect::smb210, smb2::dialect::smb302}, {}))},
      {S, smb2_message(smb2::Command::negotiate, true, 0, 0, 0,
                       smb2::negotiate_response(smb2::dialect::smb302, {}, 0, spnego::neg_token_init({})))},
      {C, smb2_message(smb2::Command::session_setup, false, 1, 0, 0, smb2::session_setup_request(init))},
      {S, smb2_message(smb2::Command::session_setup, true, 1, session, smb2::status::more_processing_required,
                       smb2::session_setup_response(challenge))},
      {C, smb2_message(smb2::Command::session_setup, false, 2, session, 0, smb2::session_setup_request(auth_blob))},
      {S, smb2_message(smb2::Command::session_setup, true, 2, session, 0xc000006d, smb2::error_response())},
  };
  write_stream_seeds("smb", "smb2-ntlm-failure", smb2_logon);

  smb1::Header h;
  h.command = smb1::negotiate;
  const Frame negotiate_request = smb1::negotiate_request(h, {"PC NETWORK PROGRAM 1.0", "LANMAN1.0", "NT LM 0.12"});
  h.reply = true;
  const Frame negotiate_response = smb1::negotiate_response(h, 2, 0x03, 0x8000e3fd);
  smb1::Header setup;
  setup.command = smb1::session_setup_andx;
  setup.mid = 2;
  const Frame setup_request = smb1::session_setup_request_blob(setup, ntlm::negotiate());
  setup.reply = true;
  setup.status = 0xc0000016;
  const Frame setup_response = smb1::session_setup_response(setup, ntlm::challenge({}));
  smb1::Header plain;
  plain.command = smb1::session_setup_andx;
  plain.mid = 3;
  plain.flags2 = 0x0001;  // no extended security, no Unicode: plaintext NT LM 0.12 logon
  const Frame plain_request =
      smb1::session_setup_request_ntlm(plain, Frame(24, 0x11), Frame(24, 0x22), "bob", "WORKGROUP", "\\\\SERVER\\IPC$");
  write_stream_seeds("smb", "smb1", {{C, negotiate_request}, {S, negotiate_response}, {C, setup_request},
                                     {S, setup_response}, {C, plain_request}});

  // The blob target: each security token on its own.
  write_seed("smb_blob", "spnego-init-ntlm-negotiate", init);
  write_seed("smb_blob", "spnego-resp-ntlm-challenge", challenge);
  write_seed("smb_blob", "spnego-resp-ntlm-authenticate", auth_blob);
  write_seed("smb_blob", "ntlm-authenticate", authenticate);
  write_seed("smb_blob", "ntlm-challenge", ntlm::challenge({}));
  write_seed("smb_blob", "ntlm-negotiate", ntlm::negotiate());
}

void tls_seeds() {
  auto to_messages = [](const tls_test::Conversation& conversation) {
    Conversation out;
    for (const auto& chunk : conversation) out.push_back({chunk.direction, chunk.bytes});
    return out;
  };
  write_stream_seeds("tls", "tls12-full", to_messages(tls_test::tls12_full_handshake()));
  write_stream_seeds("tls", "tls13", to_messages(tls_test::tls13_handshake()));
  write_stream_seeds("tls", "sslv2-hello", {{C, tls_test::sslv2_client_hello()}});
  namespace t = testing::tls;
  write_stream_seeds("tls", "alert", {{C, tls_test::handshake_record(t::version::tls10, t::client_hello({}))},
                                      {S, t::alert_record(t::version::tls12, 2, 40)}});
  write_seed("tls_certificate", "test-certificate",
             std::vector<std::uint8_t>(testing::test_certificate_der.begin(), testing::test_certificate_der.end()));
}

// decode: a link-type byte, then be16-length-prefixed frames.
void decode_seeds() {
  using testing::Address;
  const Address c4 = Address::v4(192, 0, 2, 10), s4 = Address::v4(198, 51, 100, 20);
  const Address c6 = Address::v6_simple(0x2001, 0x10), s6 = Address::v6_simple(0x2001, 0x20);
  auto write_frames = [](const std::string& name, std::uint8_t link, const std::vector<Frame>& frames) {
    std::vector<std::uint8_t> out{link};
    for (const auto& f : frames) {
      out.push_back(static_cast<std::uint8_t>(f.size() >> 8));
      out.push_back(static_cast<std::uint8_t>(f.size()));
      out.insert(out.end(), f.begin(), f.end());
    }
    write_seed("decode", name, out);
  };
  testing::TcpSegment syn;
  syn.sport = 40000;
  syn.dport = 445;
  syn.seq = 1000;
  syn.flags = testing::tcp_flags::syn;
  syn.options = {2, 4, 5, 0xb4, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0};
  testing::TcpSegment data = syn;
  data.flags = testing::tcp_flags::ack | testing::tcp_flags::psh;
  data.options = {};
  data.payload = testing::bytes_of("USER alice\r\n");
  write_frames("eth-tcp-v4-v6", 0, {testing::tcp_frame(c4, s4, syn), testing::tcp_frame(c4, s4, data),
                                    testing::tcp_frame(c6, s6, syn), testing::udp_frame(c4, s4, 5353, 53, Frame(20, 1))});
  testing::EthernetOptions qinq;
  qinq.vlans = {100, 200};
  qinq.outer_tpid = 0x88a8;
  write_frames("eth-qinq", 0, {testing::tcp_frame(c4, s4, data, qinq)});
  const Frame body = testing::tcp_bytes(c4, s4, data);
  Frame big = body;
  big.resize(1200, 0x41);
  write_frames("eth-ipv4-fragments", 0, testing::ipv4_fragments(c4, s4, 6, big, 400, 77));
  auto reversed = testing::ipv4_fragments(c4, s4, 6, big, 256, 78);
  std::vector<Frame> overlapping(reversed.rbegin(), reversed.rend());
  overlapping.push_back(reversed[1]);
  write_frames("eth-ipv4-fragments-reversed", 0, overlapping);
  write_frames("eth-ipv6-fragments", 0, testing::ipv6_fragments(c6, s6, 6, testing::tcp_bytes(c6, s6, data), 8, 99));
  // Raw IP (no link header) and Linux cooked v1: the Ethernet frame's layer 3 with another header.
  const Frame ip = testing::ipv4_bytes(c4, s4, 6, body, {});
  write_frames("raw-ipv4", 2, {ip, testing::ipv6_bytes(c6, s6, 6, testing::tcp_bytes(c6, s6, syn))});
  Frame sll = {0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00};
  sll.insert(sll.end(), ip.begin(), ip.end());
  write_frames("sll-ipv4", 1, {sll});
}

// tcp_reassembly: ISNs, settings, then segments (see tcp_reassembly_fuzz.cpp).
void tcp_seeds() {
  struct Segment {
    bool to_client;
    std::uint8_t flags;
    std::int16_t seq, ack;
    std::string_view payload;
  };
  auto write_session = [](const std::string& name, std::uint32_t client_isn, std::uint32_t server_isn,
                          std::uint8_t settings, const std::vector<Segment>& segments) {
    std::vector<std::uint8_t> out;
    for (std::uint32_t v : {client_isn, server_isn}) {
      for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
    }
    out.push_back(settings);
    for (const auto& s : segments) {
      out.push_back(s.to_client ? 1 : 0);
      out.push_back(s.flags);
      out.push_back(static_cast<std::uint8_t>(static_cast<std::uint16_t>(s.seq) >> 8));
      out.push_back(static_cast<std::uint8_t>(s.seq));
      out.push_back(static_cast<std::uint8_t>(static_cast<std::uint16_t>(s.ack) >> 8));
      out.push_back(static_cast<std::uint8_t>(s.ack));
      out.push_back(0xff);
      out.push_back(static_cast<std::uint8_t>(s.payload.size()));
      out.insert(out.end(), s.payload.begin(), s.payload.end());
    }
    write_seed("tcp_reassembly", name, out);
  };
  namespace f = testing::tcp_flags;
  const std::uint8_t pa = f::psh | f::ack;
  write_session("in-order", 1000, 5000, 0,
                {{false, f::syn, 0, 0, ""}, {true, f::syn | f::ack, 0, 1, ""}, {false, f::ack, 1, 1, ""},
                 {false, pa, 1, 1, "USER alice\r\n"}, {true, pa, 1, 13, "331 Password\r\n"},
                 {false, f::fin | f::ack, 13, 15, ""}, {true, f::fin | f::ack, 15, 14, ""}});
  // Near the wrap of the sequence space, out of order, overlapping with other bytes, a hole, a RST.
  write_session("wrap-reorder-overlap", 0xfffffff0u, 0x7ffffff0u, 0x02,
                {{false, f::syn, 0, 0, ""}, {true, f::syn | f::ack, 0, 1, ""}, {false, f::ack, 1, 1, ""},
                 {false, pa, 11, 1, "0123456789"}, {false, pa, 1, 1, "abcdefghij"}, {false, pa, 5, 1, "XXXXXXXXXXXX"},
                 {true, f::ack, 1, 40, ""}, {false, pa, 31, 1, "after a hole"}, {true, f::rst | f::ack, 1, 21, ""}});
  // Midstream: no handshake, data from both sides, with depth and a small buffer.
  write_session("midstream", 123456, 654321, 0x05,
                {{true, pa, 100, 200, "+OK ready\r\n"}, {false, pa, 200, 111, "CAPA\r\n"},
                 {true, pa, 111, 206, "+OK\r\n.\r\n"}});
}

void rules_seeds(const std::filesystem::path& rules_dir) {
  for (const auto& entry : std::filesystem::directory_iterator(rules_dir)) {
    if (entry.path().extension() != ".yaml") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    write_seed("rules", entry.path().filename().string(),
               std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
  }
}

void config_seeds(const std::filesystem::path& config_file) {
  std::ifstream in(config_file, std::ios::binary);
  write_seed("config", "spanwatch.yaml",
             std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
  const std::string small = "capture:\n  snaplen: 9000\nflow:\n  memcap: 64MiB\nlogging:\n  level: debug\n";
  write_seed("config", "small.yaml", std::vector<std::uint8_t>(small.begin(), small.end()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s OUTDIR RULES_DIR CONFIG_FILE\n", argv[0]);
    return 2;
  }
  out_dir = argv[1];
  ftp_seeds();
  pop3_seeds();
  starttls_seeds();
  smb_seeds();
  tls_seeds();
  decode_seeds();
  tcp_seeds();
  rules_seeds(argv[2]);
  config_seeds(argv[3]);
  std::printf("%d seeds in %s\n", written, out_dir.c_str());
  return 0;
}

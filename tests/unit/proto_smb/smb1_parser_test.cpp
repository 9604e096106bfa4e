#include <catch2/catch.hpp>

#include "smb1_builder.hpp"
#include "smb_test_support.hpp"
#include "support/protocol_builders.hpp"

using namespace spanwatch;
using namespace spanwatch::proto::smb;
using namespace spanwatch::proto::smb::test;
namespace smb1 = spanwatch::testing::smb1;
namespace ntlm = spanwatch::testing::ntlmssp;
using core::Direction;

namespace {

Message client(Frame bytes) { return {Direction::to_server, std::move(bytes)}; }
Message server(Frame bytes) { return {Direction::to_client, std::move(bytes)}; }

smb1::Header header(std::uint8_t command, bool reply, std::uint16_t mid, std::uint16_t uid = 0,
                    std::uint32_t status = 0) {
  smb1::Header h;
  h.command = command;
  h.reply = reply;
  h.mid = mid;
  h.uid = uid;
  h.status = status;
  return h;
}

std::vector<Message> negotiate_nt_lm(std::uint8_t security_mode = 0x03) {
  return {client(smb1::negotiate_request(header(smb1::negotiate, false, 1),
                                         {"PC NETWORK PROGRAM 1.0", "LANMAN1.0", "NT LM 0.12"})),
          server(smb1::negotiate_response(header(smb1::negotiate, true, 1), 2, security_mode, 0x8000e3fd))};
}

RecordingSink run(const std::vector<Message>& conversation) {
  RecordingSink sink;
  sink.events = events_every_way(conversation);
  return sink;
}

}  // namespace

TEST_CASE("SMB1 NEGOTIATE reports the offered dialects and the chosen one") {
  const auto sink = run(negotiate_nt_lm(0x0f));
  const auto negotiates = sink.of_kind("smb.negotiate");
  REQUIRE(negotiates.size() == 1);
  CHECK(negotiates[0].version == 1);
  CHECK(negotiates[0].dialect == "NT LM 0.12");
  CHECK(negotiates[0].client_dialects.size() == 3);
  CHECK(negotiates[0].signing_required);
}

TEST_CASE("SMB1 extended security with raw NTLMSSP reports the user at the final response") {
  ntlm::AuthenticateSpec spec;
  spec.user = "test";
  spec.domain = "TEST-PC";
  spec.target_info = ntlm::target_info({});
  auto c = negotiate_nt_lm();
  c.push_back(client(smb1::session_setup_request_blob(header(smb1::session_setup_andx, false, 2), ntlm::negotiate())));
  c.push_back(server(smb1::session_setup_response(header(smb1::session_setup_andx, true, 2, 0x800, 0xC0000016),
                                                  ntlm::challenge({}))));
  c.push_back(client(smb1::session_setup_request_blob(header(smb1::session_setup_andx, false, 3, 0x800),
                                                      ntlm::authenticate(spec))));
  c.push_back(server(smb1::session_setup_response(header(smb1::session_setup_andx, true, 3, 0x800), {}, 1)));
  const auto sink = run(c);
  const auto setups = sink.of_kind("smb.session_setup");
  REQUIRE(setups.size() == 1);
  CHECK(setups[0].version == 1);
  CHECK(setups[0].user == "test");
  CHECK(setups[0].domain == "TEST-PC");
  CHECK(setups[0].mechanism == "ntlmssp");
  CHECK(setups[0].status_name == "STATUS_SUCCESS");
  CHECK(setups[0].guest);
  CHECK(setups[0].session_id == 0x800);
  CHECK(setups[0].dialect == "NT LM 0.12");
}

TEST_CASE("SMB1 ERRSRV/ERRbadpw is one status type and an authentication failure") {
  auto c = negotiate_nt_lm();
  const Frame nt_response(24, 0x42);
  c.push_back(client(smb1::session_setup_request_ntlm(header(smb1::session_setup_andx, false, 2), Frame(24, 0x41),
                                                      nt_response, "mallory", "WORKGROUP", "\\\\FS\\IPC$")));
  c.push_back(server(smb1::session_setup_response(
      smb1::dos_error(header(smb1::session_setup_andx, true, 2), 0x02, 0x0002), {})));
  const auto sink = run(c);
  const auto setups = sink.of_kind("smb.session_setup");
  REQUIRE(setups.size() == 1);
  CHECK(setups[0].user == "mallory");
  CHECK(setups[0].domain == "WORKGROUP");
  CHECK(setups[0].ntlm_version == "ntlmv1");
  CHECK(setups[0].status == 0x00020002);
  CHECK(setups[0].status_name == "SRV_BADPW");
  CHECK(setups[0].auth_failure);
}

TEST_CASE("SMB1 session setup chained with TREE_CONNECT_ANDX reports the share") {
  auto c = negotiate_nt_lm();
  c.push_back(client(smb1::session_setup_request_ntlm(header(smb1::session_setup_andx, false, 2), Frame(24, 1),
                                                      Frame(24, 2), "alice", "CORP", "\\\\FS\\DATA")));
  // Reply: session setup AndX tree connect, both successful.
  Frame m = smb1::header(header(smb1::session_setup_andx, true, 2, 0x801));
  const std::size_t tree_at = m.size() + 1 + 6 + 2;
  Frame words = smb1::andx(smb1::tree_connect_andx, static_cast<std::uint16_t>(tree_at));
  spanwatch::testing::put_le16(words, 0);
  smb1::block(m, words, {});
  Frame tree_words = smb1::andx(smb1::no_andx, 0);
  spanwatch::testing::put_le16(tree_words, 1);
  Frame tree_bytes;
  spanwatch::testing::append(tree_bytes, std::string_view("A:\0NTFS\0", 8));
  smb1::block(m, tree_words, tree_bytes);
  c.push_back(server(smb1::nbss(m)));
  const auto sink = run(c);
  REQUIRE(sink.of_kind("smb.session_setup").size() == 1);
  const auto trees = sink.of_kind("smb.tree_connect");
  REQUIRE(trees.size() == 1);
  CHECK(trees[0].share == "\\\\FS\\DATA");
  CHECK(trees[0].status_name == "STATUS_SUCCESS");
}

TEST_CASE("an SMB1 handshake abandoned after the CHALLENGE is neither success nor failure") {
  auto c = negotiate_nt_lm();
  c.push_back(client(smb1::session_setup_request_blob(header(smb1::session_setup_andx, false, 2), ntlm::negotiate())));
  c.push_back(server(smb1::session_setup_response(header(smb1::session_setup_andx, true, 2, 0x900, 0xC0000016),
                                                  ntlm::challenge({}))));
  Frame logoff = smb1::header(header(smb1::logoff_andx, false, 3, 0x900));
  smb1::block(logoff, smb1::andx(smb1::no_andx, 0), {});
  c.push_back(client(smb1::nbss(logoff)));
  Frame logoff_reply = smb1::header(smb1::dos_error(header(smb1::logoff_andx, true, 3, 0x900), 0x02, 0x005b));
  smb1::block(logoff_reply, {}, {});
  c.push_back(server(smb1::nbss(logoff_reply)));
  const auto sink = run(c);
  CHECK(sink.of_kind("smb.session_setup").empty());
  CHECK(sink.events.size() == 1);  // the negotiate only
}

TEST_CASE("SMB1 plaintext passwords are seen but masked") {
  auto c = negotiate_nt_lm(0x01);  // user level, passwords not encrypted
  c.push_back(client(smb1::session_setup_request_ntlm(header(smb1::session_setup_andx, false, 2),
                                                      Frame{'s', 'e', 'c', 'r', 'e', 't'}, {}, "guest", "")));
  c.push_back(server(smb1::session_setup_response(header(smb1::session_setup_andx, true, 2, 0x700), {})));
  const auto sink = run(c);
  const auto setups = sink.of_kind("smb.session_setup");
  REQUIRE(setups.size() == 1);
  CHECK(setups[0].mechanism == "plaintext");
  CHECK(setups[0].password_seen);
  CHECK(setups[0].password == "***");
}

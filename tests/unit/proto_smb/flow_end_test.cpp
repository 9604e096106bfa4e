// What the SMB parser reports when a flow ends (finish()): logon attempts that never got their
// response, and nothing more for those that did or were abandoned.
#include <catch2/catch.hpp>

#include "smb1_builder.hpp"
#include "smb_test_support.hpp"
#include "support/protocol_builders.hpp"

using namespace spanwatch;
using namespace spanwatch::proto::smb;
using namespace spanwatch::proto::smb::test;
namespace smb1 = spanwatch::testing::smb1;
namespace smb2 = spanwatch::testing::smb2;
namespace ntlm = spanwatch::testing::ntlmssp;
namespace spnego = spanwatch::testing::spnego;
using core::Direction;
using proto::FeedContext;

namespace {

constexpr std::uint64_t session = 0x0000740000000009;

Message client(Frame bytes) { return {Direction::to_server, std::move(bytes)}; }
Message server(Frame bytes) { return {Direction::to_client, std::move(bytes)}; }

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

// SMB 3.0.2 negotiated, NTLMSSP NEGOTIATE/CHALLENGE done, the AUTHENTICATE request sent: everything
// but the final response.
std::vector<Message> smb2_logon_awaiting_outcome(std::string_view user) {
  ntlm::AuthenticateSpec spec;
  spec.user = user;
  spec.target_info = ntlm::target_info({});
  return {
      client(smb2_message(smb2::Command::negotiate, false, 0, 0, 0,
                          smb2::negotiate_request({smb2::dialect::smb210, smb2::dialect::smb302}, {}))),
      server(smb2_message(smb2::Command::negotiate, true, 0, 0, 0,
                          smb2::negotiate_response(smb2::dialect::smb302, {}, 0, spnego::neg_token_init({})))),
      client(smb2_message(smb2::Command::session_setup, false, 1, 0, 0,
                          smb2::session_setup_request(spnego::neg_token_init(ntlm::negotiate())))),
      server(smb2_message(smb2::Command::session_setup, true, 1, session, smb2::status::more_processing_required,
                          smb2::session_setup_response(
                              spnego::neg_token_resp(spnego::NegState::accept_incomplete, true, ntlm::challenge({}))))),
      client(smb2_message(smb2::Command::session_setup, false, 2, session, 0,
                          smb2::session_setup_request(spnego::neg_token_resp(std::nullopt, false, ntlm::authenticate(spec))))),
  };
}

Message smb2_final_response(std::uint32_t status) {
  return server(smb2_message(smb2::Command::session_setup, true, 2, session, status, smb2::error_response()));
}

// Feeds the conversation in pieces of `piece` bytes, then ends the flow.
RecordingSink feed_then_finish(SmbParser& parser, const std::vector<Message>& conversation, std::size_t piece,
                               std::size_t& events_before_finish) {
  RecordingSink sink;
  Feeder(parser).feed(conversation, sink, piece);
  events_before_finish = sink.of_kind("smb.session_setup").size();
  FeedContext context{sink, core::Timestamp{1700000001, 0}};
  parser.finish(context);
  return sink;
}

}  // namespace

TEST_CASE("a session setup request still unanswered at flow end is reported without a status") {
  for (const std::size_t piece : {SIZE_MAX, std::size_t{1}, std::size_t{7}}) {
    SmbParser parser;
    std::size_t before = 0;
    const auto sink = feed_then_finish(parser, smb2_logon_awaiting_outcome("mallory"), piece, before);
    CHECK(before == 0);
    const auto setups = sink.of_kind("smb.session_setup");
    REQUIRE(setups.size() == 1);
    CHECK_FALSE(setups[0].answered);
    CHECK(setups[0].user == "mallory");
    CHECK(setups[0].domain == "CORP");
    CHECK(setups[0].workstation == "WS042");
    CHECK(setups[0].mechanism == "ntlmssp");
    CHECK(setups[0].dialect == "3.02");
    CHECK(setups[0].session_id == session);
    CHECK(setups[0].status_name.empty());
    CHECK_FALSE(setups[0].auth_failure);
    CHECK(parser.counters().unanswered_session_setups == 1);
    CHECK(parser.counters().session_setups == 0);

    // Reported once: a second finish has nothing left.
    RecordingSink again;
    FeedContext context{again, core::Timestamp{1700000002, 0}};
    parser.finish(context);
    CHECK(again.events.empty());
  }
}

TEST_CASE("a logon that got its outcome leaves nothing to report at flow end") {
  auto conversation = smb2_logon_awaiting_outcome("alice");
  conversation.push_back(smb2_final_response(smb2::status::logon_failure));
  SmbParser parser;
  std::size_t before = 0;
  const auto sink = feed_then_finish(parser, conversation, SIZE_MAX, before);
  CHECK(before == 1);
  const auto setups = sink.of_kind("smb.session_setup");
  REQUIRE(setups.size() == 1);
  CHECK(setups[0].answered);
  CHECK(setups[0].status_name == "STATUS_LOGON_FAILURE");
  CHECK(parser.counters().unanswered_session_setups == 0);
}

TEST_CASE("a handshake abandoned with LOGOFF is not reported at flow end") {
  auto conversation = smb2_logon_awaiting_outcome("alice");
  conversation.push_back(client(smb2_message(smb2::Command::logoff, false, 3, session, 0, Frame{4, 0, 0, 0})));
  SmbParser parser;
  std::size_t before = 0;
  const auto sink = feed_then_finish(parser, conversation, SIZE_MAX, before);
  CHECK(sink.of_kind("smb.session_setup").empty());
  CHECK(parser.counters().unanswered_session_setups == 0);
}

TEST_CASE("reset forgets unanswered requests: a reused parser reports none of the last flow's") {
  SmbParser parser;
  RecordingSink sink;
  Feeder(parser).feed(smb2_logon_awaiting_outcome("alice"), sink);
  parser.reset();
  FeedContext context{sink, core::Timestamp{1700000001, 0}};
  parser.finish(context);
  CHECK(sink.of_kind("smb.session_setup").empty());
}

TEST_CASE("an unanswered SMB1 session setup is reported at flow end with its account") {
  smb1::Header negotiate;
  negotiate.command = smb1::negotiate;
  negotiate.mid = 1;
  smb1::Header negotiate_reply = negotiate;
  negotiate_reply.reply = true;
  smb1::Header setup;
  setup.command = smb1::session_setup_andx;
  setup.mid = 2;
  const std::vector<Message> conversation = {
      client(smb1::negotiate_request(negotiate, {"NT LM 0.12"})),
      server(smb1::negotiate_response(negotiate_reply, 0, 0x03, 0x0000e3fd)),
      client(smb1::session_setup_request_ntlm(setup, Frame(24, 0x11), Frame(24, 0x22), "bob", "WORKGROUP")),
  };
  SmbParser parser;
  std::size_t before = 0;
  const auto sink = feed_then_finish(parser, conversation, 1, before);
  CHECK(before == 0);
  const auto setups = sink.of_kind("smb.session_setup");
  REQUIRE(setups.size() == 1);
  CHECK_FALSE(setups[0].answered);
  CHECK(setups[0].version == 1);
  CHECK(setups[0].user == "bob");
  CHECK(setups[0].domain == "WORKGROUP");
  CHECK(setups[0].dialect == "NT LM 0.12");
  CHECK(setups[0].ntlm_version == "ntlmv1");
}

TEST_CASE("the NTLMSSP VERSION of the AUTHENTICATE message reaches the session setup event") {
  auto conversation = smb2_logon_awaiting_outcome("alice");
  conversation.push_back(smb2_final_response(0));
  RecordingSink sink;
  sink.events = events_every_way(conversation);
  const auto setups = sink.of_kind("smb.session_setup");
  REQUIRE(setups.size() == 1);
  CHECK(setups[0].ntlmssp_version == "10.0 build 19041 rev 15");
}

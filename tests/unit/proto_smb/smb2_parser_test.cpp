#include <catch2/catch.hpp>

#include "smb_test_support.hpp"
#include "support/protocol_builders.hpp"

using namespace spanwatch;
using namespace spanwatch::proto::smb;
using namespace spanwatch::proto::smb::test;
namespace smb2 = spanwatch::testing::smb2;
namespace ntlm = spanwatch::testing::ntlmssp;
namespace spnego = spanwatch::testing::spnego;
using core::Direction;

namespace {

constexpr std::uint64_t session = 0x0000740000000001;

Message client(Frame bytes) { return {Direction::to_server, std::move(bytes)}; }
Message server(Frame bytes) { return {Direction::to_client, std::move(bytes)}; }

Frame request(smb2::Command command, std::uint64_t message_id, std::uint64_t session_id, const Frame& body) {
  smb2::Header h;
  h.command = command;
  h.message_id = message_id;
  h.session_id = session_id;
  return smb2::message(h, body);
}
Frame response(smb2::Command command, std::uint64_t message_id, std::uint64_t session_id, std::uint32_t status,
               const Frame& body) {
  smb2::Header h;
  h.command = command;
  h.response = true;
  h.status = status;
  h.message_id = message_id;
  h.session_id = session_id;
  return smb2::message(h, body);
}

// NEGOTIATE, then an NTLMSSP logon over SPNEGO: NEGOTIATE/CHALLENGE, AUTHENTICATE/final status.
std::vector<Message> ntlm_logon(std::string_view user, std::uint32_t final_status, std::uint64_t first_id = 0) {
  ntlm::AuthenticateSpec spec;
  spec.user = user;
  spec.target_info = ntlm::target_info({});
  std::vector<Message> c;
  c.push_back(client(request(smb2::Command::negotiate, first_id, 0,
                             smb2::negotiate_request({smb2::dialect::smb202, smb2::dialect::smb210, smb2::dialect::smb300}, {}))));
  c.push_back(server(response(smb2::Command::negotiate, first_id, 0, 0,
                              smb2::negotiate_response(smb2::dialect::smb300, {}, 0, spnego::neg_token_init({})))));
  c.push_back(client(request(smb2::Command::session_setup, first_id + 1, 0,
                             smb2::session_setup_request(spnego::neg_token_init(ntlm::negotiate())))));
  c.push_back(server(response(smb2::Command::session_setup, first_id + 1, session, smb2::status::more_processing_required,
                              smb2::session_setup_response(spnego::neg_token_resp(spnego::NegState::accept_incomplete, true,
                                                                                  ntlm::challenge({}))))));
  c.push_back(client(request(smb2::Command::session_setup, first_id + 2, session,
                             smb2::session_setup_request(spnego::neg_token_resp(std::nullopt, false, ntlm::authenticate(spec))))));
  c.push_back(server(response(smb2::Command::session_setup, first_id + 2, session, final_status,
                              final_status == 0 ? smb2::session_setup_response(spnego::neg_token_resp(
                                                      spnego::NegState::accept_completed, false, {}))
                                                : smb2::error_response())));
  return c;
}

}  // namespace

TEST_CASE("SMB2 logon failure is one final session setup with the user of the matching request") {
  const auto events = events_every_way(ntlm_logon("alice", smb2::status::logon_failure));
  RecordingSink sink;
  sink.events = events;
  const auto setups = sink.of_kind("smb.session_setup");
  REQUIRE(setups.size() == 1);
  CHECK(setups[0].user == "alice");
  CHECK(setups[0].domain == "CORP");
  CHECK(setups[0].workstation == "WS042");
  CHECK(setups[0].mechanism == "ntlmssp");
  CHECK(setups[0].ntlm_version == "ntlmv2");
  CHECK(setups[0].status == 0xC000006D);
  CHECK(setups[0].status_name == "STATUS_LOGON_FAILURE");
  CHECK(setups[0].auth_failure);
  CHECK(setups[0].session_id == session);
  CHECK(setups[0].dialect == "3.00");
  CHECK(setups[0].version == 2);
  const auto negotiates = sink.of_kind("smb.negotiate");
  REQUIRE(negotiates.size() == 1);
  CHECK(negotiates[0].client_dialects == std::vector<std::string>{"2.02", "2.10", "3.00"});
  CHECK(negotiates[0].dialect == "3.00");
  CHECK(sink.events.size() == 2);  // no event for the MORE_PROCESSING_REQUIRED leg, no anomaly
}

TEST_CASE("SMB2 successful logon reports success and is not an auth failure") {
  const auto events = events_every_way(ntlm_logon("bob", smb2::status::success));
  RecordingSink sink;
  sink.events = events;
  const auto setups = sink.of_kind("smb.session_setup");
  REQUIRE(setups.size() == 1);
  CHECK(setups[0].user == "bob");
  CHECK(setups[0].status_name == "STATUS_SUCCESS");
  CHECK_FALSE(setups[0].auth_failure);
}

TEST_CASE("ACCESS_DENIED on a session setup is reported but is not an authentication failure") {
  const auto events = events_every_way(ntlm_logon("carol", smb2::status::access_denied));
  RecordingSink sink;
  sink.events = events;
  const auto setups = sink.of_kind("smb.session_setup");
  REQUIRE(setups.size() == 1);
  CHECK(setups[0].status_name == "STATUS_ACCESS_DENIED");
  CHECK_FALSE(setups[0].auth_failure);
}

TEST_CASE("an anonymous NTLMSSP logon is marked anonymous with no user") {
  // Empty NT response, one zero byte of LM response: MS-NLMP anonymous.
  const Frame lm{0};
  Frame m;
  ntlm::signature(m, 3);
  const std::size_t header = 72;
  ntlm::buffer_field(m, 1, header);
  for (int i = 0; i < 5; ++i) ntlm::buffer_field(m, 0, header + 1);
  spanwatch::testing::put_le32(m, ntlm::client_flags);
  ntlm::version_field(m);
  spanwatch::testing::append(m, lm);
  const std::vector<Message> c = {
      client(request(smb2::Command::session_setup, 5, 9, smb2::session_setup_request(spnego::neg_token_resp(std::nullopt, false, m)))),
      server(response(smb2::Command::session_setup, 5, 9, 0, smb2::session_setup_response({}, 0x2))),
  };
  RecordingSink sink;
  sink.events = events_every_way(c);
  const auto setups = sink.of_kind("smb.session_setup");
  REQUIRE(setups.size() == 1);
  CHECK(setups[0].anonymous);
  CHECK(setups[0].user.empty());
  CHECK(setups[0].status_name == "STATUS_SUCCESS");
}

TEST_CASE("a WRITE body is skipped by length and the messages after it are parsed") {
  smb2::Header h;
  h.command = static_cast<smb2::Command>(9);  // WRITE
  h.message_id = 50;
  const Frame write = smb2::message(h, Frame(100000, 0xab));
  std::vector<Message> c = {client(write)};
  for (auto& m : ntlm_logon("dave", smb2::status::logon_failure, 60)) c.push_back(m);
  SmbParser parser;
  RecordingSink sink;
  Feeder feeder(parser);
  feeder.feed(c, sink, 1460);
  CHECK(parser.counters().skipped_bytes >= 100000 - 1460);
  const auto setups = sink.of_kind("smb.session_setup");
  REQUIRE(setups.size() == 1);
  CHECK(setups[0].user == "dave");
  // Byte by byte and split at every offset agree (the body is never buffered).
  events_every_way(c);
}

TEST_CASE("compound SMB2 messages in one NBSS message are each parsed") {
  // TREE_CONNECT request compounded after a (skipped) ECHO: NextCommand chains them.
  smb2::Header echo;
  echo.command = static_cast<smb2::Command>(13);
  echo.message_id = 7;
  Frame first = smb2::header(echo);
  spanwatch::testing::append(first, Frame{4, 0, 0, 0, 0, 0, 0, 0});  // ECHO body, padded to 8
  spanwatch::testing::patch_le32(first, 20, static_cast<std::uint32_t>(first.size()));
  smb2::Header tree;
  tree.command = smb2::Command::tree_connect;
  tree.message_id = 8;
  Frame second = smb2::header(tree);
  const Frame path = spanwatch::testing::utf16le("\\\\fs01\\share");
  Frame body;
  spanwatch::testing::put_le16(body, 9);
  spanwatch::testing::put_le16(body, 0);
  spanwatch::testing::put_le16(body, 64 + 8);
  spanwatch::testing::put_le16(body, static_cast<std::uint16_t>(path.size()));
  spanwatch::testing::append(body, path);
  spanwatch::testing::append(second, body);
  spanwatch::testing::append(first, second);
  Frame nbss;
  spanwatch::testing::put8(nbss, 0);
  spanwatch::testing::put24(nbss, static_cast<std::uint32_t>(first.size()));
  spanwatch::testing::append(nbss, first);
  Frame tree_response_body{16, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  const std::vector<Message> c = {client(nbss),
                                  server(response(smb2::Command::tree_connect, 8, 0, 0, tree_response_body))};
  RecordingSink sink;
  sink.events = events_every_way(c);
  const auto trees = sink.of_kind("smb.tree_connect");
  REQUIRE(trees.size() == 1);
  CHECK(trees[0].share == "\\\\fs01\\share");
  CHECK(trees[0].status_name == "STATUS_SUCCESS");
}

TEST_CASE("after a gap the parser resynchronises at the next NBSS header followed by an SMB magic") {
  const auto logon = ntlm_logon("erin", smb2::status::logon_failure);
  SmbParser parser;
  RecordingSink sink;
  proto::FeedContext context{sink, {}};
  Feeder feeder(parser);
  // Half of the NEGOTIATE request, then a hole, then the rest of the conversation.
  const Frame& negotiate = logon[0].bytes;
  feeder.feed_bytes(Direction::to_server, core::Bytes(negotiate).first(30), sink);
  parser.gap(Direction::to_server, negotiate.size() - 30, context);
  feeder.feed(std::vector<Message>(logon.begin() + 1, logon.end()), sink, 7);
  CHECK(parser.counters().anomalies[SmbAnomaly::resynchronised] == 1);
  const auto setups = sink.of_kind("smb.session_setup");
  REQUIRE(setups.size() == 1);
  CHECK(setups[0].user == "erin");
}

TEST_CASE("encrypted SMB3 transform messages are counted and not parsed") {
  Frame transform{0xfd, 'S', 'M', 'B'};
  spanwatch::testing::append(transform, Frame(32, 0x5a));
  spanwatch::testing::put_le32(transform, 40);
  spanwatch::testing::put_le16(transform, 0);
  spanwatch::testing::put_le16(transform, 1);
  spanwatch::testing::put_le64(transform, session);
  spanwatch::testing::append(transform, Frame(40, 0xfe));  // ciphertext that looks like a header
  Frame nbss{0};
  spanwatch::testing::put24(nbss, static_cast<std::uint32_t>(transform.size()));
  spanwatch::testing::append(nbss, transform);
  SmbParser parser;
  RecordingSink sink;
  Feeder(parser).feed({client(nbss), client(nbss)}, sink, 5);
  CHECK(parser.counters().encrypted_messages == 2);
  CHECK(sink.events.empty());
}

TEST_CASE("reset returns the parser to a new flow's state") {
  SmbParser parser;
  RecordingSink sink;
  const auto logon = ntlm_logon("frank", smb2::status::logon_failure);
  Feeder(parser).feed(std::vector<Message>(logon.begin(), logon.begin() + 5), sink);  // no final response
  parser.reset();
  Feeder(parser).feed({logon[5]}, sink);
  const auto setups = sink.of_kind("smb.session_setup");
  REQUIRE(setups.size() == 1);
  CHECK(setups[0].user.empty());  // the request belonged to the flow before reset
  CHECK(setups[0].mechanism == "unknown");
}

TEST_CASE("a session setup larger than max_message_bytes is skipped with an anomaly however it is cut") {
  SmbOptions options;
  options.max_message_bytes = 200;
  RecordingSink sink;
  sink.events = events_every_way(ntlm_logon("grace", smb2::status::logon_failure), options);
  // The two messages over 200 bytes: the CHALLENGE response and the AUTHENTICATE request.
  CHECK(sink.of_kind("smb.message_too_large").size() == 2);
  const auto setups = sink.of_kind("smb.session_setup");
  REQUIRE(setups.size() == 1);
  CHECK(setups[0].user.empty());  // its identity was never read
  CHECK(setups[0].auth_failure);
}

TEST_CASE("more outstanding session setups than max_pending_requests evict the oldest, counted") {
  SmbOptions options;
  options.max_pending_requests = 2;
  ntlm::AuthenticateSpec spec;
  spec.target_info = ntlm::target_info({});
  std::vector<Message> c;
  for (std::uint64_t id = 1; id <= 3; ++id) {
    spec.user = id == 1 ? "first" : id == 2 ? "second" : "third";
    c.push_back(client(request(smb2::Command::session_setup, id, id,
                               smb2::session_setup_request(spnego::neg_token_resp(std::nullopt, false, ntlm::authenticate(spec))))));
  }
  for (std::uint64_t id = 1; id <= 3; ++id) {
    c.push_back(server(response(smb2::Command::session_setup, id, id, smb2::status::logon_failure, smb2::error_response())));
  }
  SmbParser parser(options);
  RecordingSink sink;
  Feeder(parser).feed(c, sink);
  CHECK(parser.counters().anomalies[SmbAnomaly::pending_requests_full] == 1);
  const auto setups = sink.of_kind("smb.session_setup");
  REQUIRE(setups.size() == 3);
  CHECK(setups[0].user.empty());  // evicted
  CHECK(setups[1].user == "second");
  CHECK(setups[2].user == "third");
}

TEST_CASE("an SMB parser holds pooled request entries only while the requests await their response") {
  SmbOptions options;
  options.pending_pools = std::make_shared<PendingPools>();
  PendingPools& pools = *options.pending_pools;
  const auto logon = ntlm_logon("dave", smb2::status::logon_failure);
  SmbParser first(options), second(options);
  RecordingSink first_sink, second_sink;
  Feeder first_feeder(first), second_feeder(second);
  const auto feed_both = [&](const Message& m) {
    first_feeder.feed_bytes(m.direction, core::Bytes(m.bytes), first_sink);
    second_feeder.feed_bytes(m.direction, core::Bytes(m.bytes), second_sink);
  };
  feed_both(logon[0]);  // NEGOTIATE request: its offered dialects wait for the response
  CHECK(pools.negotiates.in_use() == 2);
  feed_both(logon[1]);
  CHECK(pools.negotiates.in_use() == 0);
  feed_both(logon[2]);  // SESSION_SETUP request
  CHECK(pools.session_setups.in_use() == 2);
  feed_both(logon[3]);  // MORE_PROCESSING_REQUIRED: the leg is done
  CHECK(pools.session_setups.in_use() == 0);
  feed_both(logon[4]);
  CHECK(pools.session_setups.in_use() == 2);
  feed_both(logon[5]);  // final response: reported, entry given back
  CHECK(pools.session_setups.in_use() == 0);
  CHECK(pools.session_setups.created() == 2);  // one per parser, reused leg after leg
  CHECK(pools.negotiates.created() == 2);
  for (const RecordingSink* sink : {&first_sink, &second_sink}) {
    const auto setups = sink->of_kind("smb.session_setup");
    REQUIRE(setups.size() == 1);
    CHECK(setups[0].user == "dave");
    CHECK(sink->of_kind("smb.negotiate").size() == 1);
  }
  feed_both(logon[4]);  // a request the flow ends on: reported unanswered at finish
  CHECK(pools.session_setups.in_use() == 2);
  proto::FeedContext context{first_sink, core::Timestamp{}};
  first.finish(context);
  CHECK(pools.session_setups.in_use() == 1);
  CHECK(first_sink.of_kind("smb.session_setup").size() == 2);
  second.reset();
  CHECK(pools.session_setups.in_use() == 0);
  CHECK(second_sink.of_kind("smb.session_setup").size() == 1);  // reset() forgets, reports nothing
}

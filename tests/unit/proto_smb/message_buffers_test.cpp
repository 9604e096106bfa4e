// The SMB parsers of one worker share the buffers that hold a message split across segments: a
// parser holds one only while a wanted message is incomplete, a skipped body holds none, and sharing
// changes no event.
#include <catch2/catch.hpp>

#include "smb_test_support.hpp"
#include "support/protocol_builders.hpp"

using namespace spanwatch;
using namespace spanwatch::proto::smb;
using namespace spanwatch::proto::smb::test;
namespace smb2 = spanwatch::testing::smb2;
using core::Direction;

namespace {

Frame negotiate_request(std::uint64_t message_id) {
  smb2::Header h;
  h.command = smb2::Command::negotiate;
  h.message_id = message_id;
  return smb2::message(h, smb2::negotiate_request({smb2::dialect::smb202, smb2::dialect::smb210}, {}));
}

Frame write_request(std::uint64_t message_id) {
  smb2::Header h;
  h.command = static_cast<smb2::Command>(9);  // WRITE: not wanted, skipped by length
  h.message_id = message_id;
  return smb2::message(h, Frame(5000, 0xab));
}

SmbOptions shared_options() {
  SmbOptions options;
  options.message_buffers = make_message_buffers(options, 0);
  return options;
}

}  // namespace

TEST_CASE("a split SMB message holds a pooled buffer only until it is parsed") {
  const SmbOptions options = shared_options();
  MessageBuffers& buffers = *options.message_buffers;
  SmbParser parser(options);
  RecordingSink sink;
  Feeder feeder(parser);
  const Frame negotiate = negotiate_request(1);
  const core::Bytes bytes(negotiate);

  feeder.feed_bytes(Direction::to_server, bytes, sink);
  CHECK(buffers.created() == 0);  // whole in one call: parsed in place
  CHECK(sink.of_kind("smb.negotiate").empty());  // (a request alone is reported with its response)

  feeder.feed_bytes(Direction::to_server, bytes.first(30), sink);
  CHECK(buffers.in_use() == 1);
  feeder.feed_bytes(Direction::to_server, bytes.subspan(30), sink);
  CHECK(buffers.in_use() == 0);

  feeder.feed_bytes(Direction::to_server, bytes.first(30), sink);  // the flow ends mid-message
  CHECK(buffers.in_use() == 1);
  parser.reset();
  CHECK(buffers.in_use() == 0);
  CHECK(buffers.created() == 1);  // one buffer served every split
}

TEST_CASE("a skipped SMB body gives its buffer back once the header has been read") {
  const SmbOptions options = shared_options();
  SmbParser parser(options);
  RecordingSink sink;
  Feeder feeder(parser);
  const Frame write = write_request(2);
  const core::Bytes bytes(write);
  feeder.feed_bytes(Direction::to_server, bytes.first(20), sink);  // inside the SMB2 header
  CHECK(options.message_buffers->in_use() == 1);
  feeder.feed_bytes(Direction::to_server, bytes.subspan(20, 1000), sink);  // header complete: skip the rest
  CHECK(options.message_buffers->in_use() == 0);
  CHECK(parser.counters().skipped_bytes == bytes.size() - 68);  // all but the NBSS and SMB2 headers
}

TEST_CASE("SMB parsers sharing buffers, fed in turns, report what they report alone") {
  std::vector<Message> conversation;
  for (std::uint64_t id = 0; id < 3; ++id) {
    conversation.push_back({Direction::to_server, write_request(10 * id)});
    conversation.push_back({Direction::to_server, negotiate_request(10 * id + 1)});
    smb2::Header h;
    h.command = smb2::Command::negotiate;
    h.response = true;
    h.message_id = 10 * id + 1;
    conversation.push_back(
        {Direction::to_client, smb2::message(h, smb2::negotiate_response(smb2::dialect::smb210, {}, 0, {}))});
  }
  const auto alone = events_every_way(conversation);
  REQUIRE(alone.size() == 3);

  const SmbOptions options = shared_options();
  SmbParser first(options), second(options);
  RecordingSink first_sink, second_sink;
  Feeder first_feeder(first), second_feeder(second);
  for (const auto& m : conversation) {  // 7-byte pieces, the two parsers alternating
    const core::Bytes bytes(m.bytes);
    for (std::size_t at = 0; at < bytes.size(); at += 7) {
      const core::Bytes piece = bytes.subspan(at, std::min<std::size_t>(7, bytes.size() - at));
      first_feeder.feed_bytes(m.direction, piece, first_sink);
      second_feeder.feed_bytes(m.direction, piece, second_sink);
    }
  }
  RecordingSink expected;
  expected.events = alone;
  CHECK(first_sink.descriptions() == expected.descriptions());
  CHECK(second_sink.descriptions() == expected.descriptions());
  CHECK(options.message_buffers->in_use() == 0);
  CHECK(options.message_buffers->created() == 2);  // one per parser in flight at once
}

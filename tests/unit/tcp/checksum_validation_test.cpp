#include <catch2/catch.hpp>

#include "tcp_test_support.hpp"

using namespace spanwatch::flow::tcp;
using namespace spanwatch::flow::tcp::test;

namespace {
constexpr std::uint32_t client_isn = 9000;
constexpr std::uint32_t server_isn = 3000;

WireSegment client_at(std::uint32_t offset, std::string_view text) {
  return make_segment(to_server, client_isn + 1 + offset, server_isn + 1, flag::ack, text);
}
WireSegment server_ack(std::uint32_t client_offset) {
  return make_segment(to_client, server_isn + 1, client_isn + 1 + client_offset, flag::ack);
}

ReassemblyOptions with_validation(ChecksumValidation mode) {
  ReassemblyOptions o = Harness::small_options();
  o.checksum_validation = mode;
  return o;
}

void send(Harness& h, const WireSegment& w, SegmentChecksum checksum) {
  h.session.on_segment(w.dir, w.tcp, w.payload(), {}, h.consumer, checksum);
}

void handshake_with(Harness& h, SegmentChecksum checksum) {
  for (const auto& w : handshake(client_isn, server_isn)) send(h, w, checksum);
}

// `count` one-byte client segments of a fresh session each, `bad` of them with a bad checksum.
void sample(Reassembler& reassembler, std::uint32_t count, std::uint32_t bad) {
  for (std::uint32_t i = 0; i < count; ++i) {
    TcpSession session;
    RecordingConsumer consumer;
    reassembler.open(session);
    const WireSegment w = client_at(0, "x");
    session.on_segment(w.dir, w.tcp, w.payload(), {}, consumer, i < bad ? SegmentChecksum::bad : SegmentChecksum::good);
    session.finish(consumer);
  }
}
}  // namespace

TEST_CASE("auto: junk with a bad checksum before the real bytes is ignored once the sender proved good sums") {
  Harness h(with_validation(ChecksumValidation::automatic));
  handshake_with(h, SegmentChecksum::good);
  send(h, client_at(0, "USER decoy\r\n"), SegmentChecksum::bad);  // the receiver drops it
  send(h, client_at(0, "USER alice\r\n"), SegmentChecksum::good);
  CHECK(h.consumer.bytes(to_server) == "USER alice\r\n");
  CHECK(h.stats().invalid_checksum == 1);
  CHECK(h.stats().overlap == 0);
  CHECK(h.reassembler.checks_checksums());
  h.finish();
  CHECK(h.consumer.bytes(to_server) == "USER alice\r\n");  // the junk never comes back
  CHECK(h.stats().checksum_fallback_bytes == 0);
  CHECK(h.reassembler.pool().in_use() == 0);
}

TEST_CASE("auto: a bad segment no good copy follows fills its hole once the hole is declared lost") {
  // An edited capture, or a capture path that damaged one packet: the receiver had a good copy (it
  // ACKed it), the capture only this one. Losing the bytes would blind the parser for nothing.
  Harness h(with_validation(ChecksumValidation::automatic));
  handshake_with(h, SegmentChecksum::good);
  send(h, client_at(0, "USER alice\r\n"), SegmentChecksum::bad);
  CHECK(h.consumer.bytes(to_server).empty());  // held back: a good copy may still come
  send(h, server_ack(12), SegmentChecksum::good);
  send(h, client_at(12, "PASS secret\r\n"), SegmentChecksum::good);  // the sender moved on past the ACK
  CHECK(h.consumer.bytes(to_server) == "USER alice\r\nPASS secret\r\n");
  CHECK(h.consumer.gaps_of(to_server).empty());
  CHECK(h.stats().checksum_fallback_bytes == 12);
}

TEST_CASE("auto: bad bytes still held when the flow ends are delivered, the rest reported as gaps") {
  Harness h(with_validation(ChecksumValidation::automatic));
  handshake_with(h, SegmentChecksum::good);
  send(h, client_at(0, "USER "), SegmentChecksum::bad);
  send(h, client_at(9, "e\r\n"), SegmentChecksum::bad);
  h.finish();
  CHECK(h.consumer.bytes(to_server) == "USER e\r\n");
  CHECK(h.consumer.gaps_of(to_server) == std::vector<std::uint64_t>{4});
  CHECK(h.stats().checksum_fallback_bytes == 8);
  CHECK(h.reassembler.pool().in_use() == 0);
}

TEST_CASE("auto: a direction whose first segment had a bad sum is taken as offloaded and reassembled") {
  // A capture on the sending host: every segment that host sent carries an unfinished checksum.
  Harness h(with_validation(ChecksumValidation::automatic));
  handshake_with(h, SegmentChecksum::bad);
  send(h, client_at(0, "USER alice\r\n"), SegmentChecksum::bad);
  CHECK(h.consumer.bytes(to_server) == "USER alice\r\n");
  CHECK(h.stats().invalid_checksum == 0);
  CHECK(h.stats().checksum_bad == 4);
}

TEST_CASE("auto: the first 1000 checked segments decide for the capture") {
  SECTION("over 10% bad: offload, checks stop") {
    Reassembler reassembler(with_validation(ChecksumValidation::automatic));
    sample(reassembler, checksum_sample_segments, checksum_sample_segments / 10 + 1);
    CHECK_FALSE(reassembler.checks_checksums());
    CHECK(reassembler.stats().checksum_offload_suspected == 1);
  }
  SECTION("10% or fewer bad: every bad segment is ignored from then on, whatever its direction began with") {
    Reassembler reassembler(with_validation(ChecksumValidation::automatic));
    sample(reassembler, checksum_sample_segments, checksum_sample_segments / 10);
    CHECK(reassembler.checks_checksums());
    CHECK(reassembler.stats().checksum_offload_suspected == 0);
    TcpSession session;
    RecordingConsumer consumer;
    reassembler.open(session);
    for (const auto& w : handshake(client_isn, server_isn))
      session.on_segment(w.dir, w.tcp, w.payload(), {}, consumer, SegmentChecksum::bad);
    const WireSegment w = client_at(0, "USER decoy\r\n");
    session.on_segment(w.dir, w.tcp, w.payload(), {}, consumer, SegmentChecksum::bad);
    CHECK(consumer.bytes(to_server).empty());
    CHECK(reassembler.stats().invalid_checksum == 4);
  }
}

TEST_CASE("yes ignores every bad segment; no and unchecked segments take them") {
  SECTION("yes") {
    Harness h(with_validation(ChecksumValidation::yes));
    handshake_with(h, SegmentChecksum::good);
    send(h, client_at(0, "USER decoy\r\n"), SegmentChecksum::bad);
    CHECK(h.consumer.bytes(to_server).empty());
    CHECK(h.stats().invalid_checksum == 1);
  }
  SECTION("no") {
    Harness h(with_validation(ChecksumValidation::no));
    CHECK_FALSE(h.reassembler.checks_checksums());
    handshake_with(h, SegmentChecksum::unchecked);
    send(h, client_at(0, "USER decoy\r\n"), SegmentChecksum::unchecked);
    CHECK(h.consumer.bytes(to_server) == "USER decoy\r\n");
    CHECK(h.stats().checksum_checked == 0);
  }
}

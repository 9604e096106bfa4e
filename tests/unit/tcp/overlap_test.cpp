#include <catch2/catch.hpp>

#include "tcp_test_support.hpp"

using namespace spanwatch::flow::tcp;
using namespace spanwatch::flow::tcp::test;

namespace {
constexpr std::uint32_t isn = 100;

// Client data at stream offset `offset` (the server's ACK number is not advanced).
WireSegment at(std::uint32_t offset, std::string_view text) {
  return make_segment(to_server, isn + 1 + offset, 0, flag::psh, text);
}

void open_client(Harness& h) { h.send(make_segment(to_server, isn, 0, flag::syn)); }
}  // namespace

TEST_CASE("An exact retransmission of delivered bytes is dropped and counted as an overlap") {
  Harness h;
  open_client(h);
  h.send(at(0, "hello"));
  h.send(at(0, "hello"));
  h.send(at(5, " world"));
  CHECK(h.consumer.bytes(to_server) == "hello world");
  CHECK(h.stats().overlap == 1);
  CHECK(h.stats().overlap_diff_data == 0);
}

TEST_CASE("A segment overlapping delivered bytes delivers only its new bytes (first data wins)") {
  Harness h;
  open_client(h);
  h.send(at(0, "abcdef"));
  h.send(at(3, "XYZghi"));  // 3..6 already delivered as "def": those bytes are kept
  CHECK(h.consumer.bytes(to_server) == "abcdefghi");
  CHECK(h.stats().overlap == 1);
  // Delivered bytes are not kept, so a difference with them cannot be seen.
  CHECK(h.stats().overlap_diff_data == 0);
}

TEST_CASE("Overlapping buffered segments with the same bytes are merged without an anomaly") {
  Harness h;
  open_client(h);
  h.send(at(10, "klmnopqrst"));
  h.send(at(5, "fghijklmno"));  // overlaps 10..15 with identical bytes
  CHECK(h.consumer.bytes(to_server).empty());
  h.send(at(0, "abcde"));
  CHECK(h.consumer.bytes(to_server) == "abcdefghijklmnopqrst");
  CHECK(h.stats().overlap == 1);
  CHECK(h.stats().overlap_diff_data == 0);
  CHECK(h.reassembler.pool().in_use() == 0);
}

TEST_CASE("Overlapping buffered segments with different bytes keep the first and count the anomaly") {
  Harness h;
  open_client(h);
  h.send(at(10, "klmnopqrst"));
  h.send(at(5, "fghijKLMNO"));  // 10..15 differ from what is buffered
  h.send(at(0, "abcde"));
  CHECK(h.consumer.bytes(to_server) == "abcdefghijklmnopqrst");
  CHECK(h.stats().overlap == 1);
  CHECK(h.stats().overlap_diff_data == 1);
}

TEST_CASE("An in-order segment starting before buffered bytes and covering them wins and counts a difference") {
  Harness h;
  open_client(h);
  h.send(at(5, "FGHIJ"));
  h.send(at(0, "abcdefghijklm"));  // starts before the buffered 5..10: its bytes are what a host keeps
  CHECK(h.consumer.bytes(to_server) == "abcdefghijklm");
  CHECK(h.stats().overlap == 1);
  CHECK(h.stats().overlap_diff_data == 1);
  CHECK(h.reassembler.pool().in_use() == 0);
}

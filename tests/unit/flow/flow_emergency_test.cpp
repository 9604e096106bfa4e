// The table under a flood: a full table enters emergency (shorter timeouts for expiry and for
// choosing whom to evict), a handshake in progress survives a flood of other new flows, and the
// table leaves emergency once enough records are free again.
#include <catch2/catch.hpp>

#include <string>

#include "flow/flow_table.hpp"
#include "flow_test_packets.hpp"

using namespace spanwatch;
using namespace spanwatch::flow;
using namespace spanwatch::flow::test;

namespace {

// Flood flow i from a spoofed source, one packet each: UDP to a random-looking port, or a bare SYN.
decode::DecodedPacket flood_packet(std::uint32_t i, core::Timestamp ts) {
  const std::string source = "100.64." + std::to_string(i / 250 % 250) + "." + std::to_string(i % 250);
  const auto port = static_cast<std::uint16_t>(1024 + i % 60000);
  return i % 2 == 0 ? udp(source, port, "10.21.0.1", static_cast<std::uint16_t>(port ^ 0x5a5a), ts)
                    : tcp(source, port, "10.20.0.10", 445, flags::syn, ts);
}

// Capture time of flood packet i at 50 000 packets per second, starting at t0 seconds.
core::Timestamp flood_time(std::int64_t t0, std::uint32_t i) {
  return at(t0 + i / 50000, static_cast<std::uint32_t>(i % 50000) * 20000u);
}

}  // namespace

TEST_CASE("A TCP handshake in a table full of UDP and SYN flood flows is not evicted") {
  RecordingHandler handler;
  constexpr std::uint32_t capacity = 1000;
  FlowTable table(small_table(capacity), handler);
  std::uint32_t i = 0;
  // Two seconds of flood: the table is full long before the handshake starts.
  for (; i < 100000; ++i) table.get(flood_packet(i, flood_time(0, i)));
  REQUIRE(table.active() == capacity);
  CHECK(table.emergency());

  // The handshake's three packets, 20 new flood flows apart (350 µs at 50 000 flows/s). Before emergency
  // timeouts, the flood's UDP flows (120 s) outlived every SYN (30 s): the table held UDP flows only,
  // and each new flow evicted the newest SYN, this handshake included.
  const auto syn = tcp("10.20.5.77", 49730, "10.20.0.10", 445, flags::syn, flood_time(0, i));
  const FlowLookup opened = table.get(syn);
  REQUIRE(opened.created);
  const std::uint64_t id = opened.flow->id;
  for (const std::uint8_t step : {flags::syn_ack, flags::ack, flags::psh_ack}) {
    for (const std::uint32_t end = i + 20; i < end; ++i) table.get(flood_packet(i, flood_time(0, i)));
    const auto packet = step == flags::syn_ack ? reply(syn, step, flood_time(0, i)) : with_flags(syn, step, flood_time(0, i));
    const FlowLookup again = table.get(packet);
    REQUIRE(again.flow != nullptr);
    CHECK_FALSE(again.created);
    CHECK(again.flow->id == id);
  }
  for (const auto& ended : handler.ended) CHECK(ended.flow.id != id);
  CHECK(table.stats().evicted == i + 1 - capacity);
  CHECK(table.stats().memcap == 0);
}

TEST_CASE("A full table enters emergency once, and leaves it when enough records are free") {
  RecordingHandler handler;
  FlowTableOptions options = small_table(10);
  options.emergency_recovery_percent = 50;
  FlowTable table(options, handler);
  for (std::uint32_t i = 0; i < 10; ++i) table.get(flood_packet(i, at(0)));
  CHECK_FALSE(table.emergency());  // full, but no flow has been turned away yet
  CHECK(table.stats().emerg_mode_entered == 0);

  for (std::uint32_t i = 10; i < 30; ++i) table.get(flood_packet(i, at(1)));
  CHECK(table.emergency());
  CHECK(table.stats().emerg_mode_entered == 1);
  CHECK(table.stats().evicted == 20);

  // Five more at 2 s evict five from 1 s; the other five from 1 s expire at 11 s under the emergency
  // timeout of new flows (10 s; normally 30 s for a SYN, 120 s for UDP).
  for (std::uint32_t i = 30; i < 35; ++i) table.get(flood_packet(i, at(2)));
  table.expire(at(10, 999'999'999));
  CHECK(table.active() == 10);
  table.expire(at(11));
  CHECK(table.active() == 5);
  CHECK(table.stats().timeouts == 5);
  CHECK_FALSE(table.emergency());
  CHECK(table.stats().emerg_mode_over == 1);
  CHECK(table.stats().emerg_mode_entered == 1);

  // Out of emergency the normal timeouts are back: the rest lives until 2 + 30 s (SYN) or 2 + 120 s (UDP).
  table.expire(at(31));
  CHECK(table.active() == 5);
  table.expire(at(32));
  CHECK(table.active() == 3);  // the two SYN-only flows (odd i: 31, 33) went at their 30 s
}

TEST_CASE("With eviction off, a full table refuses flows, counts memcap, and expires on emergency timeouts") {
  RecordingHandler handler;
  FlowTableOptions options = small_table(4);
  options.evict_when_full = false;
  FlowTable table(options, handler);
  for (std::uint32_t i = 0; i < 4; ++i) table.get(flood_packet(i, at(0)));
  CHECK(table.get(flood_packet(4, at(1))).flow == nullptr);
  CHECK(table.stats().memcap == 1);
  CHECK(table.stats().emerg_mode_entered == 1);
  CHECK(table.stats().evicted == 0);
  // UDP would live 120 s normally; in emergency the table frees it after 10 s and takes new flows again.
  table.expire(at(10));
  CHECK(table.active() == 0);
  CHECK(table.stats().emerg_mode_over == 1);
  CHECK(table.get(flood_packet(5, at(10))).created);
}

TEST_CASE("Emergency never lengthens a timeout configured below the emergency value") {
  RecordingHandler handler;
  FlowTableOptions options = small_table(2);
  options.timeouts.udp = 5;  // below the emergency UDP timeout (10 s)
  FlowTable table(options, handler);
  table.get(udp("10.0.0.1", 1, "10.0.0.2", 53, at(0)));
  table.get(udp("10.0.0.1", 2, "10.0.0.2", 53, at(1)));
  table.get(udp("10.0.0.1", 3, "10.0.0.2", 53, at(2)));  // full: emergency, evicts port 1
  REQUIRE(table.emergency());
  table.expire(at(6));  // port 2 was touched at 1: 5 s, the configured value, not 10 s
  CHECK(table.active() == 1);
  CHECK(table.stats().timeouts == 1);
}

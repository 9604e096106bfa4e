#include <catch2/catch.hpp>

#include "flow/flow_table.hpp"
#include "flow_test_packets.hpp"
#include "support/allocation_counter.hpp"

// Every heap allocation in this test binary is counted (spanwatch_allocation_counter) so the packet
// path can be shown to make none.

using namespace spanwatch;
using namespace spanwatch::flow;
using namespace spanwatch::flow::test;

namespace {

class CountingHandler : public FlowEndHandler {
 public:
  void flow_ended(Flow&, FlowEndReason) override { ++ended; }
  std::size_t ended = 0;
};

}  // namespace

TEST_CASE("The packet path allocates nothing: lookups, creation, eviction, timeouts and reuse") {
  CountingHandler handler;
  FlowTable table(small_table(128), handler);
  // Packets prepared up front: the test's own vectors must not count.
  std::vector<decode::DecodedPacket> packets;
  packets.reserve(20'000);
  for (std::uint32_t i = 0; i < 5'000; ++i) {
    const auto t = at(i / 50);
    auto syn = tcp("10.0.0.1", static_cast<std::uint16_t>(2000 + i), "10.0.0.2", 80, flags::syn, t);
    packets.push_back(syn);
    packets.push_back(reply(syn, flags::syn_ack, t));
    packets.push_back(with_flags(syn, flags::rst, t));
    packets.push_back(with_flags(syn, flags::syn, t));  // port reuse
  }
  const std::uint64_t before = spanwatch::testing::heap_allocations();
  for (const auto& p : packets) {
    table.expire(p.ts);
    table.get(p);
  }
  table.end_all(FlowEndReason::shutdown);
  const std::uint64_t during = spanwatch::testing::heap_allocations() - before;
  CHECK(during == 0);
  // Control: the counter does see allocations.
  const std::uint64_t control_before = spanwatch::testing::heap_allocations();
  std::vector<decode::DecodedPacket> control(1);
  CHECK(spanwatch::testing::heap_allocations() - control_before == 1);
  CHECK(handler.ended == table.stats().total);
  CHECK(table.stats().tcp_reuse == 5'000);
  CHECK(table.stats().evicted > 0);
}

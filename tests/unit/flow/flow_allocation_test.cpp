#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

#include "flow/flow_table.hpp"
#include "flow_test_packets.hpp"

// Counts every heap allocation in this test binary so the packet path can be shown to make none.
namespace {
std::atomic<std::size_t> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
// Every form of delete, so none falls back to a runtime's (e.g. ASan's) own allocator bookkeeping.
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

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
  const std::size_t before = allocations.load();
  for (const auto& p : packets) {
    table.expire(p.ts);
    table.get(p);
  }
  table.end_all(FlowEndReason::shutdown);
  const std::size_t during = allocations.load() - before;
  CHECK(during == 0);
  // Control: the counter does see allocations.
  const std::size_t control_before = allocations.load();
  std::vector<decode::DecodedPacket> control(1);
  CHECK(allocations.load() - control_before == 1);
  CHECK(handler.ended == table.stats().total);
  CHECK(table.stats().tcp_reuse == 5'000);
  CHECK(table.stats().evicted > 0);
}

#include <catch2/catch.hpp>

#include "support/allocation_counter.hpp"
#include "tcp_test_support.hpp"

// Heap allocations made by this test binary are counted (spanwatch_allocation_counter, every form
// replaced so that all allocations and frees pair up), to show the packet path makes none.

using namespace spanwatch::flow::tcp;
using namespace spanwatch::flow::tcp::test;

namespace {
// Takes bytes without storing them (the recording consumer would allocate).
class NullConsumer : public StreamConsumer {
 public:
  StreamVerdict feed(Direction, spanwatch::core::Bytes bytes) override {
    fed += bytes.size();
    return StreamVerdict::more();
  }
  StreamVerdict gap(Direction, std::uint64_t length) override {
    lost += length;
    return StreamVerdict::more();
  }
  void finish() override {}
  std::uint64_t fed = 0, lost = 0;
};
}  // namespace

TEST_CASE("Reassembly allocates nothing on the heap per segment, in order or not") {
  Reassembler reassembler(Harness::small_options());
  TcpSession sessions[2];
  NullConsumer consumer;
  std::vector<WireSegment> traffic = handshake(1, 2);
  const std::string text(3000, 'x');
  // Out of order, a hole declared by an ACK, overlaps, then in order.
  for (std::uint32_t at : {1000u, 0u, 500u, 2500u, 1500u, 2000u}) {
    traffic.push_back(make_segment(to_server, 2 + at, 3, flag::ack, std::string_view(text).substr(at, 500)));
  }
  traffic.push_back(make_segment(to_client, 3, 2 + 3000, flag::ack));
  traffic.push_back(make_segment(to_server, 2 + 3000, 3, flag::ack | flag::fin));
  const std::uint64_t before = spanwatch::testing::heap_allocations();
  for (auto& session : sessions) {
    reassembler.open(session);
    for (const auto& w : traffic) session.on_segment(w.dir, w.tcp, w.payload(), {}, consumer);
    session.finish(consumer);
  }
  CHECK(spanwatch::testing::heap_allocations() == before);
  CHECK(consumer.fed == 2 * 3000);
}

// Counts the global allocations of this test binary (unit_decode links spanwatch_allocation_counter)
// to prove the decode path does not touch the heap after construction.
#include <catch2/catch.hpp>

#include "decode_test_support.hpp"
#include "support/allocation_counter.hpp"

using namespace spanwatch;
using namespace spanwatch::decode;
using namespace spanwatch::decode::test;

TEST_CASE("Decoding 10k packets including reassembly allocates nothing after warm-up") {
  std::vector<Frame> frames;
  testing::TcpSegment s;
  s.payload = pattern(1200);
  testing::EthernetOptions vlan;
  vlan.vlans = {7};
  frames.push_back(testing::tcp_frame(client4, server4, s, vlan));
  frames.push_back(testing::tcp_frame(client6, server6, s));
  for (const Frame& f : testing::ipv4_fragments(client4, server4, 253, pattern(4000), 1024, 9)) frames.push_back(f);
  for (const Frame& f : testing::ipv6_fragments(client6, server6, 253, pattern(4000), 1024, 9)) frames.push_back(f);
  frames.push_back(testing::ethernet(Frame(28, 0), 0x0806));
  std::vector<core::PacketView> views;
  for (const Frame& f : frames) views.push_back(view_of(f));

  Decoder decoder;
  DecodedPacket out;
  for (const auto& v : views) decoder.decode(v, out);
  const std::uint64_t before = spanwatch::testing::heap_allocations();
  std::size_t ok = 0;
  for (int i = 0; i < 10000; ++i) ok += decoder.decode(views[i % views.size()], out).status == DecodeStatus::ok;
  const std::uint64_t allocations = spanwatch::testing::heap_allocations() - before;
  CHECK(allocations == 0);
  CHECK(ok > 3500);  // 4 of every 11 frames: two TCP segments, two reassembled datagrams
}

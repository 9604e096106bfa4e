// The packet path allocates nothing per packet after warm-up (ARCHITECTURE.md): replay a mix of
// traffic once to warm up, then replay it again with fresh flows and count operator new calls.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <new>

#include "engine/worker.hpp"
#include "support/packet_builder.hpp"

#include <atomic>

namespace {
// Every global operator new in this binary is counted here.
std::atomic<std::uint64_t> heap_allocations{0};
}  // namespace

// The replacement pairs malloc with free by design; GCC cannot see that operator new is ours.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
  heap_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

using namespace spanwatch;
using namespace spanwatch::testing;

// One round of traffic: TCP sessions over IPv4, IPv6 and VLAN with out-of-order segments and a
// retransmission, fragmented UDP, and a malformed frame. `round` shifts ports so flows are new.
std::vector<Frame> traffic(std::uint16_t round) {
  std::vector<Frame> out;
  const Address c4 = Address::v4(10, 0, 0, 1), s4 = Address::v4(10, 0, 0, 2);
  const Address c6 = Address::v6_simple(0xfd00, 1), s6 = Address::v6_simple(0xfd00, 2);
  for (int i = 0; i < 50; ++i) {
    const bool v6 = i % 5 == 0;
    const Address& c = v6 ? c6 : c4;
    const Address& s = v6 ? s6 : s4;
    EthernetOptions eth;
    if (i % 3 == 0) eth.vlans = {static_cast<std::uint16_t>(100 + i % 7)};
    const std::uint16_t sport = static_cast<std::uint16_t>(20000 + round * 100 + i);
    const std::uint32_t cs = 1000, ss = 50000;
    out.push_back(tcp_frame(c, s, {sport, 443, cs, 0, tcp_flags::syn, 65535, {}, {}}, eth));
    out.push_back(tcp_frame(s, c, {443, sport, ss, cs + 1, tcp_flags::syn | tcp_flags::ack, 65535, {}, {}}, eth));
    out.push_back(tcp_frame(c, s, {sport, 443, cs + 1, ss + 1, tcp_flags::ack, 65535, {}, {}}, eth));
    const Frame a(300, 'a'), b(300, 'b'), d(200, 'd');
    // Second segment before the first: buffered, then delivered.
    out.push_back(tcp_frame(c, s, {sport, 443, cs + 301, ss + 1, tcp_flags::ack, 65535, {}, b}, eth));
    out.push_back(tcp_frame(c, s, {sport, 443, cs + 1, ss + 1, tcp_flags::ack, 65535, {}, a}, eth));
    out.push_back(tcp_frame(c, s, {sport, 443, cs + 1, ss + 1, tcp_flags::ack, 65535, {}, a}, eth));  // retransmission
    out.push_back(tcp_frame(s, c, {443, sport, ss + 1, cs + 601, tcp_flags::ack, 65535, {}, d}, eth));
    out.push_back(tcp_frame(c, s, {sport, 443, cs + 601, ss + 201, tcp_flags::fin | tcp_flags::ack, 65535, {}, {}}, eth));
    out.push_back(tcp_frame(s, c, {443, sport, ss + 201, cs + 602, tcp_flags::fin | tcp_flags::ack, 65535, {}, {}}, eth));
    out.push_back(tcp_frame(c, s, {sport, 443, cs + 602, ss + 202, tcp_flags::ack, 65535, {}, {}}, eth));
  }
  const Frame big(3000, 'u');
  for (auto& f : ipv4_fragments(Address::v4(10, 0, 0, 3), Address::v4(10, 0, 0, 4), 17,
                                udp_bytes(Address::v4(10, 0, 0, 3), Address::v4(10, 0, 0, 4), 5353, 53, big), 1400,
                                static_cast<std::uint16_t>(round)))
    out.push_back(f);
  Frame truncated = tcp_frame(c4, s4, {1, 2, 3, 4, tcp_flags::ack, 1, {}, {}});
  truncated.resize(30);
  out.push_back(truncated);
  return out;
}

void replay(engine::Worker& worker, const std::vector<Frame>& frames, std::int64_t second) {
  std::uint32_t micros = 0;
  for (const auto& f : frames) {
    core::PacketView view;
    view.ts = core::Timestamp::from_micros(second, micros += 10);
    view.caplen = view.wirelen = static_cast<std::uint32_t>(f.size());
    view.linktype = 1;
    view.data = {f.data(), f.size()};
    worker.on_packet(view);
  }
}

}  // namespace

TEST_CASE("The packet path allocates nothing per packet after warm-up") {
  engine::EngineOptions options;
  options.flow.max_flows = 4096;
  options.stream.memcap_bytes = 4u << 20;
  options.decode.defrag.memcap_bytes = 1u << 20;
  alert::EveFile eve_file;
  REQUIRE(eve_file.open("/dev/null"));
  alert::EveWriter eve;
  engine::Worker worker(options, eve, eve_file);

  const auto warm_up = traffic(0);
  const auto steady = traffic(1);
  replay(worker, warm_up, 1'700'000'000);
  const std::uint64_t before = heap_allocations.load();
  replay(worker, steady, 1'700'000'001);
  const std::uint64_t during = heap_allocations.load() - before;

  // The replay did real work: new flows, reassembly, defragmentation and an anomaly record.
  CHECK(worker.flow_stats().total >= 100);
  CHECK(worker.decode_stats().defrag.ipv4_reassembled == 2);
  CHECK(worker.stats().malformed == 2);
  CHECK(worker.app_layer_stats().bytes[0] == 2 * 50 * 600);
  CHECK(during == 0);
}

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "flow/flow_table.hpp"
#include "flow_test_packets.hpp"

using namespace spanwatch;
using namespace spanwatch::flow;
using namespace spanwatch::flow::test;
using core::Direction;

namespace {

struct Fixture {
  explicit Fixture(std::size_t max_flows = 16) : table(small_table(max_flows), handler) {}
  RecordingHandler handler;
  FlowTable table;
};

}  // namespace

TEST_CASE("Both directions of a TCP connection map to one flow with counters per direction") {
  Fixture f;
  const auto syn = tcp("10.0.0.1", 40000, "10.0.0.2", 80, flags::syn, at(100));
  const FlowLookup first = f.table.get(syn);
  REQUIRE(first.flow != nullptr);
  CHECK(first.created);
  CHECK(first.direction == Direction::to_server);

  auto syn_ack = reply(syn, flags::syn_ack, at(100, 500));
  syn_ack.wire_length = 70;
  const FlowLookup second = f.table.get(syn_ack);
  CHECK(second.flow == first.flow);
  CHECK_FALSE(second.created);
  CHECK(second.direction == Direction::to_client);

  const FlowLookup third = f.table.get(with_flags(syn, flags::ack, at(101)));
  CHECK(third.flow == first.flow);
  CHECK(third.direction == Direction::to_server);

  const Flow& flow = *first.flow;
  CHECK(flow.packets[index_of(Direction::to_server)] == 2);
  CHECK(flow.packets[index_of(Direction::to_client)] == 1);
  CHECK(flow.bytes[index_of(Direction::to_server)] == 120);
  CHECK(flow.bytes[index_of(Direction::to_client)] == 70);
  CHECK(flow.first_seen == at(100));
  CHECK(flow.last_seen == at(101));
  CHECK(flow.direction_of(syn) == Direction::to_server);
  CHECK(flow.direction_of(syn_ack) == Direction::to_client);
  CHECK(flow.extension == no_extension);
  CHECK(f.table.active() == 1);
  CHECK(f.table.stats().total == 1);
  CHECK(f.table.stats().tcp == 1);
}

TEST_CASE("VLAN tags separate otherwise identical flows") {
  Fixture f;
  const auto plain = tcp("10.0.0.1", 40000, "10.0.0.2", 80, flags::syn, at(1));
  Flow* untagged = f.table.get(plain).flow;
  Flow* vlan10 = f.table.get(tagged(plain, 10)).flow;
  Flow* vlan10_20 = f.table.get(tagged(plain, 10, 20)).flow;
  CHECK(untagged != vlan10);
  CHECK(vlan10 != vlan10_20);
  CHECK(untagged != vlan10_20);
  CHECK(f.table.active() == 3);
  // The reply on VLAN 10 finds the VLAN 10 flow.
  const FlowLookup back = f.table.get(tagged(reply(plain, flags::syn_ack, at(2)), 10));
  CHECK(back.flow == vlan10);
  CHECK(back.direction == Direction::to_client);
}

TEST_CASE("The sender of a SYN is the client") {
  Fixture f;
  // The client's address sorts high, so client_is_low must be false.
  const FlowLookup l = f.table.get(tcp("10.0.0.9", 40000, "10.0.0.2", 80, flags::syn, at(1)));
  CHECK(l.direction == Direction::to_server);
  CHECK(l.flow->client_address() == ip("10.0.0.9"));
  CHECK(l.flow->client_port() == 40000);
  CHECK(l.flow->server_address() == ip("10.0.0.2"));
  CHECK(l.flow->server_port() == 80);
  CHECK_FALSE(l.flow->midstream);
}

TEST_CASE("A SYN-ACK seen first makes its receiver the client") {
  Fixture f;
  // Unusual ports on purpose: the flags decide, not the ports.
  const FlowLookup l = f.table.get(tcp("10.0.0.2", 50000, "10.0.0.9", 22, flags::syn_ack, at(1)));
  CHECK(l.direction == Direction::to_client);
  CHECK(l.flow->client_address() == ip("10.0.0.9"));
  CHECK(l.flow->client_port() == 22);
  CHECK(l.flow->server_port() == 50000);
  CHECK_FALSE(l.flow->midstream);
}

TEST_CASE("A midstream TCP flow takes the well-known port as the server") {
  Fixture f;
  // First packet seen is the server's data to the client.
  const FlowLookup l = f.table.get(tcp("10.0.0.2", 443, "10.0.0.9", 51000, flags::psh_ack, at(1)));
  CHECK(l.direction == Direction::to_client);
  CHECK(l.flow->server_port() == 443);
  CHECK(l.flow->client_address() == ip("10.0.0.9"));
  CHECK(l.flow->midstream);
  CHECK(f.table.stats().midstream == 1);
  CHECK(l.flow->state == TcpState::new_);
  // Once the other side answers, it is established.
  f.table.get(tcp("10.0.0.9", 51000, "10.0.0.2", 443, flags::ack, at(2)));
  CHECK(l.flow->state == TcpState::established);
}

TEST_CASE("Port classes decide the server; equal classes leave it to the first sender") {
  Fixture f;
  // Registered port 3306 beats an ephemeral one.
  CHECK(f.table.get(tcp("10.0.0.2", 3306, "10.0.0.9", 60000, flags::ack, at(1))).direction == Direction::to_client);
  // Two well-known ports: the lower one is the server.
  CHECK(f.table.get(udp("10.0.0.3", 138, "10.0.0.4", 137, at(1))).direction == Direction::to_server);
  CHECK(f.table.get(udp("10.0.0.5", 137, "10.0.0.6", 138, at(1))).direction == Direction::to_client);
  // Two ephemeral (or two registered) ports: the first sender is the client.
  CHECK(f.table.get(tcp("10.0.0.7", 50001, "10.0.0.8", 50002, flags::ack, at(1))).direction == Direction::to_server);
  CHECK(f.table.get(tcp("10.0.0.8", 5000, "10.0.0.7", 8080, flags::ack, at(1))).direction == Direction::to_server);
}

TEST_CASE("UDP: the first sender is the client unless it sends from the well-known port") {
  Fixture f;
  const FlowLookup query = f.table.get(udp("192.168.1.52", 54585, "8.8.8.8", 53, at(1)));
  CHECK(query.direction == Direction::to_server);
  CHECK(query.flow->server_port() == 53);
  CHECK(query.flow->state == TcpState::new_);
  CHECK(f.table.get(udp("8.8.8.8", 53, "192.168.1.52", 54585, at(2))).direction == Direction::to_client);
  CHECK(query.flow->state == TcpState::established);

  const FlowLookup answer_first = f.table.get(udp("8.8.4.4", 53, "192.168.1.52", 40000, at(3)));
  CHECK(answer_first.direction == Direction::to_client);
  CHECK(answer_first.flow->client_address() == ip("192.168.1.52"));
  CHECK(f.table.stats().udp == 2);
}

TEST_CASE("The TCP handshake establishes a flow, FIN from both sides closes it") {
  Fixture f;
  const auto syn = tcp("10.0.0.1", 40000, "10.0.0.2", 80, flags::syn, at(1));
  Flow* flow = f.table.get(syn).flow;
  CHECK(flow->state == TcpState::new_);
  f.table.get(reply(syn, flags::syn_ack, at(1)));
  CHECK(flow->state == TcpState::new_);
  f.table.get(with_flags(syn, flags::ack, at(1)));
  CHECK(flow->state == TcpState::established);
  f.table.get(with_flags(syn, flags::fin_ack, at(2)));
  CHECK(flow->state == TcpState::closing);
  CHECK(flow->fin_seen[index_of(Direction::to_server)]);
  f.table.get(reply(syn, flags::ack, at(2)));
  CHECK(flow->state == TcpState::closing);
  f.table.get(reply(syn, flags::fin_ack, at(3)));
  CHECK(flow->state == TcpState::closed);
}

TEST_CASE("A RST closes a flow in any state") {
  Fixture f;
  const auto syn = tcp("10.0.0.1", 40000, "10.0.0.2", 80, flags::syn, at(1));
  Flow* flow = f.table.get(syn).flow;
  f.table.get(reply(syn, flags::rst | flags::ack, at(1)));
  CHECK(flow->state == TcpState::closed);
}

TEST_CASE("A SYN alone and its retransmissions stay new") {
  Fixture f;
  const auto syn = tcp("10.0.0.1", 40000, "10.0.0.2", 80, flags::syn, at(1));
  Flow* flow = f.table.get(syn).flow;
  f.table.get(with_flags(syn, flags::syn, at(2)));
  f.table.get(with_flags(syn, flags::ack, at(3)));  // one direction only: no handshake
  CHECK(flow->state == TcpState::new_);
  CHECK(f.table.stats().total == 1);
}

TEST_CASE("Packets that are not IP get no flow and are counted") {
  Fixture f;
  decode::DecodedPacket arp;
  arp.ts = at(1);
  const FlowLookup l = f.table.get(arp);
  CHECK(l.flow == nullptr);
  CHECK_FALSE(l.created);
  CHECK(f.table.stats().no_flow == 1);
  CHECK(f.table.active() == 0);
}

TEST_CASE("ICMP and other IP protocols are flows keyed without ports") {
  Fixture f;
  auto icmp = ip_packet("10.0.0.1", "10.0.0.2", 1, at(1));
  icmp.transport = decode::Transport::icmp;
  auto icmp6 = ip_packet("fd00::1", "fd00::2", 58, at(1));
  icmp6.transport = decode::Transport::icmpv6;
  Flow* v4 = f.table.get(icmp).flow;
  CHECK(f.table.get(reply(icmp, 0, at(2))).flow == v4);
  f.table.get(icmp6);
  f.table.get(ip_packet("10.0.0.1", "10.0.0.2", 47, at(1)));
  CHECK(f.table.stats().icmpv4 == 1);
  CHECK(f.table.stats().icmpv6 == 1);
  CHECK(f.table.stats().other == 1);
  CHECK(f.table.active() == 3);
}

TEST_CASE("The table is sized from memcap_bytes, or from max_flows when given") {
  RecordingHandler handler;
  FlowTableOptions options;
  options.memcap_bytes = 1 << 20;
  FlowTable by_memcap(options, handler);
  CHECK(by_memcap.capacity() == (1u << 20) / FlowTable::bytes_per_flow());
  CHECK(by_memcap.stats().memuse <= options.memcap_bytes);
  CHECK(by_memcap.stats().memuse >= by_memcap.capacity() * FlowTable::bytes_per_flow() / 2);
  CHECK(by_memcap.stats().spare == by_memcap.capacity());
  CHECK(FlowTable::bytes_per_flow() <= 256);

  options.max_flows = 1000;
  FlowTable by_count(options, handler);
  CHECK(by_count.capacity() == 1000);
}

TEST_CASE("Flow ids are positive as int64 and differ between runs with different seeds") {
  RecordingHandler handler;
  FlowTableOptions a = small_table(4);
  FlowTableOptions b = small_table(4);
  b.flow_id_seed = a.flow_id_seed + 1;
  FlowTable first(a, handler);
  FlowTable second(b, handler);
  const auto syn = tcp("10.0.0.1", 40000, "10.0.0.2", 80, flags::syn, at(1));
  const std::uint64_t id_a = first.get(syn).flow->id;
  const std::uint64_t id_b = second.get(syn).flow->id;
  CHECK(id_a != id_b);
  CHECK(id_a > 0);
  CHECK(id_a < (std::uint64_t{1} << 53));
  CHECK(id_b > 0);
  CHECK(id_b < (std::uint64_t{1} << 53));
}

TEST_CASE("Flows stay found while the bucket index grows with them, and end cleanly after") {
  // 20 000 flows: the index starts at 4 096 buckets and doubles three times while they arrive.
  RecordingHandler handler;
  FlowTable table(small_table(40'000), handler);
  const auto packet_of = [](int i) {
    const std::string client = "10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
    return udp(client, static_cast<std::uint16_t>(1024 + i % 50'000), "10.9.9.9", 53, at(1));
  };
  constexpr int flows = 20'000;
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < flows; ++i) {
    const FlowLookup lookup = table.get(packet_of(i));
    REQUIRE(lookup.created);
    ids.push_back(lookup.flow->id);
  }
  CHECK(table.active() == flows);
  // Every flow, created before or after each doubling, is found again as itself (in reverse order).
  for (int i = flows; i-- > 0;) {
    const FlowLookup again = table.get(packet_of(i));
    REQUIRE_FALSE(again.created);
    REQUIRE(again.flow->id == ids[static_cast<std::size_t>(i)]);
    REQUIRE(again.flow->packets[0] == 2);
  }
  // Ending them unlinks each from its (grown) bucket: none is left behind or ended twice.
  table.expire(at(1000));
  CHECK(handler.ended.size() == flows);
  CHECK(table.active() == 0);
  CHECK(table.get(packet_of(7)).created);
}

// The worker's prefetch steps (prefetch_bucket, prefetch_record, peek) run on keys of packets to
// come: peek must find a flow whose record heads its chain, find nothing for a flow not in the table
// or behind another in its chain, and change nothing.
TEST_CASE("peek finds the flow heading its bucket chain, from either direction, and changes nothing") {
  Fixture f(4096);
  std::vector<decode::DecodedPacket> packets;
  for (int i = 0; i < 3000; ++i)
    packets.push_back(tcp("10.0.0.1", static_cast<std::uint16_t>(10000 + i), "10.0.0.2", 443, flags::syn, at(100)));
  std::vector<const Flow*> flows;
  for (const auto& p : packets) flows.push_back(f.table.get(p).flow);
  const FlowStats before = f.table.stats();
  std::size_t found = 0;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    for (const auto& p : {packets[i], reply(packets[i], flags::syn_ack, at(100))}) {
      const FlowKey key = FlowKey::of(p);
      const std::uint32_t hash = f.table.prefetch_bucket(key);
      f.table.prefetch_record(hash);
      const Flow* peeked = f.table.peek(key, hash);
      if (peeked == nullptr) continue;  // behind another flow in its chain
      CHECK(peeked == flows[i]);
      ++found;
    }
  }
  // Most flows head their chain (the index grows with the flows: about one per bucket).
  CHECK(found > packets.size());
  const auto absent = tcp("10.0.0.9", 1, "10.0.0.2", 443, flags::syn, at(100));
  CHECK(f.table.peek(FlowKey::of(absent), f.table.prefetch_bucket(FlowKey::of(absent))) == nullptr);
  CHECK(f.table.stats().total == before.total);
  CHECK(f.table.active() == packets.size());
  CHECK(f.handler.ended.empty());
}

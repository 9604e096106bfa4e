#include <catch2/catch.hpp>

#include <limits>
#include <unordered_set>

#include "flow/flow_table.hpp"
#include "flow_test_packets.hpp"

using namespace spanwatch;
using namespace spanwatch::flow;
using namespace spanwatch::flow::test;

namespace {

// A completed handshake from `client_port` at time t.
Flow* establish(FlowTable& table, std::uint16_t client_port, std::int64_t t) {
  const auto syn = tcp("10.0.0.1", client_port, "10.0.0.2", 80, flags::syn, at(t));
  Flow* flow = table.get(syn).flow;
  table.get(reply(syn, flags::syn_ack, at(t)));
  table.get(with_flags(syn, flags::ack, at(t)));
  return flow;
}

void check_counters_add_up(const FlowStats& s) {
  CHECK(s.total == s.active + s.timeouts + s.evicted + s.ended_closed + s.ended_shutdown);
  CHECK(s.total == s.tcp + s.udp + s.icmpv4 + s.icmpv6 + s.other);
  CHECK(s.total - s.active ==
        s.end_state.new_ + s.end_state.established + s.end_state.closing + s.end_state.closed);
}

}  // namespace

TEST_CASE("A new TCP flow times out after 30 s of capture time, once") {
  RecordingHandler handler;
  FlowTable table(small_table(16), handler);
  const std::uint64_t id = table.get(tcp("10.0.0.1", 40000, "10.0.0.2", 80, flags::syn, at(1000))).flow->id;

  table.expire(at(1029, 999'999'999));
  CHECK(handler.ended.empty());
  table.expire(at(1030));
  REQUIRE(handler.ended.size() == 1);
  CHECK(handler.ended[0].flow.id == id);
  CHECK(handler.ended[0].why == FlowEndReason::timeout);
  CHECK(handler.ended[0].flow.state == TcpState::new_);
  table.expire(at(5000));
  CHECK(handler.ended.size() == 1);
  CHECK(table.active() == 0);
  CHECK(table.stats().timeouts == 1);
  CHECK(table.stats().end_state.new_ == 1);
  check_counters_add_up(table.stats());
}

TEST_CASE("An established TCP flow lives 3600 s from its last packet") {
  RecordingHandler handler;
  FlowTable table(small_table(16), handler);
  Flow* flow = establish(table, 40000, 0);
  REQUIRE(flow->state == TcpState::established);
  table.expire(at(3599));
  CHECK(handler.ended.empty());
  // A packet at 3599 s restarts its timeout.
  table.get(tcp("10.0.0.1", 40000, "10.0.0.2", 80, flags::ack, at(3599)));
  table.expire(at(7198));
  CHECK(handler.ended.empty());
  table.expire(at(7199));
  REQUIRE(handler.ended.size() == 1);
  CHECK(handler.ended[0].flow.state == TcpState::established);
  CHECK(handler.ended[0].flow.packets[0] == 3);
  CHECK(table.stats().end_state.established == 1);
}

TEST_CASE("A flow with packets every few hundred milliseconds still ends exactly at its timeout") {
  // Its packets within a second of each other do not move it in its list (see FlowTable::touch).
  RecordingHandler handler;
  FlowTable table(small_table(16), handler);
  const auto query = udp("10.0.0.1", 5000, "10.0.0.2", 53, at(0));
  for (const std::uint32_t ms : {0u, 300u, 600u, 900u}) table.get(with_flags(query, 0, at(0, ms * 1'000'000)));
  table.expire(at(120, 899'999'999));
  CHECK(handler.ended.empty());
  table.expire(at(120, 900'000'000));
  REQUIRE(handler.ended.size() == 1);
  CHECK(handler.ended[0].flow.packets[0] == 4);
}

TEST_CASE("A flow listed behind a busier one ends less than a second late, never early") {
  RecordingHandler handler;
  FlowTable table(small_table(16), handler);
  // Busy: listed at 0, last packet at 0.9 s (deadline 120.9). Quiet: one packet at 0.5 s (deadline
  // 120.5) but listed behind the busy one.
  const auto busy = udp("10.0.0.1", 5000, "10.0.0.2", 53, at(0));
  table.get(busy);
  const std::uint64_t quiet = table.get(udp("10.0.0.3", 5000, "10.0.0.2", 53, at(0, 500'000'000))).flow->id;
  table.get(with_flags(busy, 0, at(0, 900'000'000)));

  table.expire(at(120, 499'999'999));
  CHECK(handler.ended.empty());  // never early
  table.expire(at(121, 500'000'000));
  REQUIRE(handler.ended.size() == 2);  // at most a second late
  CHECK(((handler.ended[0].flow.id == quiet) || (handler.ended[1].flow.id == quiet)));
  // A packet of the quiet flow after its deadline never revives it, whether or not expire() ran.
  FlowTable other(small_table(16), handler);
  other.get(busy);
  const auto late_query = udp("10.0.0.3", 5000, "10.0.0.2", 53, at(0, 500'000'000));
  const std::uint64_t first = other.get(late_query).flow->id;
  other.get(with_flags(busy, 0, at(0, 900'000'000)));
  const FlowLookup again = other.get(with_flags(late_query, 0, at(120, 600'000'000)));
  CHECK(again.created);
  CHECK(again.flow->id != first);
}

TEST_CASE("A closed TCP flow times out 60 s after its last packet") {
  RecordingHandler handler;
  FlowTable table(small_table(16), handler);
  establish(table, 40000, 0);
  const auto fin = tcp("10.0.0.1", 40000, "10.0.0.2", 80, flags::fin_ack, at(10));
  table.get(fin);
  table.get(reply(fin, flags::fin_ack, at(11)));
  table.expire(at(70));
  CHECK(handler.ended.empty());
  table.expire(at(71));
  REQUIRE(handler.ended.size() == 1);
  CHECK(handler.ended[0].flow.state == TcpState::closed);
  CHECK(handler.ended[0].why == FlowEndReason::timeout);
}

TEST_CASE("UDP flows time out after 120 s, other protocols after 60 s") {
  RecordingHandler handler;
  FlowTable table(small_table(16), handler);
  table.get(udp("10.0.0.1", 5000, "10.0.0.2", 53, at(0)));
  table.get(ip_packet("10.0.0.1", "10.0.0.2", 47, at(0)));
  table.expire(at(59));
  CHECK(handler.ended.empty());
  table.expire(at(60));
  REQUIRE(handler.ended.size() == 1);
  CHECK(handler.ended[0].flow.key.ip_protocol == 47);
  table.expire(at(119));
  CHECK(handler.ended.size() == 1);
  table.expire(at(120));
  REQUIRE(handler.ended.size() == 2);
  CHECK(handler.ended[1].flow.key.ip_protocol == 17);
}

TEST_CASE("Timeouts follow capture time, and a clock stepping back does not revive flows") {
  RecordingHandler handler;
  FlowTable table(small_table(16), handler);
  const auto syn = tcp("10.0.0.1", 40000, "10.0.0.2", 80, flags::syn, at(100));
  table.get(syn);
  table.expire(at(50));  // earlier than anything seen: nothing happens
  CHECK(handler.ended.empty());
  // A packet with a stepped-back timestamp still counts as "now" (100), not as 10.
  table.get(with_flags(syn, flags::syn, at(10)));
  table.expire(at(129));
  CHECK(handler.ended.empty());
  table.expire(at(130));
  CHECK(handler.ended.size() == 1);
}

TEST_CASE("A packet for a flow whose timeout passed before expire() ran starts a new flow") {
  RecordingHandler handler;
  FlowTable table(small_table(16), handler);
  const auto query = udp("10.0.0.1", 5000, "10.0.0.2", 53, at(0));
  const std::uint64_t old_id = table.get(query).flow->id;
  const FlowLookup again = table.get(with_flags(query, 0, at(500)));
  CHECK(again.created);
  CHECK(again.flow->id != old_id);
  REQUIRE(handler.ended.size() == 1);
  CHECK(handler.ended[0].flow.id == old_id);
  CHECK(handler.ended[0].why == FlowEndReason::timeout);
  CHECK(again.flow->first_seen == at(500));
  CHECK(again.flow->packets[0] == 1);
}

TEST_CASE("A full table evicts the flow closest to expiry and tells the handler first") {
  RecordingHandler handler;
  FlowTable table(small_table(3), handler);
  // Deadlines: SYN-only TCP at 0 -> 30, established TCP at 1 -> 3601, UDP at 2 -> 122.
  const std::uint64_t half_open = table.get(tcp("10.0.0.1", 1, "10.0.0.2", 80, flags::syn, at(0))).flow->id;
  const std::uint64_t established = establish(table, 2, 1)->id;
  const std::uint64_t dns = table.get(udp("10.0.0.1", 3, "10.0.0.2", 53, at(2))).flow->id;
  REQUIRE(table.active() == 3);

  const FlowLookup fourth = table.get(udp("10.0.0.1", 4, "10.0.0.2", 53, at(5)));
  REQUIRE(fourth.flow != nullptr);
  CHECK(fourth.created);
  REQUIRE(handler.ended.size() == 1);
  CHECK(handler.ended[0].flow.id == half_open);
  CHECK(handler.ended[0].why == FlowEndReason::evicted);

  // Next closest: the first UDP flow (122), not the established one (3601).
  table.get(udp("10.0.0.1", 5, "10.0.0.2", 53, at(6)));
  REQUIRE(handler.ended.size() == 2);
  CHECK(handler.ended[1].flow.id == dns);
  CHECK(table.active() == 3);
  CHECK(table.stats().evicted == 2);
  CHECK(table.stats().memcap == 0);

  // The established flow is still there.
  CHECK_FALSE(table.get(tcp("10.0.0.1", 2, "10.0.0.2", 80, flags::ack, at(7))).created);
  CHECK(table.get(tcp("10.0.0.1", 2, "10.0.0.2", 80, flags::ack, at(7))).flow->id == established);
  check_counters_add_up(table.stats());
}

TEST_CASE("With eviction off, a full table refuses new flows and counts memcap") {
  RecordingHandler handler;
  FlowTableOptions options = small_table(2);
  options.evict_when_full = false;
  FlowTable table(options, handler);
  table.get(udp("10.0.0.1", 1, "10.0.0.2", 53, at(0)));
  table.get(udp("10.0.0.1", 2, "10.0.0.2", 53, at(0)));
  const FlowLookup refused = table.get(udp("10.0.0.1", 3, "10.0.0.2", 53, at(0)));
  CHECK(refused.flow == nullptr);
  CHECK_FALSE(refused.created);
  CHECK(table.stats().memcap == 1);
  CHECK(handler.ended.empty());
  // Existing flows still work.
  CHECK(table.get(udp("10.0.0.2", 53, "10.0.0.1", 1, at(1))).flow != nullptr);
  // Once one times out, there is room again.
  table.expire(at(121));
  CHECK(table.get(udp("10.0.0.1", 3, "10.0.0.2", 53, at(121))).created);
}

TEST_CASE("end_all ends every flow once with the given reason and leaves the table usable") {
  RecordingHandler handler;
  FlowTable table(small_table(16), handler);
  establish(table, 1, 0);
  table.get(udp("10.0.0.1", 2, "10.0.0.2", 53, at(0)));
  table.get(tcp("10.0.0.1", 3, "10.0.0.2", 80, flags::syn, at(0)));
  table.end_all(FlowEndReason::shutdown);
  CHECK(handler.ended.size() == 3);
  CHECK(handler.count(FlowEndReason::shutdown) == 3);
  CHECK(table.active() == 0);
  CHECK(table.stats().ended_shutdown == 3);
  std::size_t seen = 0;
  table.for_each([&](Flow&) { ++seen; });
  CHECK(seen == 0);
  table.end_all(FlowEndReason::shutdown);
  CHECK(handler.ended.size() == 3);
  CHECK(table.get(udp("10.0.0.1", 2, "10.0.0.2", 53, at(1))).created);
  check_counters_add_up(table.stats());
}

TEST_CASE("A new SYN on a closed connection's tuple ends the old flow and starts another") {
  RecordingHandler handler;
  FlowTable table(small_table(16), handler);
  Flow* first = establish(table, 40000, 0);
  const std::uint64_t old_id = first->id;
  const auto rst = tcp("10.0.0.1", 40000, "10.0.0.2", 80, flags::rst, at(1));
  table.get(rst);
  REQUIRE(first->state == TcpState::closed);
  // The closing ACK does not start anything.
  CHECK_FALSE(table.get(with_flags(rst, flags::ack, at(1))).created);

  const FlowLookup reused = table.get(with_flags(rst, flags::syn, at(2)));
  CHECK(reused.created);
  CHECK(reused.flow->id != old_id);
  CHECK(reused.flow->state == TcpState::new_);
  CHECK(reused.direction == core::Direction::to_server);
  REQUIRE(handler.ended.size() == 1);
  CHECK(handler.ended[0].flow.id == old_id);
  CHECK(handler.ended[0].why == FlowEndReason::closed);
  CHECK(table.stats().tcp_reuse == 1);
  CHECK(table.active() == 1);
  check_counters_add_up(table.stats());
}

TEST_CASE("A retransmitted SYN on a live connection is not port reuse") {
  RecordingHandler handler;
  FlowTable table(small_table(16), handler);
  establish(table, 40000, 0);
  CHECK_FALSE(table.get(tcp("10.0.0.1", 40000, "10.0.0.2", 80, flags::syn, at(1))).created);
  CHECK(table.stats().tcp_reuse == 0);
  CHECK(handler.ended.empty());
}

TEST_CASE("100k distinct flows through a small table stay bounded and add up, with unique ids") {
  RecordingHandler handler;
  constexpr std::size_t capacity = 64;
  FlowTable table(small_table(capacity), handler);
  std::unordered_set<std::uint64_t> ids;
  std::size_t over_capacity = 0;
  std::size_t lookups_lost = 0;
  constexpr std::uint32_t flows = 100'000;
  for (std::uint32_t i = 0; i < flows; ++i) {
    const std::int64_t t = i / 1000;  // 1000 new flows per second of capture time
    const auto port = static_cast<std::uint16_t>(1024 + i % 50000);
    auto p = i % 3 == 0 ? udp("10.0.0.1", port, "10.1.0.1", 53, at(t))
                        : tcp("10.0.0.1", port, "10.1.0.1", 80, flags::syn, at(t));
    p.dst = core::IpAddress::v4(0x0a010000u + i / 50000);
    table.expire(at(t));
    const FlowLookup l = table.get(p);
    if (l.flow == nullptr || !l.created) {
      ++lookups_lost;
      continue;
    }
    ids.insert(l.flow->id);
    // The reply finds the same flow even in a crowded table.
    if (table.get(reply(p, flags::syn_ack, at(t))).flow != l.flow) ++lookups_lost;
    if (table.active() > table.capacity()) ++over_capacity;
  }
  CHECK(lookups_lost == 0);
  CHECK(over_capacity == 0);
  CHECK(table.capacity() == capacity);
  CHECK(table.active() == capacity);
  CHECK(ids.size() == flows);
  const FlowStats& s = table.stats();
  CHECK(s.total == flows);
  CHECK(s.evicted + s.timeouts == flows - capacity);
  CHECK(s.evicted > 0);
  CHECK(s.spare == 0);
  check_counters_add_up(s);
  CHECK(handler.ended.size() == flows - capacity);

  table.end_all(FlowEndReason::shutdown);
  REQUIRE(handler.ended.size() == flows);
  std::unordered_set<std::uint64_t> ended_ids;
  for (const auto& e : handler.ended) {
    ended_ids.insert(e.flow.id);
    CHECK(e.flow.id > 0);
    CHECK(e.flow.id < (std::uint64_t{1} << 53));
  }
  CHECK(ended_ids == ids);
  check_counters_add_up(table.stats());
}

TEST_CASE("for_each visits every active flow once") {
  RecordingHandler handler;
  FlowTable table(small_table(16), handler);
  establish(table, 1, 0);
  table.get(udp("10.0.0.1", 2, "10.0.0.2", 53, at(0)));
  table.get(tcp("10.0.0.1", 3, "10.0.0.2", 80, flags::syn, at(0)));
  std::unordered_set<std::uint64_t> ids;
  table.for_each([&](Flow& flow) { ids.insert(flow.id); });
  CHECK(ids.size() == 3);
}

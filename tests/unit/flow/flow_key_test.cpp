#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "flow/flow_key.hpp"
#include "flow_test_packets.hpp"

using namespace spanwatch;
using namespace spanwatch::flow;
using namespace spanwatch::flow::test;

TEST_CASE("Both directions of a conversation give one key and one hash") {
  for (auto [client, server] : {std::pair{"10.0.0.1", "10.0.0.2"}, std::pair{"10.9.0.1", "10.0.0.2"},
                                std::pair{"fd00::5", "fd00::1:2"}}) {
    const auto forward = tcp(client, 40000, server, 443, flags::syn);
    const auto backward = reply(forward, flags::syn_ack, {});
    bool forward_low = false;
    bool backward_low = false;
    const FlowKey a = FlowKey::of(forward, &forward_low);
    const FlowKey b = FlowKey::of(backward, &backward_low);
    CHECK(a == b);
    CHECK(a.hash() == b.hash());
    CHECK(a.hash(77) == b.hash(77));
    CHECK(forward_low != backward_low);
    CHECK(forward_low == source_is_low(forward));
  }
}

TEST_CASE("Same address on both ends orders by port and stays one key") {
  const auto forward = udp("10.0.0.1", 5000, "10.0.0.1", 53);
  bool forward_low = false;
  bool backward_low = true;
  const FlowKey a = FlowKey::of(forward, &forward_low);
  const FlowKey b = FlowKey::of(reply(forward, 0, {}), &backward_low);
  CHECK(a == b);
  CHECK(a.low_port == 53);
  CHECK_FALSE(forward_low);
  CHECK(backward_low);
}

TEST_CASE("Every part of the tuple and both VLAN ids separate keys") {
  const auto base = tcp("10.0.0.1", 40000, "10.0.0.2", 80, flags::syn);
  const FlowKey key = FlowKey::of(base);
  auto differs = [&](const decode::DecodedPacket& other) {
    const FlowKey k = FlowKey::of(other);
    return !(k == key) && k.hash() != key.hash();
  };
  auto p = base;
  p.src_port = 40001;
  CHECK(differs(p));
  p = base;
  p.dst = ip("10.0.0.3");
  CHECK(differs(p));
  p = base;
  p.ip_protocol = 17;
  CHECK(differs(p));
  CHECK(differs(tagged(base, 100)));
  CHECK(differs(tagged(base, 100, 200)));
  CHECK_FALSE(FlowKey::of(tagged(base, 100, 200)) == FlowKey::of(tagged(base, 100, 201)));
  CHECK_FALSE(FlowKey::of(tagged(base, 100, 200)) == FlowKey::of(tagged(base, 200, 100)));
}

TEST_CASE("VLAN slots beyond vlan_count do not count") {
  auto stale = tcp("10.0.0.1", 40000, "10.0.0.2", 80, flags::syn);
  stale.vlan[0] = 7;
  stale.vlan[1] = 8;
  stale.vlan_count = 0;
  CHECK(FlowKey::of(stale) == FlowKey::of(tcp("10.0.0.1", 40000, "10.0.0.2", 80, flags::syn)));
  stale.vlan_count = 1;
  CHECK(FlowKey::of(stale) == FlowKey::of(tagged(tcp("10.0.0.1", 40000, "10.0.0.2", 80, flags::syn), 7)));
}

TEST_CASE("IPv4 and IPv6 keys with the same bytes stay apart") {
  // a00:1:: holds exactly the bytes of 10.0.0.1 (IPv4 sits in the first four bytes, the rest zero).
  auto v4 = tcp("10.0.0.1", 1, "10.0.0.2", 2, 0);
  auto v6 = tcp("a00:1::", 1, "a00:2::", 2, 0);
  CHECK_FALSE(FlowKey::of(v4) == FlowKey::of(v6));
  CHECK(FlowKey::of(v4).hash() != FlowKey::of(v6).hash());
}

TEST_CASE("The hash spreads similar keys evenly over buckets and shards") {
  // 131072 keys that differ only in a few bits (the way real flows do): client port and last octet.
  constexpr std::size_t buckets = 1024;
  std::vector<int> per_bucket(buckets, 0);
  std::vector<int> per_shard(4, 0);  // high bits, the way workers would use them
  std::size_t n = 0;
  for (unsigned host = 0; host < 32; ++host) {
    for (unsigned port = 0; port < 4096; ++port) {
      auto p = tcp("10.0.0.1", static_cast<std::uint16_t>(32768 + port), "192.168.1.1", 443, 0);
      p.dst = core::IpAddress::v4(0xc0a80100u + host);
      const std::uint64_t h = FlowKey::of(p).hash();
      ++per_bucket[h % buckets];
      ++per_shard[h >> 62];
      ++n;
    }
  }
  const double mean = static_cast<double>(n) / buckets;  // 128
  const auto [low, high] = std::minmax_element(per_bucket.begin(), per_bucket.end());
  // A uniform hash gives a standard deviation of about 11 here; allow six of them.
  CHECK(*low > mean - 68);
  CHECK(*high < mean + 68);
  for (int shard : per_shard) CHECK(std::abs(shard - static_cast<int>(n / 4)) < static_cast<int>(n / 100));
}

TEST_CASE("A different seed gives a different hash") {
  const FlowKey key = FlowKey::of(tcp("10.0.0.1", 40000, "10.0.0.2", 80, 0));
  CHECK(key.hash(1) != key.hash(2));
  CHECK(key.hash(0) != key.hash(1));
}

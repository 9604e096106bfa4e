// Several workers over one capture: each keeps its shard (a symmetric hash of the IP address pair),
// and between them they see every flow exactly once, as one worker would.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "alert/record.hpp"
#include "decode/decoder.hpp"
#include "engine/packet_shard.hpp"
#include "engine/worker.hpp"
#include "flow/flow_key.hpp"
#include "support/packet_builder.hpp"

using namespace spanwatch;
using namespace spanwatch::testing;

namespace {

// Keeps every record line, without its flow_id (ids are drawn per worker).
class LineSink final : public alert::RecordSink {
 public:
  bool write(const alert::Record& record) override {
    static const std::regex flow_id(R"("flow_id":[0-9]+,)");
    lines[std::regex_replace(std::string(record.line), flow_id, "")]++;
    return true;
  }
  std::map<std::string, int> lines;
};

struct ShardedWorker {
  explicit ShardedWorker(std::uint16_t index, std::uint16_t count) {
    options.flow.max_flows = 1024;
    options.stream.memcap_bytes = 1u << 20;
    options.shard_index = index;
    options.shard_count = count;
    worker.emplace(options, eve, sink);
  }
  engine::EngineOptions options;
  alert::EveWriter eve;
  LineSink sink;
  std::optional<engine::Worker> worker;
};

void feed(engine::Worker& worker, const Frame& f, std::int64_t second) {
  core::PacketView view;
  view.ts = core::Timestamp::from_micros(second, 0);
  view.caplen = view.wirelen = static_cast<std::uint32_t>(f.size());
  view.linktype = 1;
  view.data = {f.data(), f.size()};
  worker.on_packet(view);
}

// An FTP login between every client and server (IPv4 and IPv6, some VLAN-tagged), then a few
// frames without IP; the same frames for every worker.
std::vector<Frame> capture() {
  std::vector<Frame> frames;
  std::uint16_t port = 40000;
  auto login = [&](const Address& c, const Address& s, const EthernetOptions& eth) {
    const std::uint16_t p = port++;
    std::uint32_t cs = 100, ss = 900;
    auto to_server = [&](std::uint8_t flags, const std::string& text) {
      const Frame data = bytes_of(text);
      frames.push_back(tcp_frame(c, s, {p, 21, cs, ss, flags, 65535, {}, data}, eth));
      cs += static_cast<std::uint32_t>(data.size()) + ((flags & tcp_flags::syn) ? 1 : 0);
    };
    auto to_client = [&](std::uint8_t flags, const std::string& text) {
      const Frame data = bytes_of(text);
      frames.push_back(tcp_frame(s, c, {21, p, ss, cs, flags, 65535, {}, data}, eth));
      ss += static_cast<std::uint32_t>(data.size()) + ((flags & tcp_flags::syn) ? 1 : 0);
    };
    to_server(tcp_flags::syn, "");
    to_client(tcp_flags::syn | tcp_flags::ack, "");
    to_client(tcp_flags::ack, "220 ready\r\n");
    to_server(tcp_flags::ack, "USER alice\r\n");
    to_client(tcp_flags::ack, "331 password\r\n");
    to_server(tcp_flags::ack, "PASS secret\r\n");
    to_client(tcp_flags::ack, "230 welcome\r\n");
  };
  for (std::uint8_t c = 1; c <= 8; ++c)
    for (std::uint8_t s = 1; s <= 4; ++s) {
      login(Address::v4(10, 0, 1, c), Address::v4(10, 0, 2, s), {});
      login(Address::v6_simple(0x2001, c), Address::v6_simple(0x2001, 0x100 + s), EthernetOptions{{7}});
    }
  Frame arp = ethernet(Frame(28, 0), 0x0806);
  for (int i = 0; i < 3; ++i) frames.push_back(arp);
  return frames;
}

}  // namespace

TEST_CASE("Workers sharing a capture by IP pair see disjoint flows that add up to what one worker sees") {
  const std::vector<Frame> frames = capture();
  ShardedWorker whole(0, 1);
  ShardedWorker first(0, 2), second(1, 2);
  for (ShardedWorker* w : {&whole, &first, &second}) {
    for (std::size_t i = 0; i < frames.size(); ++i) feed(*w->worker, frames[i], 100 + static_cast<std::int64_t>(i));
    w->worker->finish();
  }
  const std::uint64_t flows = whole.worker->flow_stats().total;
  REQUIRE(flows == 64);
  CHECK(first.worker->flow_stats().total + second.worker->flow_stats().total == flows);
  // Both shards have work (32 address pairs over 2 shards), and each packet is kept exactly once.
  CHECK(first.worker->flow_stats().total > 0);
  CHECK(second.worker->flow_stats().total > 0);
  CHECK(first.worker->stats().packets + second.worker->stats().packets == frames.size());
  CHECK(first.worker->stats().other_shard == second.worker->stats().packets);
  CHECK(second.worker->stats().other_shard == first.worker->stats().packets);

  // The records (one login per flow, which needs both directions) are split without overlap.
  REQUIRE(!whole.sink.lines.empty());
  std::map<std::string, int> together = first.sink.lines;
  for (const auto& [line, count] : second.sink.lines) {
    CHECK(first.sink.lines.count(line) == 0);
    together[line] += count;
  }
  CHECK(together == whole.sink.lines);
  const auto& app = whole.worker->app_layer_stats();
  const auto ftp = static_cast<std::size_t>(events::Protocol::ftp);
  CHECK(app.flows[ftp] == 64);
  CHECK(first.worker->app_layer_stats().flows[ftp] + second.worker->app_layer_stats().flows[ftp] == 64);
  CHECK(first.worker->app_layer_stats().tx[ftp] + second.worker->app_layer_stats().tx[ftp] == app.tx[ftp]);
}

TEST_CASE("Frames without IP belong to the first shard") {
  ShardedWorker first(0, 2), second(1, 2);
  const Frame arp = ethernet(Frame(28, 0), 0x0806);
  for (ShardedWorker* w : {&first, &second}) feed(*w->worker, arp, 1);
  CHECK(first.worker->stats().packets == 1);
  CHECK(second.worker->stats().packets == 0);
  CHECK(second.worker->stats().other_shard == 1);
}

namespace {

core::PacketView view_of(const Frame& f, int linktype) {
  core::PacketView view;
  view.ts = core::Timestamp::from_micros(1, 0);
  view.caplen = view.wirelen = static_cast<std::uint32_t>(f.size());
  view.linktype = linktype;
  view.data = {f.data(), f.size()};
  return view;
}

// Frames of every link type and header shape the decoder knows, as (link type, bytes).
std::vector<std::pair<int, Frame>> header_shapes() {
  const Address c4 = Address::v4(10, 0, 1, 7), s4 = Address::v4(192, 0, 2, 9);
  const Address c6 = Address::v6_simple(0x2001, 7), s6 = Address::v6_simple(0x2001, 0x109);
  const Frame tcp4 = tcp_bytes(c4, s4, {40000, 443, 1, 0, tcp_flags::syn, 65535, {}, {}});
  const Frame tcp6 = tcp_bytes(c6, s6, {40000, 443, 1, 0, tcp_flags::syn, 65535, {}, {}});
  const Frame ip4 = ipv4_bytes(c4, s4, 6, tcp4);
  const Frame ip6 = ipv6_bytes(c6, s6, 6, tcp6);
  Ipv4Options with_options;
  with_options.options = {1, 1, 7, 3, 4, 0};
  const Frame ip4_options = ipv4_bytes(c4, s4, 6, tcp4, with_options);
  const Frame ip6_extensions = ipv6_bytes(c6, s6, 6, tcp6, {{0, Frame(4, 0)}, {60, Frame(4, 0)}});

  std::vector<std::pair<int, Frame>> shapes;
  for (const Frame& f : {ethernet(ip4, 0x0800), ethernet(ip6, 0x86dd), ethernet(ip4_options, 0x0800),
                         ethernet(ip6_extensions, 0x86dd), ethernet(ip4, 0x0800, {{5}}),
                         ethernet(ip6, 0x86dd, {{5, 6}, 0x88a8}), ethernet(ip4, 0x0800, {{5, 6, 7}, 0x9100}),
                         ethernet(ip4, 0x0800, {{5, 6, 7, 8}}), ethernet(Frame(28, 0), 0x0806),
                         ethernet(Frame(40, 0), 0x0100), ethernet(ip4, 0x86dd), ethernet(ip6, 0x0800)})
    shapes.emplace_back(decode::linktype::en10mb, f);
  const Frame payload(1200, 0x5a);
  for (const Frame& f : ipv4_fragments(c4, s4, 17, payload, 500, 77, {{9}}))
    shapes.emplace_back(decode::linktype::en10mb, f);
  for (const Frame& f : ipv6_fragments(c6, s6, 17, payload, 500, 78)) shapes.emplace_back(decode::linktype::en10mb, f);
  for (int type : {decode::linktype::raw, decode::linktype::linktype_raw, decode::linktype::ipv4,
                   decode::linktype::ipv6}) {
    shapes.emplace_back(type, ip4);
    shapes.emplace_back(type, ip6);
  }
  auto prefixed = [](Frame header, const Frame& l3) {
    append(header, l3);
    return header;
  };
  shapes.emplace_back(decode::linktype::null, prefixed({2, 0, 0, 0}, ip4));     // little-endian AF_INET
  shapes.emplace_back(decode::linktype::loop, prefixed({0, 0, 0, 2}, ip4));     // network order
  shapes.emplace_back(decode::linktype::null, prefixed({30, 0, 0, 0}, ip6));    // AF_INET6 (Darwin)
  shapes.emplace_back(decode::linktype::null, prefixed({0, 0, 0, 10}, ip6));    // AF_INET6 (Linux)
  shapes.emplace_back(decode::linktype::null, prefixed({0, 0, 0, 99}, ip4));    // unknown family
  Frame sll(14, 0);
  put16(sll, 0x0800);
  shapes.emplace_back(decode::linktype::linux_sll, prefixed(sll, ip4));
  Frame sll_vlan(14, 0);
  put16(sll_vlan, 0x8100);
  put16(sll_vlan, 12);
  put16(sll_vlan, 0x86dd);
  shapes.emplace_back(decode::linktype::linux_sll, prefixed(sll_vlan, ip6));
  Frame sll2;
  put16(sll2, 0x86dd);
  sll2.resize(20, 0);
  shapes.emplace_back(decode::linktype::linux_sll2, prefixed(sll2, ip6));
  shapes.emplace_back(147, ip4);  // a link type the decoder does not know
  return shapes;
}

void require_same_pair(const decode::DecodedPacket& decoded, const engine::PeekedHeaders& peeked) {
  REQUIRE(peeked.ip_version == decoded.ip_version);
  if (decoded.ip_version == 0) return;
  REQUIRE(peeked.src == decoded.src);
  REQUIRE(peeked.dst == decoded.dst);
}

// The flow key the prefetch looks for, from the peeked headers alone.
flow::FlowKey key_of(const engine::PeekedHeaders& peeked) {
  return flow::FlowKey::of(peeked.src, peeked.dst, peeked.src_port, peeked.dst_port, peeked.ip_protocol, peeked.vlan);
}

}  // namespace

// The shard is chosen before decoding: what decides it must be exactly what the decoder would
// have read, or packets (fragments, malformed and non-IP frames included) would move between
// workers. Every shape is tried whole, cut at every length, and with each header byte altered.
// The same headers also give the flow key whose records the worker prefetches a few packets ahead:
// when the peek finds ports, they and the VLAN ids must make the key the decoded packet makes.
TEST_CASE("The shard pre-check reads the same IP pair as the full decoder, for whole, cut and damaged frames") {
  decode::DecodeOptions options;
  decode::Decoder decoder(options);
  decode::DecodedPacket decoded;
  std::size_t with_ip = 0, without_ip = 0, same_key = 0;
  auto check = [&](int linktype, const Frame& f) {
    const core::PacketView view = view_of(f, linktype);
    const decode::DecodeResult result = decoder.decode(view, decoded);
    const engine::PeekedHeaders peeked = engine::peek_headers(view, options.max_vlan_layers);
    require_same_pair(decoded, peeked);
    (decoded.ip_version != 0 ? with_ip : without_ip)++;
    const bool ported = decoded.transport == decode::Transport::tcp || decoded.transport == decode::Transport::udp;
    if (result.status == decode::DecodeStatus::ok && ported && peeked.has_ports) {
      REQUIRE(key_of(peeked) == flow::FlowKey::of(decoded));
      ++same_key;
    }
  };
  std::uint32_t random = 12345;
  for (const auto& [linktype, frame] : header_shapes()) {
    check(linktype, frame);
    for (std::size_t cut = 0; cut < frame.size(); ++cut) check(linktype, Frame(frame.begin(), frame.begin() + cut));
    for (std::size_t at = 0; at < std::min<std::size_t>(frame.size(), 80); ++at) {
      for (int round = 0; round < 4; ++round) {
        random = random * 1103515245u + 12345u;
        Frame damaged = frame;
        damaged[at] = static_cast<std::uint8_t>(random >> 16);
        check(linktype, damaged);
      }
    }
  }
  // Both outcomes are well represented (the damage does not only ever break the header).
  CHECK(with_ip > 1000);
  CHECK(without_ip > 1000);
  CHECK(same_key > 1000);
}

TEST_CASE("The peek gives no ports where the decoder's come only after reassembly or extension headers") {
  const Address c4 = Address::v4(10, 0, 1, 7), s4 = Address::v4(192, 0, 2, 9);
  const Address c6 = Address::v6_simple(0x2001, 7), s6 = Address::v6_simple(0x2001, 0x109);
  const Frame payload(1200, 0x5a);
  for (const Frame& f : ipv4_fragments(c4, s4, 17, payload, 500, 77, {}))
    CHECK_FALSE(engine::peek_headers(view_of(f, decode::linktype::en10mb), 2).has_ports);
  const Frame tcp6 = tcp_bytes(c6, s6, {40000, 443, 1, 0, tcp_flags::syn, 65535, {}, {}});
  const Frame behind_options = ethernet(ipv6_bytes(c6, s6, 6, tcp6, {{0, Frame(4, 0)}}), 0x86dd);
  CHECK_FALSE(engine::peek_headers(view_of(behind_options, decode::linktype::en10mb), 2).has_ports);
  const engine::PeekedHeaders direct =
      engine::peek_headers(view_of(ethernet(ipv6_bytes(c6, s6, 6, tcp6), 0x86dd, {{5, 6}, 0x88a8}), decode::linktype::en10mb), 2);
  REQUIRE(direct.has_ports);
  CHECK(direct.src_port == 40000);
  CHECK(direct.dst_port == 443);
  CHECK(direct.ip_protocol == 6);
  CHECK(direct.vlan_count == 2);
  CHECK(direct.vlan[0] == 5);
  CHECK(direct.vlan[1] == 6);
}

TEST_CASE("The shard of an address pair does not depend on direction, and frames without IP go to shard 0") {
  engine::PeekedHeaders forward{4, core::IpAddress::v4(0x0a000001u), core::IpAddress::v4(0xc0000209u)};
  engine::PeekedHeaders backward{4, forward.dst, forward.src};
  std::size_t on_shard[3] = {0, 0, 0};
  for (std::uint32_t host = 1; host <= 300; ++host) {
    forward.src = core::IpAddress::v4(0x0a000000u + host);
    backward.dst = forward.src;
    CHECK(engine::shard_of(forward, 3) == engine::shard_of(backward, 3));
    ++on_shard[engine::shard_of(forward, 3)];
  }
  for (std::size_t count : on_shard) CHECK(count > 50);
  CHECK(engine::shard_of(engine::PeekedHeaders{}, 3) == 0);
  CHECK(engine::shard_of(forward, 1) == 0);
}

TEST_CASE("A worker neither decodes nor defragments another shard's packets") {
  // A host pair of the second shard, so that the first worker sees only packets it must leave.
  Address c = Address::v4(10, 0, 1, 1);
  const Address s = Address::v4(10, 0, 2, 1);
  engine::PeekedHeaders pair{4, core::IpAddress::v4(c.bytes.data()), core::IpAddress::v4(s.bytes.data())};
  while (engine::shard_of(pair, 2) != 1) {
    ++c.bytes[3];
    pair.src = core::IpAddress::v4(c.bytes.data());
  }
  const std::vector<Frame> frames = ipv4_fragments(c, s, 17, udp_bytes(c, s, 5000, 53, Frame(1200, 1)), 400, 9);
  REQUIRE(frames.size() == 4);
  ShardedWorker first(0, 2), second(1, 2);
  for (ShardedWorker* w : {&first, &second})
    for (const Frame& f : frames) feed(*w->worker, f, 1);
  CHECK(second.worker->stats().packets == frames.size());
  CHECK(second.worker->decode_stats().pkts == frames.size());
  CHECK(second.worker->decode_stats().defrag.ipv4_reassembled == 1);
  CHECK(first.worker->decode_stats().pkts == 0);
  CHECK(first.worker->decode_stats().defrag.ipv4_reassembled == 0);
  CHECK(first.worker->stats().other_shard == frames.size());
}

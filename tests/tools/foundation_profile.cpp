// The foundation capture: small, and built to hit every corner of the packet path once or more —
// link layer (VLAN, QinQ, ARP), IP (v4/v6, fragments, overlapping fragments, malformed and truncated
// headers) and TCP (handshake, teardown by FIN and RST, reordering, retransmission, overlap,
// midstream pickup) — with the ground truth counted as it is written.
#include <functional>
#include <string>
#include <vector>

#include "conversation_writer.hpp"
#include "profiles.hpp"
#include "support/protocol_builders.hpp"

namespace spanwatch::tools {

namespace {

using namespace spanwatch::testing;
using testing::Side;

constexpr std::size_t mss = TcpConversation::default_mss;

Frame random_text(Rng& rng, std::size_t n) {
  static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789 ";
  Frame f(n);
  for (auto& b : f) b = static_cast<std::uint8_t>(alphabet[rng.below(sizeof alphabet - 1)]);
  return f;
}

const Address anomaly_server = Address::v4(10, 0, 0, 90);

// A request/response TCP flow with the address family, tags and teardown the index selects.
void plain_flow(CaptureSink& sink, Rng& rng, int i) {
  const bool v6 = i % 6 == 5;
  EthernetOptions eth;
  if (i % 4 == 1) eth.vlans = {static_cast<std::uint16_t>(100 + i)};
  if (i % 8 == 3) {
    eth.vlans = {200, static_cast<std::uint16_t>(10 + i)};
    eth.outer_tpid = 0x88a8;
  }
  const Address client = v6 ? documentation_v6(0x1000 + static_cast<std::uint32_t>(i))
                            : Address::v4(10, 0, 1, static_cast<std::uint8_t>(10 + i));
  const Address server = v6 ? documentation_v6(0x80) : Address::v4(10, 0, 0, static_cast<std::uint8_t>(80 + i % 3));
  TcpConversation tcp(client, static_cast<std::uint16_t>(40000 + i), server, 8080, rng.next32(), rng.next32(), eth);
  ConversationWriter w(sink, tcp, rng.between(50, 2000) * 1000);
  w.open();
  const auto rounds = rng.between(1, 4);
  for (std::uint64_t r = 0; r < rounds; ++r) {
    w.send(Side::client, random_text(rng, rng.between(40, 400)));
    w.send(Side::server, random_text(rng, rng.between(100, 5000)), true);
  }
  if (i % 5 == 4) {
    w.reset(Side::server);
  } else {
    w.close(i % 2 == 0 ? Side::client : Side::server);
  }
}

// Server data in four segments, written with the given order of segment indexes (repeats allowed).
void segments_in_order(CaptureSink& sink, Rng& rng, std::uint16_t port, const std::vector<int>& order) {
  TcpConversation tcp(Address::v4(10, 0, 4, static_cast<std::uint8_t>(port % 200)), port, anomaly_server, 9000,
                      rng.next32(), rng.next32());
  ConversationWriter w(sink, tcp);
  w.open();
  w.send(Side::client, random_text(rng, 120));
  const Frame data = random_text(rng, 4 * 1000);
  const std::uint32_t base = tcp.next_seq(Side::server);
  w.pause(250000);
  for (const int k : order) {
    const auto piece = std::span<const std::uint8_t>(data).subspan(static_cast<std::size_t>(k) * 1000, 1000);
    w.write(tcp.segment_at(Side::server, base + static_cast<std::uint32_t>(k) * 1000, piece));
  }
  tcp.advance(Side::server, 4000);
  w.pause(250000);
  w.write(tcp.ack(Side::client));
  w.close(Side::client);
}

void out_of_order_flow(CaptureSink& sink, Rng& rng, std::uint16_t port) {
  segments_in_order(sink, rng, port, {0, 2, 1, 3});  // segment 2 arrives ahead of the hole at 1
  ++sink.truth().out_of_order_segments;
}

void retransmission_flow(CaptureSink& sink, Rng& rng, std::uint16_t port) {
  segments_in_order(sink, rng, port, {0, 1, 2, 1, 3});  // segment 1 sent again, byte for byte
  ++sink.truth().retransmissions;
}

// Client data [0,1000), then [500,1500) repeating half of it, then [1500,2000).
void overlap_flow(CaptureSink& sink, Rng& rng, std::uint16_t port) {
  TcpConversation tcp(Address::v4(10, 0, 4, 77), port, anomaly_server, 9000, rng.next32(), rng.next32());
  ConversationWriter w(sink, tcp);
  w.open();
  const Frame data = random_text(rng, 2000);
  const std::span<const std::uint8_t> bytes(data);
  const std::uint32_t base = tcp.next_seq(Side::client);
  w.write(tcp.segment_at(Side::client, base, bytes.subspan(0, 1000)));
  w.write(tcp.segment_at(Side::client, base + 500, bytes.subspan(500, 1000)));
  w.write(tcp.segment_at(Side::client, base + 1500, bytes.subspan(1500, 500)));
  tcp.advance(Side::client, 2000);
  ++sink.truth().overlaps;
  w.send(Side::server, random_text(rng, 300), true);
  w.close(Side::server);
}

// A flow already established when the capture starts: data both ways, then FIN.
void midstream_flow(CaptureSink& sink, Rng& rng) {
  TcpConversation tcp(Address::v4(10, 0, 4, 99), 45999, anomaly_server, 9000, rng.next32(), rng.next32());
  ConversationWriter w(sink, tcp);
  w.send(Side::server, random_text(rng, 2500));
  w.send(Side::client, random_text(rng, 200));
  w.send(Side::server, random_text(rng, 800), true);
  w.close(Side::client);
  ++sink.truth().tcp_flows;
  ++sink.truth().midstream_flows;
}

// A TCP flow one of whose data segments travels as three IPv4 fragments.
void fragmented_tcp_flow(CaptureSink& sink, Rng& rng) {
  TcpConversation tcp(Address::v4(10, 0, 4, 120), 46000, anomaly_server, 9000, rng.next32(), rng.next32());
  ConversationWriter w(sink, tcp);
  w.open();
  w.send(Side::client, random_text(rng, 150));
  w.pause(250000);
  const Frame segment = tcp.tcp_payload_bytes(Side::server, random_text(rng, 1200));
  for (const auto& fragment : ipv4_fragments(anomaly_server, tcp.address(Side::client), 6, segment, 512, 0x7a01))
    w.write(fragment);
  ++sink.truth().ipv4_reassembled;
  w.pause(250000);
  w.write(tcp.ack(Side::client));
  w.close(Side::client);
}

void dns_lookup(CaptureSink& sink, Rng& rng, int i) {
  const bool v6 = i % 15 == 7;
  EthernetOptions eth;
  if (i % 10 == 3) eth.vlans = {30};
  const Address client = v6 ? documentation_v6(0x2000 + static_cast<std::uint32_t>(i))
                            : Address::v4(10, 0, 2, static_cast<std::uint8_t>(1 + rng.below(250)));
  const Address resolver = v6 ? documentation_v6(0x53) : Address::v4(10, 0, 0, 53);
  const auto port = static_cast<std::uint16_t>(20000 + i);  // distinct per lookup: one flow each
  const auto id = static_cast<std::uint16_t>(rng.next());
  const std::string name = "host" + std::to_string(rng.below(1000)) + ".example.test";
  sink.write(udp_frame(client, resolver, port, 53, dns::query_a(id, name), eth));
  sink.advance_ns(rng.between(200, 3000) * 1000);
  const Address answer = Address::v4(198, 51, 100, static_cast<std::uint8_t>(rng.below(250)));
  sink.write(udp_frame(resolver, client, 53, port, dns::response_a(id, name, answer), eth));
  ++sink.truth().udp_flows;
}

void fragmented_udp_v4(CaptureSink& sink, Rng& rng, std::uint16_t port) {
  const Address src = Address::v4(10, 0, 3, 5), dst = Address::v4(10, 0, 0, 60);
  const Frame udp = udp_bytes(src, dst, port, 5001, random_text(rng, 3000));
  for (const auto& fragment : ipv4_fragments(src, dst, 17, udp, 1480, static_cast<std::uint16_t>(0x6000 + port))) {
    sink.write(fragment);
    sink.advance_ns(15000);
  }
  ++sink.truth().udp_flows;
  ++sink.truth().ipv4_reassembled;
}

void fragmented_udp_v6(CaptureSink& sink, Rng& rng) {
  const Address src = documentation_v6(0x30005), dst = documentation_v6(0x60);
  const Frame udp = udp_bytes(src, dst, 41000, 5002, random_text(rng, 2000));
  for (const auto& fragment : ipv6_fragments(src, dst, 17, udp, 1232, 0x0badcafe)) {
    sink.write(fragment);
    sink.advance_ns(15000);
  }
  ++sink.truth().udp_flows;
  ++sink.truth().ipv6_reassembled;
}

// A plain datagram, then one datagram of the same flow in two fragments whose bytes 24..31 overlap
// with different content (the classic reassembly-policy evasion).
void overlapping_fragments(CaptureSink& sink, Rng& rng) {
  const Address src = Address::v4(10, 0, 3, 9), dst = Address::v4(10, 0, 0, 60);
  sink.write(udp_frame(src, dst, 41001, 5003, random_text(rng, 64)));
  sink.advance_ns(20000);
  ++sink.truth().udp_flows;
  const Frame udp = udp_bytes(src, dst, 41001, 5003, random_text(rng, 40));  // 48 bytes with its header
  Ipv4Options first;
  first.id = 0x5151;
  first.more_fragments = true;
  sink.write(ethernet(ipv4_bytes(src, dst, 17, Frame(udp.begin(), udp.begin() + 32), first), 0x0800));
  sink.advance_ns(20000);
  Ipv4Options second;
  second.id = 0x5151;
  second.fragment_offset_bytes = 24;
  Frame tail(udp.begin() + 24, udp.end());
  for (std::size_t k = 0; k < 8; ++k) tail[k] = 'X';  // disagrees with the first fragment
  sink.write(ethernet(ipv4_bytes(src, dst, 17, tail, second), 0x0800));
  ++sink.truth().overlapping_fragment_datagrams;
}

void arp_exchange(CaptureSink& sink, int i) {
  const std::uint8_t host = static_cast<std::uint8_t>(10 + i);
  for (const bool reply : {false, true}) {
    Frame f = reply ? Frame{0x02, 0, 0, 0, 0, host, 0x02, 0, 0, 0, 0, 0x01}
                    : Frame{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, host};
    if (reply) std::swap_ranges(f.begin(), f.begin() + 6, f.begin() + 6);
    put16(f, 0x0806);
    put16(f, 1);
    put16(f, 0x0800);
    f.push_back(6);
    f.push_back(4);
    put16(f, reply ? 2 : 1);
    const Frame asker = {0x02, 0, 0, 0, 0, host, 10, 0, 1, host};
    const Frame target = reply ? Frame{0x02, 0, 0, 0, 0, 0x01, 10, 0, 0, 1} : Frame{0, 0, 0, 0, 0, 0, 10, 0, 0, 1};
    append(f, reply ? target : asker);
    append(f, reply ? asker : target);
    f.resize(60, 0);  // minimum Ethernet payload padding
    sink.write(f);
    sink.advance_ns(80000);
  }
}

void broken_frames(CaptureSink& sink, Rng& rng) {
  TcpSegment s;
  s.sport = 47000;
  s.dport = 9000;
  s.seq = rng.next32();
  s.payload = random_text(rng, 200);
  const Frame whole = tcp_frame(Address::v4(10, 0, 5, 1), anomaly_server, s);
  sink.write(whole, FrameNote::truncated, 14 + 12);  // cut inside the IPv4 header
  sink.advance_ns(1000000);
  sink.write(whole, FrameNote::truncated, 14 + 20 + 10);  // cut inside the TCP header
  sink.advance_ns(1000000);
  Frame bad = udp_frame(Address::v4(10, 0, 5, 2), Address::v4(10, 0, 0, 60), 47001, 5004, random_text(rng, 60));
  bad[14] = 0x43;  // IHL 3: shorter than the 20-byte minimum
  sink.write(bad, FrameNote::bad_ipv4_header);
}

}  // namespace

void generate_foundation(CaptureSink& sink, Rng& rng) {
  std::vector<std::function<void()>> items;
  for (int i = 0; i < 24; ++i) items.emplace_back([&, i] { plain_flow(sink, rng, i); });
  for (std::uint16_t p : {46100, 46101}) items.emplace_back([&, p] { out_of_order_flow(sink, rng, p); });
  for (std::uint16_t p : {46200, 46201}) items.emplace_back([&, p] { retransmission_flow(sink, rng, p); });
  items.emplace_back([&] { overlap_flow(sink, rng, 46300); });
  items.emplace_back([&] { midstream_flow(sink, rng); });
  items.emplace_back([&] { fragmented_tcp_flow(sink, rng); });
  for (int i = 0; i < 400; ++i) items.emplace_back([&, i] { dns_lookup(sink, rng, i); });
  for (std::uint16_t p : {40001, 40002}) items.emplace_back([&, p] { fragmented_udp_v4(sink, rng, p); });
  items.emplace_back([&] { fragmented_udp_v6(sink, rng); });
  items.emplace_back([&] { overlapping_fragments(sink, rng); });
  for (int i = 0; i < 3; ++i) items.emplace_back([&, i] { arp_exchange(sink, i); });
  items.emplace_back([&] { broken_frames(sink, rng); });

  // A seeded shuffle so the kinds of traffic are spread through the capture.
  for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[rng.below(i)]);
  for (auto& item : items) {
    item();
    sink.advance_ns(rng.between(200, 5000) * 1000);
  }
}

}  // namespace spanwatch::tools

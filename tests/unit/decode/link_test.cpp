#include <catch2/catch.hpp>

#include "decode_test_support.hpp"

using namespace spanwatch;
using namespace spanwatch::decode;
using namespace spanwatch::decode::test;
using testing::EthernetOptions;
using testing::TcpSegment;

namespace {

Frame tcp_ipv4() {
  TcpSegment s;
  s.sport = 40000;
  s.dport = 21;
  s.seq = 1000;
  s.ack = 2000;
  s.flags = testing::tcp_flags::ack | testing::tcp_flags::psh;
  s.payload = testing::bytes_of("USER anonymous\r\n");
  return testing::ipv4_bytes(client4, server4, 6, testing::tcp_bytes(client4, server4, s));
}

Frame udp_ipv6() {
  return testing::ipv6_bytes(client6, server6, 17,
                             testing::udp_bytes(client6, server6, 5353, 53, testing::bytes_of("query")));
}

void check_tcp_ipv4(const DecodedPacket& out) {
  CHECK(out.ip_version == 4);
  CHECK(out.src == core::IpAddress::v4(client4.bytes.data()));
  CHECK(out.dst == core::IpAddress::v4(server4.bytes.data()));
  CHECK(out.transport == Transport::tcp);
  CHECK(out.src_port == 40000);
  CHECK(out.dst_port == 21);
  CHECK(text_of(out.payload) == "USER anonymous\r\n");
}

void check_udp_ipv6(const DecodedPacket& out) {
  CHECK(out.ip_version == 6);
  CHECK(out.src == core::IpAddress::v6(client6.bytes.data()));
  CHECK(out.transport == Transport::udp);
  CHECK(out.dst_port == 53);
  CHECK(text_of(out.payload) == "query");
}

Frame with_prefix(std::initializer_list<std::uint8_t> prefix, const Frame& l3) { return concat(Frame(prefix), l3); }

}  // namespace

TEST_CASE("Ethernet IPv4 TCP frame decodes addresses, ports, TCP fields and payload") {
  Decoder decoder;
  DecodedPacket out;
  const Frame frame = testing::ethernet(tcp_ipv4(), 0x0800);
  const auto result = decode_kept(decoder, out, frame);
  REQUIRE(result.status == DecodeStatus::ok);
  CHECK(result.anomaly == DecodeAnomaly::none);
  check_tcp_ipv4(out);
  CHECK(out.tcp.seq == 1000);
  CHECK(out.tcp.ack == 2000);
  CHECK(out.tcp.has(tcp_flag::psh));
  CHECK_FALSE(out.tcp.has(tcp_flag::syn));
  CHECK(out.tcp.window == 65535);
  CHECK(out.ttl == 64);
  CHECK(out.ip_protocol == 6);
  CHECK(out.vlan_count == 0);
  CHECK(out.wire_length == frame.size());
  CHECK(out.ts.seconds == 1000);
  CHECK_FALSE(out.reassembled);
  CHECK(decoder.stats().pkts == 1);
  CHECK(decoder.stats().bytes == frame.size());
  CHECK(decoder.stats().ethernet == 1);
  CHECK(decoder.stats().ipv4 == 1);
  CHECK(decoder.stats().tcp == 1);
  CHECK(decoder.stats().max_pkt_size == frame.size());
}

TEST_CASE("Ethernet padding after a short IPv4 datagram is not payload") {
  Decoder decoder;
  DecodedPacket out;
  Frame frame = testing::ethernet(
      testing::ipv4_bytes(client4, server4, 17, testing::udp_bytes(client4, server4, 1000, 69, testing::bytes_of("x"))),
      0x0800);
  while (frame.size() < 60) frame.push_back(0xee);
  REQUIRE(decode_kept(decoder, out, frame).status == DecodeStatus::ok);
  CHECK(text_of(out.payload) == "x");
}

TEST_CASE("Raw IP link types decode IPv4 and IPv6 and reject the wrong version") {
  Decoder decoder;
  DecodedPacket out;
  const Frame v4 = tcp_ipv4();
  const Frame v6 = udp_ipv6();
  for (int link : {linktype::raw, linktype::linktype_raw, linktype::ipv4}) {
    REQUIRE(decode_kept(decoder, out, v4, link).status == DecodeStatus::ok);
    check_tcp_ipv4(out);
  }
  for (int link : {linktype::raw, linktype::linktype_raw, linktype::ipv6}) {
    REQUIRE(decode_kept(decoder, out, v6, link).status == DecodeStatus::ok);
    check_udp_ipv6(out);
  }
  CHECK(decoder.stats().raw == 6);
  auto result = decode_kept(decoder, out, udp_ipv6(), linktype::ipv4);
  CHECK(result.status == DecodeStatus::malformed);
  CHECK(result.anomaly == DecodeAnomaly::ipraw_invalid_ip_version);
  result = decode_kept(decoder, out, tcp_ipv4(), linktype::ipv6);
  CHECK(result.anomaly == DecodeAnomaly::ipraw_invalid_ip_version);
  result = decode_kept(decoder, out, Frame{0x50, 0, 0, 0}, linktype::raw);
  CHECK(result.anomaly == DecodeAnomaly::ipraw_invalid_ip_version);
  CHECK(decoder.stats().invalid == 3);
  CHECK(decoder.stats().events[DecodeAnomaly::ipraw_invalid_ip_version] == 3);
}

TEST_CASE("BSD loopback headers are read in host or network order with every AF_INET6 value") {
  Decoder decoder;
  DecodedPacket out;
  const Frame null_v4 = with_prefix({2, 0, 0, 0}, tcp_ipv4());
  REQUIRE(decode_kept(decoder, out, null_v4, linktype::null).status == DecodeStatus::ok);
  check_tcp_ipv4(out);
  const Frame loop_v4 = with_prefix({0, 0, 0, 2}, tcp_ipv4());
  REQUIRE(decode_kept(decoder, out, loop_v4, linktype::loop).status == DecodeStatus::ok);
  check_tcp_ipv4(out);
  for (std::uint8_t family : {10, 24, 28, 30}) {
    const Frame host_order = with_prefix({family, 0, 0, 0}, udp_ipv6());
    REQUIRE(decode_kept(decoder, out, host_order, linktype::null).status == DecodeStatus::ok);
    check_udp_ipv6(out);
    const Frame network_order = with_prefix({0, 0, 0, family}, udp_ipv6());
    REQUIRE(decode_kept(decoder, out, network_order, linktype::loop).status == DecodeStatus::ok);
    check_udp_ipv6(out);
  }
  CHECK(decoder.stats().null == 10);
  const auto result = decode_kept(decoder, out, with_prefix({7, 0, 0, 0}, tcp_ipv4()), linktype::null);
  CHECK(result.status == DecodeStatus::skipped);
  CHECK(result.anomaly == DecodeAnomaly::ltnull_unsupported_type);
  CHECK(decode_kept(decoder, out, Frame{2, 0, 0}, linktype::null).anomaly == DecodeAnomaly::ltnull_pkt_too_small);
}

TEST_CASE("Linux cooked capture v1 and v2 decode the protocol they carry") {
  Decoder decoder;
  DecodedPacket out;
  // SLL: packet type, ARPHRD_ETHER, address length 6, address (8 bytes), protocol.
  const Frame sll = with_prefix({0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00}, tcp_ipv4());
  REQUIRE(decode_kept(decoder, out, sll, linktype::linux_sll).status == DecodeStatus::ok);
  check_tcp_ipv4(out);
  const Frame sll6 = with_prefix({0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x86, 0xdd}, udp_ipv6());
  REQUIRE(decode_kept(decoder, out, sll6, linktype::linux_sll).status == DecodeStatus::ok);
  check_udp_ipv6(out);
  // SLL2: protocol, reserved, interface index, ARPHRD_ETHER, packet type, address length, address.
  const Frame sll2 =
      with_prefix({0x08, 0x00, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0}, tcp_ipv4());
  REQUIRE(decode_kept(decoder, out, sll2, linktype::linux_sll2).status == DecodeStatus::ok);
  check_tcp_ipv4(out);
  CHECK(decoder.stats().sll == 2);
  CHECK(decoder.stats().sll2 == 1);
  CHECK(decode_kept(decoder, out, Frame(15, 0), linktype::linux_sll).anomaly == DecodeAnomaly::sll_pkt_too_small);
  CHECK(decode_kept(decoder, out, Frame(19, 0), linktype::linux_sll2).anomaly ==
        DecodeAnomaly::sll2_pkt_too_small);
}

TEST_CASE("An 802.1Q tag gives the VLAN id without its priority bits") {
  Decoder decoder;
  DecodedPacket out;
  EthernetOptions eth;
  eth.vlans = {0xe064};  // priority 7, VLAN 100
  REQUIRE(decode_kept(decoder, out, testing::ethernet(tcp_ipv4(), 0x0800, eth)).status == DecodeStatus::ok);
  CHECK(out.vlan_count == 1);
  CHECK(out.vlan[0] == 100);
  CHECK(out.vlan[1] == 0);
  check_tcp_ipv4(out);
  CHECK(decoder.stats().vlan == 1);
  CHECK(decoder.stats().vlan_qinq == 0);
}

TEST_CASE("QinQ with each service TPID keeps outer and inner VLAN ids") {
  const std::uint16_t tpid = GENERATE(std::uint16_t{0x8100}, std::uint16_t{0x88a8}, std::uint16_t{0x9100});
  Decoder decoder;
  DecodedPacket out;
  EthernetOptions eth;
  eth.vlans = {100, 200};
  eth.outer_tpid = tpid;
  REQUIRE(decode_kept(decoder, out, testing::ethernet(udp_ipv6(), 0x86dd, eth)).status == DecodeStatus::ok);
  CHECK(out.vlan_count == 2);
  CHECK(out.vlan[0] == 100);
  CHECK(out.vlan[1] == 200);
  check_udp_ipv6(out);
  CHECK(decoder.stats().vlan == 1);
  CHECK(decoder.stats().vlan_qinq == 1);
}

TEST_CASE("A third VLAN tag is counted but only the first two ids are kept; a fourth is too many") {
  Decoder decoder;
  DecodedPacket out;
  EthernetOptions eth;
  eth.vlans = {10, 20, 30};
  eth.outer_tpid = 0x88a8;
  REQUIRE(decode_kept(decoder, out, testing::ethernet(tcp_ipv4(), 0x0800, eth)).status == DecodeStatus::ok);
  CHECK(out.vlan_count == 3);
  CHECK(out.vlan[0] == 10);
  CHECK(out.vlan[1] == 20);
  CHECK(decoder.stats().vlan_qinqinq == 1);

  eth.vlans = {10, 20, 30, 40};
  const auto result = decode_kept(decoder, out, testing::ethernet(tcp_ipv4(), 0x0800, eth));
  CHECK(result.status == DecodeStatus::malformed);
  CHECK(result.anomaly == DecodeAnomaly::vlan_too_many_layers);
  CHECK(decoder.stats().events[DecodeAnomaly::vlan_too_many_layers] == 1);
}

TEST_CASE("The VLAN layer limit is an option") {
  DecodeOptions options;
  options.max_vlan_layers = 1;
  Decoder decoder(options);
  DecodedPacket out;
  EthernetOptions eth;
  eth.vlans = {10, 20};
  CHECK(decode_kept(decoder, out, testing::ethernet(tcp_ipv4(), 0x0800, eth)).anomaly ==
        DecodeAnomaly::vlan_too_many_layers);
}

TEST_CASE("ARP is skipped and counted, an unknown ethertype is skipped with an anomaly") {
  Decoder decoder;
  DecodedPacket out;
  auto result = decode_kept(decoder, out, testing::ethernet(Frame(28, 0), 0x0806));
  CHECK(result.status == DecodeStatus::skipped);
  CHECK(result.anomaly == DecodeAnomaly::none);
  CHECK(decoder.stats().arp == 1);
  result = decode_kept(decoder, out, testing::ethernet(Frame(30, 0), 0x88cc));
  CHECK(result.status == DecodeStatus::skipped);
  CHECK(result.anomaly == DecodeAnomaly::ethernet_unknown_ethertype);
  CHECK(decoder.stats().unknown_ethertype == 1);
  // IEEE 802.3 length field (an STP frame): not an ethertype at all.
  result = decode_kept(decoder, out, testing::ethernet(Frame(38, 0x42), 0x0026));
  CHECK(result.status == DecodeStatus::skipped);
  CHECK(decoder.stats().skipped == 3);
  CHECK(decoder.stats().invalid == 0);
}

TEST_CASE("An unknown link type is skipped") {
  Decoder decoder;
  DecodedPacket out;
  CHECK(decode_kept(decoder, out, tcp_ipv4(), 147).status == DecodeStatus::skipped);
  CHECK(decoder.stats().skipped == 1);
}

TEST_CASE("Nothing of the previous packet survives into the next one") {
  Decoder decoder;
  DecodedPacket out;
  testing::TcpSegment s;
  s.options = {2, 4, 0x05, 0xb4, 1, 3, 3, 7, 4, 2};
  s.payload = testing::bytes_of("x");
  EthernetOptions eth;
  eth.vlans = {9, 10};
  REQUIRE(decode_kept(decoder, out, testing::tcp_frame(client4, server4, s, eth)).status == DecodeStatus::ok);
  REQUIRE(out.tcp.mss == 1460);
  REQUIRE(decode_kept(decoder, out, testing::ethernet(Frame(28, 0), 0x0806)).status == DecodeStatus::skipped);
  CHECK(out.vlan_count == 0);
  CHECK(out.vlan[0] == 0);
  CHECK(out.vlan[1] == 0);
  CHECK(out.ip_version == 0);
  CHECK(out.src == core::IpAddress{});
  CHECK(out.transport == Transport::none);
  CHECK(out.src_port == 0);
  CHECK(out.tcp.mss == 0);
  CHECK_FALSE(out.tcp.has_window_scale);
  CHECK_FALSE(out.tcp.sack_permitted);
  CHECK(out.tcp.flags == 0);
  CHECK(out.payload.empty());
}

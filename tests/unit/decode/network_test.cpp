#include <catch2/catch.hpp>

#include "decode_test_support.hpp"

using namespace spanwatch;
using namespace spanwatch::decode;
using namespace spanwatch::decode::test;
using testing::Ipv4Options;
using testing::Ipv6Extension;

namespace {

Frame udp4(const Frame& payload) { return testing::udp_bytes(client4, server4, 4000, 53, payload); }
Frame tcp6() {
  testing::TcpSegment s;
  s.sport = 50000;
  s.dport = 443;
  s.payload = testing::bytes_of("hello");
  return testing::tcp_bytes(client6, server6, s);
}

DecodeResult decode_ipv4(Decoder& decoder, const Frame& ip, DecodedPacket& out) {
  return decode_kept(decoder, out, testing::ethernet(ip, 0x0800));
}
DecodeResult decode_ipv6(Decoder& decoder, const Frame& ip, DecodedPacket& out) {
  return decode_kept(decoder, out, testing::ethernet(ip, 0x86dd));
}

}  // namespace

TEST_CASE("IPv4 with options decodes the transport after the options") {
  Decoder decoder;
  DecodedPacket out;
  Ipv4Options o;
  o.options = {0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00};  // router alert, NOPs, end
  o.ttl = 7;
  const Frame ip = testing::ipv4_bytes(client4, server4, 17, udp4(testing::bytes_of("q")), o);
  const auto result = decode_ipv4(decoder, ip, out);
  REQUIRE(result.status == DecodeStatus::ok);
  CHECK(result.anomaly == DecodeAnomaly::none);
  CHECK(out.ttl == 7);
  CHECK(out.transport == Transport::udp);
  CHECK(out.src_port == 4000);
  CHECK(text_of(out.payload) == "q");
}

TEST_CASE("A bad IPv4 option length is an anomaly but the packet still decodes") {
  Decoder decoder;
  DecodedPacket out;
  Ipv4Options o;
  o.options = {0x07, 0x01, 0x00, 0x00};
  auto result = decode_ipv4(decoder, testing::ipv4_bytes(client4, server4, 17, udp4(testing::bytes_of("q")), o), out);
  CHECK(result.status == DecodeStatus::ok);
  CHECK(result.anomaly == DecodeAnomaly::ipv4_opt_invalid_len);
  o.options = {0x07, 0x0c, 0x00, 0x00};  // claims 12 bytes, 4 present
  result = decode_ipv4(decoder, testing::ipv4_bytes(client4, server4, 17, udp4(testing::bytes_of("q")), o), out);
  CHECK(result.status == DecodeStatus::ok);
  CHECK(result.anomaly == DecodeAnomaly::ipv4_opt_malformed);
  CHECK(text_of(out.payload) == "q");
}

TEST_CASE("IPv4 header fields that contradict each other are malformed with Suricata's event") {
  Decoder decoder;
  DecodedPacket out;
  const Frame good = testing::ipv4_bytes(client4, server4, 17, udp4(testing::bytes_of("abc")));
  Frame bad = good;
  bad[0] = 0x44;
  CHECK(decode_ipv4(decoder, bad, out).anomaly == DecodeAnomaly::ipv4_hlen_too_small);
  bad = good;
  bad[0] = 0x55;
  CHECK(decode_ipv4(decoder, bad, out).anomaly == DecodeAnomaly::ipv4_wrong_ip_version);
  bad = good;
  bad[2] = 0;
  bad[3] = 16;
  CHECK(decode_ipv4(decoder, bad, out).anomaly == DecodeAnomaly::ipv4_iplen_smaller_than_hlen);
  bad = good;
  bad[3] = static_cast<std::uint8_t>(bad[3] + 1);
  CHECK(decode_ipv4(decoder, bad, out).anomaly == DecodeAnomaly::ipv4_trunc_pkt);
  CHECK(decoder.stats().invalid == 4);
  CHECK(decoder.stats().ipv4 == 0);
}

TEST_CASE("Other IP protocols decode as Transport::other with the datagram body as payload") {
  Decoder decoder;
  DecodedPacket out;
  REQUIRE(decode_ipv4(decoder, testing::ipv4_bytes(client4, server4, 47, testing::bytes_of("gre!")), out).status ==
          DecodeStatus::ok);
  CHECK(out.transport == Transport::other);
  CHECK(out.ip_protocol == 47);
  CHECK(text_of(out.payload) == "gre!");
  CHECK(out.src_port == 0);
}

TEST_CASE("ICMP and ICMPv6 set the transport, type and code but no ports") {
  Decoder decoder;
  DecodedPacket out;
  const Frame echo = {8, 0, 0, 0, 0, 1, 0, 1, 'p', 'i', 'n', 'g'};
  REQUIRE(decode_ipv4(decoder, testing::ipv4_bytes(client4, server4, 1, echo), out).status == DecodeStatus::ok);
  CHECK(out.transport == Transport::icmp);
  CHECK(out.icmp_type == 8);
  CHECK(out.src_port == 0);
  CHECK(text_of(out.payload) == "ping");
  const Frame echo6 = {128, 0, 0, 0, 0, 1, 0, 1};
  REQUIRE(decode_ipv6(decoder, testing::ipv6_bytes(client6, server6, 58, echo6), out).status == DecodeStatus::ok);
  CHECK(out.transport == Transport::icmpv6);
  CHECK(out.icmp_type == 128);
  CHECK(decoder.stats().icmpv4 == 1);
  CHECK(decoder.stats().icmpv6 == 1);
  const auto result = decode_ipv4(decoder, testing::ipv4_bytes(client4, server4, 58, echo6), out);
  CHECK(result.status == DecodeStatus::ok);
  CHECK(result.anomaly == DecodeAnomaly::ipv4_icmpv6);
  CHECK(decode_ipv4(decoder, testing::ipv4_bytes(client4, server4, 1, Frame{8, 0, 0}), out).anomaly ==
        DecodeAnomaly::icmpv4_pkt_too_small);
}

TEST_CASE("IPv6 with hop-by-hop, routing and destination options reaches TCP") {
  Decoder decoder;
  DecodedPacket out;
  const std::vector<Ipv6Extension> chain = {
      {0, Frame{1, 4, 0, 0, 0, 0}},          // hop-by-hop: PadN
      {43, Frame{2, 1, 0, 0, 0, 0}},         // routing type 2
      {60, Frame{1, 4, 0, 0, 0, 0}},         // destination options
  };
  const auto result = decode_ipv6(decoder, testing::ipv6_bytes(client6, server6, 6, tcp6(), chain, 33), out);
  REQUIRE(result.status == DecodeStatus::ok);
  CHECK(result.anomaly == DecodeAnomaly::none);
  CHECK(out.ip_version == 6);
  CHECK(out.ttl == 33);
  CHECK(out.ip_protocol == 6);
  CHECK(out.transport == Transport::tcp);
  CHECK(out.dst_port == 443);
  CHECK(text_of(out.payload) == "hello");
  CHECK(decoder.stats().ipv6 == 1);
}

TEST_CASE("IPv6 extension header oddities are named") {
  Decoder decoder;
  DecodedPacket out;
  SECTION("a repeated hop-by-hop header is malformed") {
    const auto r = decode_ipv6(decoder, testing::ipv6_bytes(client6, server6, 6, tcp6(), {{0, {}}, {0, {}}}), out);
    CHECK(r.status == DecodeStatus::malformed);
    CHECK(r.anomaly == DecodeAnomaly::ipv6_exthdr_dupl_hh);
  }
  SECTION("two destination options headers are allowed, three are not") {
    CHECK(decode_ipv6(decoder, testing::ipv6_bytes(client6, server6, 6, tcp6(), {{60, {}}, {43, {2}}, {60, {}}}), out)
              .status == DecodeStatus::ok);
    CHECK(decode_ipv6(decoder, testing::ipv6_bytes(client6, server6, 6, tcp6(), {{60, {}}, {60, {}}, {60, {}}}), out)
              .anomaly == DecodeAnomaly::ipv6_exthdr_dupl_dh);
  }
  SECTION("routing type 0 is flagged") {
    const auto r = decode_ipv6(decoder, testing::ipv6_bytes(client6, server6, 6, tcp6(), {{43, {0, 0}}}), out);
    CHECK(r.status == DecodeStatus::ok);
    CHECK(r.anomaly == DecodeAnomaly::ipv6_rh_type_0);
  }
  SECTION("an atomic fragment decodes on and is flagged") {
    const Frame ip =
        testing::ipv6_bytes(client6, server6, 6, tcp6(), {{44, testing::ipv6_fragment_body(0, false, 9)}});
    const auto r = decode_ipv6(decoder, ip, out);
    CHECK(r.status == DecodeStatus::ok);
    CHECK(r.anomaly == DecodeAnomaly::ipv6_exthdr_useless_fh);
    CHECK(text_of(out.payload) == "hello");
  }
  SECTION("an extension header longer than the packet is truncated") {
    Frame ip = testing::ipv6_bytes(client6, server6, 6, Frame{}, {{0, {}}});
    ip[41] = 3;  // hop-by-hop claims 32 bytes, 8 are there
    CHECK(decode_ipv6(decoder, ip, out).anomaly == DecodeAnomaly::ipv6_trunc_exthdr);
  }
  SECTION("no next header ends decoding") {
    const auto r = decode_ipv6(decoder, testing::ipv6_bytes(client6, server6, 59, Frame{}), out);
    CHECK(r.status == DecodeStatus::ok);
    CHECK(out.transport == Transport::other);
    CHECK(out.ip_protocol == 59);
  }
  SECTION("payload length past the captured bytes is truncated") {
    Frame ip = testing::ipv6_bytes(client6, server6, 6, tcp6());
    ip[5] = static_cast<std::uint8_t>(ip[5] + 1);
    CHECK(decode_ipv6(decoder, ip, out).anomaly == DecodeAnomaly::ipv6_trunc_pkt);
  }
}

TEST_CASE("TCP options fill MSS, window scale, SACK permitted and timestamps") {
  Decoder decoder;
  DecodedPacket out;
  testing::TcpSegment s;
  s.sport = 1234;
  s.dport = 445;
  s.flags = testing::tcp_flags::syn;
  s.options = {2, 4, 0x05, 0xb4, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef};
  const auto result = decode_kept(decoder, out, testing::tcp_frame(client4, server4, s));
  REQUIRE(result.status == DecodeStatus::ok);
  CHECK(result.anomaly == DecodeAnomaly::none);
  CHECK(out.tcp.has(tcp_flag::syn));
  CHECK(out.tcp.mss == 1460);
  CHECK(out.tcp.has_window_scale);
  CHECK(out.tcp.window_scale == 7);
  CHECK(out.tcp.sack_permitted);
  CHECK(out.tcp.has_timestamp);
  CHECK(out.tcp.timestamp_value == 0x1234);
  CHECK(out.tcp.timestamp_echo == 0xdeadbeef);
  CHECK(out.payload.empty());
}

TEST_CASE("Bad TCP options are anomalies and the segment still decodes") {
  Decoder decoder;
  DecodedPacket out;
  testing::TcpSegment s;
  s.payload = testing::bytes_of("data");
  SECTION("a length below two") {
    s.options = {2, 1, 0, 0};
    const auto r = decode_kept(decoder, out, testing::tcp_frame(client4, server4, s));
    CHECK(r.status == DecodeStatus::ok);
    CHECK(r.anomaly == DecodeAnomaly::tcp_opt_invalid_len);
    CHECK(out.tcp.mss == 0);
  }
  SECTION("a wrong fixed length") {
    s.options = {3, 4, 7, 0};
    CHECK(decode_kept(decoder, out, testing::tcp_frame(client4, server4, s)).anomaly ==
          DecodeAnomaly::tcp_opt_invalid_len);
    CHECK_FALSE(out.tcp.has_window_scale);
  }
  SECTION("a duplicate keeps the first value") {
    s.options = {2, 4, 0x05, 0xb4, 2, 4, 0, 100};
    CHECK(decode_kept(decoder, out, testing::tcp_frame(client4, server4, s)).anomaly ==
          DecodeAnomaly::tcp_opt_duplicate);
    CHECK(out.tcp.mss == 1460);
  }
  CHECK(text_of(out.payload) == "data");
}

TEST_CASE("A TCP data offset outside the segment is malformed") {
  Decoder decoder;
  DecodedPacket out;
  testing::TcpSegment s;
  Frame tcp = testing::tcp_bytes(client4, server4, s);
  tcp[12] = 0x40;
  CHECK(decode_ipv4(decoder, testing::ipv4_bytes(client4, server4, 6, tcp), out).anomaly ==
        DecodeAnomaly::tcp_hlen_too_small);
  tcp[12] = 0x60;
  CHECK(decode_ipv4(decoder, testing::ipv4_bytes(client4, server4, 6, tcp), out).anomaly ==
        DecodeAnomaly::tcp_hlen_too_small);
  CHECK(decode_ipv4(decoder, testing::ipv4_bytes(client4, server4, 6, Frame(19, 0)), out).anomaly ==
        DecodeAnomaly::tcp_pkt_too_small);
  CHECK(decoder.stats().tcp == 0);
}

TEST_CASE("UDP length is checked against the IP payload") {
  Decoder decoder;
  DecodedPacket out;
  Frame udp = udp4(testing::bytes_of("abcdef"));
  SECTION("longer than the datagram") {
    udp[5] = 15;
    CHECK(decode_ipv4(decoder, testing::ipv4_bytes(client4, server4, 17, udp), out).anomaly ==
          DecodeAnomaly::udp_pkt_too_small);
  }
  SECTION("shorter than the datagram: payload trimmed to it") {
    udp[5] = 11;
    const auto r = decode_ipv4(decoder, testing::ipv4_bytes(client4, server4, 17, udp), out);
    CHECK(r.status == DecodeStatus::ok);
    CHECK(r.anomaly == DecodeAnomaly::udp_hlen_invalid);
    CHECK(text_of(out.payload) == "abc");
  }
  SECTION("below the header size") {
    udp[5] = 7;
    CHECK(decode_ipv4(decoder, testing::ipv4_bytes(client4, server4, 17, udp), out).anomaly ==
          DecodeAnomaly::udp_len_invalid);
  }
  SECTION("fewer than eight bytes") {
    CHECK(decode_ipv4(decoder, testing::ipv4_bytes(client4, server4, 17, Frame(7, 0)), out).anomaly ==
          DecodeAnomaly::udp_hlen_too_small);
  }
}

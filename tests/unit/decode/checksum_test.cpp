#include <catch2/catch.hpp>

#include "decode/checksum.hpp"
#include "decode_test_support.hpp"

using namespace spanwatch;
using namespace spanwatch::decode;
using namespace spanwatch::decode::test;

namespace {

// A TCP segment as packet_builder lays it out, with the checksum it computes (the test's own RFC 1071
// implementation, so the two are checked against each other).
Frame tcp_frame(const Address& src, const Address& dst, std::string_view payload) {
  testing::TcpSegment s;
  s.sport = 50000;
  s.dport = 21;
  s.seq = 1234;
  s.flags = testing::tcp_flags::ack | testing::tcp_flags::psh;
  s.options = {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2};  // NOP NOP timestamp
  s.payload = testing::bytes_of(payload);
  const Frame tcp = testing::tcp_bytes(src, dst, s);
  return src.v6 ? testing::ethernet(testing::ipv6_bytes(src, dst, 6, tcp), 0x86dd)
                : testing::ethernet(testing::ipv4_bytes(src, dst, 6, tcp), 0x0800);
}

bool valid_after_decode(const Frame& frame) {
  Decoder decoder;
  DecodedPacket out;
  REQUIRE(decode_kept(decoder, out, frame).status == DecodeStatus::ok);
  REQUIRE(out.transport == Transport::tcp);
  return tcp_checksum_valid(out);
}

}  // namespace

TEST_CASE("The TCP checksum of a correct segment is valid, IPv4 and IPv6, even and odd lengths") {
  for (const std::string_view payload : {"", "USER alice\r\n", "PASS x\r\n1"}) {
    CHECK(valid_after_decode(tcp_frame(client4, server4, payload)));
    CHECK(valid_after_decode(tcp_frame(client6, server6, payload)));
  }
}

TEST_CASE("Any changed byte of the segment or of its addresses makes the checksum invalid") {
  const Frame good = tcp_frame(client4, server4, "USER alice\r\n");
  constexpr std::size_t ip = 14, tcp = 14 + 20;
  for (const std::size_t at : {tcp + 4, tcp + 16, tcp + 17, good.size() - 1, good.size() - 7, ip + 12, ip + 19}) {
    Frame bad = good;
    bad[at] ^= 0x20;
    INFO("byte " << at);
    CHECK_FALSE(valid_after_decode(bad));
  }
  const Frame good6 = tcp_frame(client6, server6, "x");
  Frame bad6 = good6;
  bad6[14 + 8 + 15] ^= 1;  // last byte of the IPv6 source
  CHECK(valid_after_decode(good6));
  CHECK_FALSE(valid_after_decode(bad6));
}

TEST_CASE("A segment that only covers its pseudo-header (checksum offload on the sender) is invalid") {
  Frame frame = tcp_frame(client4, server4, "USER alice\r\n");
  constexpr std::size_t checksum_at = 14 + 20 + 16;
  frame[checksum_at] = 0;
  frame[checksum_at + 1] = 0;
  CHECK_FALSE(valid_after_decode(frame));
}

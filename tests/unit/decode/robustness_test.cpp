#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "decode_test_support.hpp"

using namespace spanwatch;
using namespace spanwatch::decode;
using namespace spanwatch::decode::test;

namespace {

struct Sample {
  const char* name;
  Frame frame;
  int link;
};

std::vector<Sample> valid_frames() {
  testing::TcpSegment s;
  s.sport = 1;
  s.dport = 2;
  s.options = {2, 4, 5, 0xb4, 1, 3, 3, 7, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2};
  s.payload = testing::bytes_of("payload");
  testing::EthernetOptions qinq;
  qinq.vlans = {5, 6};
  qinq.outer_tpid = 0x88a8;
  testing::Ipv4Options o;
  o.options = {0x94, 4, 0, 0};
  const Frame tcp6 = testing::tcp_bytes(client6, server6, s);
  const Frame ipv6_ext =
      testing::ipv6_bytes(client6, server6, 6, tcp6, {{0, Frame{1, 4, 0, 0, 0, 0}}, {43, Frame{2}}, {60, {}}});
  const Frame udp4 = testing::udp_bytes(client4, server4, 7, 8, testing::bytes_of("datagram"));
  const Frame ipv4 = testing::ipv4_bytes(client4, server4, 17, udp4, o);
  Frame sll = {0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00};
  sll.insert(sll.end(), ipv4.begin(), ipv4.end());
  Frame sll2 = {0x86, 0xdd, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0};
  sll2.insert(sll2.end(), ipv6_ext.begin(), ipv6_ext.end());
  Frame loop = {0, 0, 0, 2};
  loop.insert(loop.end(), ipv4.begin(), ipv4.end());
  return {
      {"ethernet qinq ipv4 tcp options", testing::tcp_frame(client4, server4, s, qinq), linktype::en10mb},
      {"ethernet ipv6 extension headers tcp", testing::ethernet(ipv6_ext, 0x86dd), linktype::en10mb},
      {"ethernet ipv4 options udp", testing::ethernet(ipv4, 0x0800), linktype::en10mb},
      {"raw ipv6", ipv6_ext, linktype::raw},
      {"sll ipv4", sll, linktype::linux_sll},
      {"sll2 ipv6", sll2, linktype::linux_sll2},
      {"loop ipv4", loop, linktype::loop},
  };
}

}  // namespace

TEST_CASE("Every prefix of a valid frame is malformed, never ok and never read past its end") {
  for (const Sample& sample : valid_frames()) {
    INFO(sample.name);
    Decoder decoder;
    DecodedPacket out;
    REQUIRE(decoder.decode(view_of(sample.frame, sample.link), out).status == DecodeStatus::ok);
    for (std::size_t length = 0; length < sample.frame.size(); ++length) {
      INFO("prefix length " << length);
      // A heap copy of exactly `length` bytes, so the sanitizer build catches any over-read.
      const Frame prefix(sample.frame.begin(), sample.frame.begin() + static_cast<std::ptrdiff_t>(length));
      const DecodeResult result = decoder.decode(view_of(prefix, sample.link), out);
      CHECK(result.status == DecodeStatus::malformed);
      CHECK(result.anomaly != DecodeAnomaly::none);
    }
    CHECK(decoder.stats().invalid == sample.frame.size());
  }
}

TEST_CASE("Random corruption of valid frames never crashes and keeps spans inside the frame") {
  std::mt19937 rng(2024);
  for (const Sample& sample : valid_frames()) {
    Decoder decoder;
    DecodedPacket out;
    for (int round = 0; round < 2000; ++round) {
      Frame frame = sample.frame;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int i = 0; i < flips; ++i) frame[rng() % frame.size()] = static_cast<std::uint8_t>(rng());
      frame.resize(rng() % (frame.size() + 1));
      const DecodeResult result = decoder.decode(view_of(frame, sample.link), out);
      if (result.status == DecodeStatus::ok && !out.reassembled && !out.payload.empty()) {
        CHECK(out.payload.data() >= frame.data());
        CHECK(out.payload.data() + out.payload.size() <= frame.data() + frame.size());
      }
      if (result.status == DecodeStatus::malformed) CHECK(result.anomaly != DecodeAnomaly::none);
    }
    CHECK(decoder.stats().pkts == 2000);
  }
}

TEST_CASE("Anomaly names are Suricata-style, unique and from the decode layer") {
  std::set<std::string_view> names;
  for (std::size_t i = 1; i < static_cast<std::size_t>(DecodeAnomaly::count_); ++i) {
    const auto anomaly = static_cast<DecodeAnomaly>(i);
    const std::string_view name = name_of(anomaly);
    INFO(name);
    CHECK(name.find('.') != std::string_view::npos);
    CHECK(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._") == std::string_view::npos);
    CHECK(names.insert(name).second);
    CHECK(layer_of(anomaly) == "decode");
  }
  CHECK(name_of(DecodeAnomaly::ipv4_frag_overlap) == "ipv4.frag_overlap");
  CHECK(name_of(DecodeAnomaly::vlan_too_many_layers) == "vlan.too_many_layers");
  CHECK(name_of(DecodeAnomaly::sll2_pkt_too_small) == "sll2.pkt_too_small");
}

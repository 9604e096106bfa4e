#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "decode_test_support.hpp"

using namespace spanwatch;
using namespace spanwatch::decode;
using namespace spanwatch::decode::test;
using testing::Ipv4Options;

namespace {

constexpr std::uint8_t experimental = 253;  // decodes as Transport::other: the payload is the whole datagram

const Frame& udp_payload() {
  static const Frame payload = pattern(3000);
  return payload;
}

std::vector<Frame> udp4_fragments(std::uint16_t id = 77) {
  return testing::ipv4_fragments(client4, server4, 17, testing::udp_bytes(client4, server4, 5000, 2049, udp_payload()),
                                 512, id);
}
std::vector<Frame> udp6_fragments(std::uint32_t id = 77) {
  return testing::ipv6_fragments(client6, server6, 17, testing::udp_bytes(client6, server6, 5000, 2049, udp_payload()),
                                 512, id);
}

Frame ipv4_fragment(std::uint16_t id, std::uint16_t offset, bool more, const Frame& data) {
  Ipv4Options o;
  o.id = id;
  o.fragment_offset_bytes = offset;
  o.more_fragments = more;
  return testing::ethernet(testing::ipv4_bytes(client4, server4, experimental, data, o), 0x0800);
}
Frame ipv6_fragment(std::uint32_t id, std::uint16_t offset, bool more, const Frame& data) {
  return testing::ethernet(
      testing::ipv6_bytes(client6, server6, experimental, data, {{44, testing::ipv6_fragment_body(offset, more, id)}}),
      0x86dd);
}

struct Replay {
  std::size_t held = 0;
  std::size_t completed = 0;
  std::size_t overlaps = 0;
  Frame payload;  // of the completed datagram, copied before the next decode
  DecodedPacket last;
};

Replay replay(Decoder& decoder, const std::vector<Frame>& frames) {
  Replay r;
  for (const Frame& frame : frames) {
    DecodedPacket out;
    const DecodeResult result = decode_kept(decoder, out, frame);
    if (result.anomaly == DecodeAnomaly::ipv4_frag_overlap || result.anomaly == DecodeAnomaly::ipv6_frag_overlap) {
      ++r.overlaps;
    }
    if (result.status == DecodeStatus::held) ++r.held;
    if (result.status == DecodeStatus::ok) {
      ++r.completed;
      r.payload.assign(out.payload.begin(), out.payload.end());
      r.last = out;
    }
  }
  return r;
}

void check_udp_datagram(const Replay& r) {
  CHECK(r.completed == 1);
  CHECK(r.last.reassembled);
  CHECK(r.last.transport == Transport::udp);
  CHECK(r.last.src_port == 5000);
  CHECK(r.last.dst_port == 2049);
  CHECK(r.payload == udp_payload());
}

}  // namespace

TEST_CASE("IPv4 fragments reassemble in order, reversed and shuffled") {
  std::vector<Frame> frames = udp4_fragments();
  REQUIRE(frames.size() == 6);
  SECTION("in order") {}
  SECTION("reversed") { std::reverse(frames.begin(), frames.end()); }
  SECTION("shuffled") {
    std::mt19937 rng(12345);
    std::shuffle(frames.begin(), frames.end(), rng);
  }
  Decoder decoder;
  const Replay r = replay(decoder, frames);
  check_udp_datagram(r);
  CHECK(r.held == 5);
  CHECK(r.overlaps == 0);
  CHECK(r.last.ip_version == 4);
  CHECK(r.last.ttl == 64);
  CHECK(decoder.stats().defrag.ipv4_fragments == 6);
  CHECK(decoder.stats().defrag.ipv4_reassembled == 1);
  CHECK(decoder.stats().defrag.memuse == 0);
  CHECK(decoder.stats().udp == 1);
}

TEST_CASE("IPv6 fragments reassemble in order, reversed and shuffled") {
  std::vector<Frame> frames = udp6_fragments();
  REQUIRE(frames.size() == 6);
  SECTION("in order") {}
  SECTION("reversed") { std::reverse(frames.begin(), frames.end()); }
  SECTION("shuffled") {
    std::mt19937 rng(999);
    std::shuffle(frames.begin(), frames.end(), rng);
  }
  Decoder decoder;
  const Replay r = replay(decoder, frames);
  check_udp_datagram(r);
  CHECK(r.held == 5);
  CHECK(r.last.ip_version == 6);
  CHECK(r.last.ip_protocol == 17);
  CHECK(decoder.stats().defrag.ipv6_fragments == 6);
  CHECK(decoder.stats().defrag.ipv6_reassembled == 1);
  CHECK(decoder.stats().defrag.memuse == 0);
}

TEST_CASE("Duplicated fragments are overlaps but the datagram is unchanged") {
  std::vector<Frame> frames = GENERATE(udp4_fragments(), udp6_fragments());
  frames.insert(frames.begin() + 3, frames[1]);
  frames.insert(frames.begin() + 1, frames[0]);
  Decoder decoder;
  const Replay r = replay(decoder, frames);
  check_udp_datagram(r);
  CHECK(r.overlaps == 2);
}

TEST_CASE("Overlapping IPv4 fragments keep the bytes that arrived first") {
  const Frame a(16, 'A');
  const Frame b(16, 'B');
  Decoder decoder;
  DecodedPacket out;
  SECTION("earlier fragment first") {
    REQUIRE(decode_kept(decoder, out, ipv4_fragment(5, 0, true, a)).status == DecodeStatus::held);
    const auto result = decode_kept(decoder, out, ipv4_fragment(5, 8, false, b));
    REQUIRE(result.status == DecodeStatus::ok);
    CHECK(result.anomaly == DecodeAnomaly::ipv4_frag_overlap);
    CHECK(text_of(out.payload) == "AAAAAAAAAAAAAAAABBBBBBBB");
  }
  SECTION("later fragment first") {
    REQUIRE(decode_kept(decoder, out, ipv4_fragment(5, 8, false, b)).status == DecodeStatus::held);
    const auto result = decode_kept(decoder, out, ipv4_fragment(5, 0, true, a));
    REQUIRE(result.status == DecodeStatus::ok);
    CHECK(result.anomaly == DecodeAnomaly::ipv4_frag_overlap);
    CHECK(text_of(out.payload) == "AAAAAAAABBBBBBBBBBBBBBBB");
  }
  CHECK(out.reassembled);
  CHECK(out.transport == Transport::other);
  CHECK(out.ip_protocol == experimental);
  CHECK(decoder.stats().events[DecodeAnomaly::ipv4_frag_overlap] == 1);
}

TEST_CASE("A fragment inside a gap between two others fills only the gap") {
  Decoder decoder;
  DecodedPacket out;
  REQUIRE(decode_kept(decoder, out, ipv4_fragment(6, 0, true, Frame(8, 'a'))).status == DecodeStatus::held);
  REQUIRE(decode_kept(decoder, out, ipv4_fragment(6, 16, false, Frame(8, 'c'))).status == DecodeStatus::held);
  const auto result = decode_kept(decoder, out, ipv4_fragment(6, 0, true, Frame(24, 'X')));
  REQUIRE(result.status == DecodeStatus::ok);
  CHECK(result.anomaly == DecodeAnomaly::ipv4_frag_overlap);
  CHECK(text_of(out.payload) == "aaaaaaaaXXXXXXXXcccccccc");
}

TEST_CASE("Overlapping IPv6 fragments keep the bytes that arrived first") {
  Decoder decoder;
  DecodedPacket out;
  REQUIRE(decode_kept(decoder, out, ipv6_fragment(9, 8, false, Frame(16, 'B'))).status == DecodeStatus::held);
  const auto result = decode_kept(decoder, out, ipv6_fragment(9, 0, true, Frame(16, 'A')));
  REQUIRE(result.status == DecodeStatus::ok);
  CHECK(result.anomaly == DecodeAnomaly::ipv6_frag_overlap);
  CHECK(text_of(out.payload) == "AAAAAAAABBBBBBBBBBBBBBBB");
  CHECK(out.ip_protocol == experimental);
}

TEST_CASE("Fragments of different datagrams, VLANs or protocols are kept apart") {
  Decoder decoder;
  std::vector<Frame> first = udp4_fragments(1);
  std::vector<Frame> second = udp4_fragments(2);
  testing::EthernetOptions eth;
  eth.vlans = {42};
  std::vector<Frame> third = testing::ipv4_fragments(
      client4, server4, 17, testing::udp_bytes(client4, server4, 5000, 2049, udp_payload()), 512, 1, eth);
  std::vector<Frame> mixed;
  for (std::size_t i = 0; i < first.size(); ++i) {
    mixed.push_back(first[i]);
    mixed.push_back(second[first.size() - 1 - i]);
    mixed.push_back(third[i]);
  }
  const Replay r = replay(decoder, mixed);
  CHECK(r.completed == 3);
  CHECK(r.overlaps == 0);
  CHECK(r.payload == udp_payload());
  CHECK(decoder.stats().defrag.ipv4_reassembled == 3);
}

TEST_CASE("expire() drops incomplete datagrams after the timeout") {
  DecodeOptions options;
  options.defrag.timeout_seconds = 60;
  Decoder decoder(options);
  DecodedPacket out;
  const std::vector<Frame> frames = udp4_fragments();
  REQUIRE(decode_kept(decoder, out, frames[0], linktype::en10mb, 1000).status == DecodeStatus::held);
  CHECK(decoder.stats().defrag.memuse > 0);
  decoder.expire(core::Timestamp{1059, 0});
  CHECK(decoder.stats().defrag.ipv4_timeouts == 0);
  decoder.expire(core::Timestamp{1060, 0});
  CHECK(decoder.stats().defrag.ipv4_timeouts == 1);
  CHECK(decoder.stats().defrag.memuse == 0);
  std::size_t completed = 0;
  for (std::size_t i = 1; i < frames.size(); ++i) {
    completed += decode_kept(decoder, out, frames[i], linktype::en10mb, 1061).status == DecodeStatus::ok;
  }
  CHECK(completed == 0);
}

TEST_CASE("A fragment that arrives refreshes its datagram's timeout") {
  Decoder decoder;
  DecodedPacket out;
  const std::vector<Frame> frames = udp6_fragments();
  REQUIRE(decode_kept(decoder, out, frames[0], linktype::en10mb, 1000).status == DecodeStatus::held);
  REQUIRE(decode_kept(decoder, out, frames[1], linktype::en10mb, 1050).status == DecodeStatus::held);
  decoder.expire(core::Timestamp{1100, 0});
  CHECK(decoder.stats().defrag.ipv6_timeouts == 0);
  std::size_t completed = 0;
  for (std::size_t i = 2; i < frames.size(); ++i) {
    completed += decode_kept(decoder, out, frames[i], linktype::en10mb, 1100).status == DecodeStatus::ok;
  }
  CHECK(completed == 1);
}

TEST_CASE("When every tracker is busy a new datagram is refused and counted") {
  DecodeOptions options;
  options.defrag.max_trackers = 4;
  Decoder decoder(options);
  DecodedPacket out;
  for (std::uint16_t id = 1; id <= 4; ++id) {
    REQUIRE(decode_kept(decoder, out, udp4_fragments(id)[0], linktype::en10mb, 1000).status == DecodeStatus::held);
  }
  const auto result = decode_kept(decoder, out, udp4_fragments(5)[0], linktype::en10mb, 1001);
  CHECK(result.status == DecodeStatus::held);
  CHECK(result.anomaly == DecodeAnomaly::ipv4_frag_ignored);
  CHECK(decoder.stats().defrag.max_trackers_reached == 1);
  CHECK(decoder.stats().events[DecodeAnomaly::ipv4_frag_ignored] == 1);

  // Once the oldest has timed out, its tracker is reused for the newcomer, which then completes.
  const Replay r = replay(decoder, [&] {
    std::vector<Frame> frames;
    for (const Frame& f : udp4_fragments(6)) frames.push_back(f);
    return frames;
  }());
  CHECK(r.completed == 0);  // still at t=1000: nothing has timed out
  CHECK(decoder.stats().defrag.max_trackers_reached == 7);

  std::size_t completed = 0;
  for (const Frame& f : udp4_fragments(6)) {
    completed += decode_kept(decoder, out, f, linktype::en10mb, 1100).status == DecodeStatus::ok;
  }
  CHECK(completed == 1);
  CHECK(decoder.stats().defrag.ipv4_timeouts == 1);
}

TEST_CASE("Too many fragments for one datagram drop it and are counted") {
  DecodeOptions options;
  options.defrag.max_fragments_per_datagram = 4;
  Decoder decoder(options);
  const Replay r = replay(decoder, udp4_fragments());
  CHECK(r.completed == 0);
  CHECK(decoder.stats().defrag.max_frags_reached == 1);
  CHECK(decoder.stats().events[DecodeAnomaly::ipv4_frag_ignored] == 1);
  // The fragment after the drop starts a new tracker that can only time out.
  CHECK(decoder.stats().defrag.memuse == Defragmenter::block_size);
  decoder.expire(core::Timestamp{1060, 0});
  CHECK(decoder.stats().defrag.ipv4_timeouts == 1);
  CHECK(decoder.stats().defrag.memuse == 0);
}

TEST_CASE("Fragment storage beyond the memcap drops the datagram and is counted") {
  DecodeOptions options;
  options.defrag.memcap_bytes = Defragmenter::block_size;  // one block: the 3008-byte datagram needs two
  Decoder decoder(options);
  const Replay r = replay(decoder, udp6_fragments());
  CHECK(r.completed == 0);
  CHECK(decoder.stats().defrag.memcap_reached == 1);
  CHECK(decoder.stats().events[DecodeAnomaly::ipv6_frag_ignored] >= 1);
  // The last fragment started a new tracker holding the only block; once it has timed out the
  // storage is free again and a datagram that fits completes.
  decoder.expire(core::Timestamp{1060, 0});
  CHECK(decoder.stats().defrag.memuse == 0);
  const Replay small =
      replay(decoder, {ipv6_fragment(1, 0, true, Frame(8, 'x')), ipv6_fragment(1, 8, false, Frame(4, 'y'))});
  CHECK(small.completed == 1);
  CHECK(text_of({small.payload.data(), small.payload.size()}) == "xxxxxxxxyyyy");
}

TEST_CASE("Fragments reaching past 65535 bytes are malformed") {
  Decoder decoder;
  DecodedPacket out;
  auto result = decode_kept(decoder, out, ipv4_fragment(3, 65528, false, Frame(16, 0)));
  CHECK(result.status == DecodeStatus::malformed);
  CHECK(result.anomaly == DecodeAnomaly::ipv4_frag_pkt_too_large);
  result = decode_kept(decoder, out, ipv6_fragment(3, 65528, false, Frame(16, 0)));
  CHECK(result.status == DecodeStatus::malformed);
  CHECK(result.anomaly == DecodeAnomaly::ipv6_frag_pkt_too_large);
}

TEST_CASE("A non-final IPv6 fragment that is not a multiple of 8 bytes is malformed") {
  Decoder decoder;
  DecodedPacket out;
  const auto result = decode_kept(decoder, out, ipv6_fragment(4, 0, true, Frame(10, 0)));
  CHECK(result.status == DecodeStatus::malformed);
  CHECK(result.anomaly == DecodeAnomaly::ipv6_frag_invalid_length);
}

TEST_CASE("A last fragment that contradicts the known length is ignored") {
  Decoder decoder;
  DecodedPacket out;
  REQUIRE(decode_kept(decoder, out, ipv4_fragment(8, 8, false, Frame(8, 'b'))).status == DecodeStatus::held);
  const auto result = decode_kept(decoder, out, ipv4_fragment(8, 16, false, Frame(8, 'c')));
  CHECK(result.status == DecodeStatus::held);
  CHECK(result.anomaly == DecodeAnomaly::ipv4_frag_ignored);
  REQUIRE(decode_kept(decoder, out, ipv4_fragment(8, 0, true, Frame(8, 'a'))).status == DecodeStatus::ok);
  CHECK(text_of(out.payload) == "aaaaaaaabbbbbbbb");
}

TEST_CASE("A fragment header inside a reassembled IPv6 datagram is a duplicate") {
  Decoder decoder;
  DecodedPacket out;
  // The fragmentable part starts with another fragment header.
  Frame inner = {experimental, 0, 0, 0, 0, 0, 0, 1};
  inner.insert(inner.end(), 8, 'z');
  Frame first(inner.begin(), inner.begin() + 8);
  Frame second(inner.begin() + 8, inner.end());
  auto frame_a = testing::ethernet(
      testing::ipv6_bytes(client6, server6, 44, first, {{44, testing::ipv6_fragment_body(0, true, 2)}}), 0x86dd);
  auto frame_b = testing::ethernet(
      testing::ipv6_bytes(client6, server6, 44, second, {{44, testing::ipv6_fragment_body(8, false, 2)}}), 0x86dd);
  REQUIRE(decode_kept(decoder, out, frame_a).status == DecodeStatus::held);
  const auto result = decode_kept(decoder, out, frame_b);
  CHECK(result.status == DecodeStatus::malformed);
  CHECK(result.anomaly == DecodeAnomaly::ipv6_exthdr_dupl_fh);
}

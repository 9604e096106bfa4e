#pragma once
// The fast path of packet_builder.hpp for generators and benchmarks: builds one Ethernet/IP/TCP or UDP
// frame at a time into a buffer allocated once, with the caller writing the payload in place. Output is
// byte-identical to tcp_frame()/udp_frame() (a test checks it); the returned span is valid until the
// next start_*().
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "support/packet_builder.hpp"

namespace spanwatch::testing {

struct LinkTags {
  std::uint16_t outer_tpid = 0x8100;
  std::uint8_t count = 0;  // 0, 1 or 2
  std::uint16_t vlan[2] = {0, 0};
};

struct TcpFields {
  std::uint16_t sport = 0, dport = 0;
  std::uint32_t seq = 0, ack = 0;
  std::uint8_t flags = tcp_flags::ack;
  std::uint16_t window = 502;
  bool syn_options = false;  // MSS 1460, window scale 7, SACK permitted (as TcpConversation)
};

class FrameWriter {
 public:
  static constexpr std::size_t max_payload = 65000;

  FrameWriter() : buffer_(max_payload + 128) {}

  // Returns where the caller writes up to max_payload bytes of TCP payload; then call finish(n).
  std::uint8_t* start_tcp(const Address& src, const Address& dst, const TcpFields& t, const LinkTags& tags,
                          std::uint16_t ip_id) {
    std::uint8_t* p = start_ip(src, dst, 6, tags, ip_id);
    const std::size_t options = t.syn_options ? 12 : 0;
    be16(p, t.sport);
    be16(p + 2, t.dport);
    be32(p + 4, t.seq);
    be32(p + 8, t.ack);
    p[12] = static_cast<std::uint8_t>(((20 + options) / 4) << 4);
    p[13] = t.flags;
    be16(p + 14, t.window);
    be16(p + 16, 0);
    be16(p + 18, 0);
    if (t.syn_options) {
      static constexpr std::uint8_t syn_opts[12] = {2, 4, 0x05, 0xb4, 1, 3, 3, 7, 1, 1, 4, 2};
      std::memcpy(p + 20, syn_opts, sizeof syn_opts);
    }
    payload_offset_ = l4_offset_ + 20 + options;
    return buffer_.data() + payload_offset_;
  }

  std::uint8_t* start_udp(const Address& src, const Address& dst, std::uint16_t sport, std::uint16_t dport,
                          const LinkTags& tags, std::uint16_t ip_id = 1) {
    std::uint8_t* p = start_ip(src, dst, 17, tags, ip_id);
    be16(p, sport);
    be16(p + 2, dport);
    be32(p + 4, 0);
    payload_offset_ = l4_offset_ + 8;
    return buffer_.data() + payload_offset_;
  }

  // Fills in lengths and checksums; the frame is valid until the next start_*().
  std::span<const std::uint8_t> finish(std::size_t payload_length) {
    std::uint8_t* b = buffer_.data();
    const std::size_t end = payload_offset_ + payload_length;
    const std::size_t l4_length = end - l4_offset_;
    if (v6_) {
      be16(b + l3_offset_ + 4, static_cast<std::uint16_t>(l4_length));
    } else {
      be16(b + l3_offset_ + 2, static_cast<std::uint16_t>(end - l3_offset_));
      be16(b + l3_offset_ + 10, 0);
      be16(b + l3_offset_ + 10, fold(sum(b + l3_offset_, 20)));
    }
    std::uint64_t s = v6_ ? sum(b + l3_offset_ + 8, 32) : sum(b + l3_offset_ + 12, 8);
    s += protocol_ + l4_length;
    if (protocol_ == 17) be16(b + l4_offset_ + 4, static_cast<std::uint16_t>(l4_length));
    const std::size_t checksum_at = l4_offset_ + (protocol_ == 17 ? 6 : 16);
    s += sum(b + l4_offset_, l4_length);
    std::uint16_t c = fold(s);
    if (protocol_ == 17 && c == 0) c = 0xffff;
    be16(b + checksum_at, c);
    return {b, end};
  }

 private:
  static void be16(std::uint8_t* p, std::uint16_t v) {
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
  }
  static void be32(std::uint8_t* p, std::uint32_t v) {
    be16(p, static_cast<std::uint16_t>(v >> 16));
    be16(p + 2, static_cast<std::uint16_t>(v));
  }
  // One's-complement sum of big-endian 16-bit words (odd tail padded with zero), unfolded.
  static std::uint64_t sum(const std::uint8_t* p, std::size_t n) {
    std::uint64_t s = 0;
    std::size_t i = 0;
    for (; i + 1 < n; i += 2) s += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
    if (i < n) s += static_cast<std::uint32_t>(p[i] << 8);
    return s;
  }
  static std::uint16_t fold(std::uint64_t s) {
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    return static_cast<std::uint16_t>(~s);
  }

  std::uint8_t* start_ip(const Address& src, const Address& dst, std::uint8_t protocol, const LinkTags& tags,
                         std::uint16_t ip_id) {
    static constexpr std::uint8_t macs[12] = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01};
    std::uint8_t* b = buffer_.data();
    std::memcpy(b, macs, sizeof macs);
    std::size_t at = 12;
    for (std::uint8_t i = 0; i < tags.count && i < 2; ++i) {
      be16(b + at, i == 0 ? tags.outer_tpid : 0x8100);
      be16(b + at + 2, tags.vlan[i]);
      at += 4;
    }
    v6_ = src.v6;
    protocol_ = protocol;
    be16(b + at, v6_ ? 0x86dd : 0x0800);
    l3_offset_ = at + 2;
    std::uint8_t* ip = b + l3_offset_;
    if (v6_) {
      be32(ip, 0x60000000);
      be16(ip + 4, 0);
      ip[6] = protocol;
      ip[7] = 64;
      std::memcpy(ip + 8, src.bytes.data(), 16);
      std::memcpy(ip + 24, dst.bytes.data(), 16);
      l4_offset_ = l3_offset_ + 40;
    } else {
      ip[0] = 0x45;
      ip[1] = 0;
      be16(ip + 2, 0);
      be16(ip + 4, ip_id);
      be16(ip + 6, 0);
      ip[8] = 64;
      ip[9] = protocol;
      be16(ip + 10, 0);
      std::memcpy(ip + 12, src.bytes.data(), 4);
      std::memcpy(ip + 16, dst.bytes.data(), 4);
      l4_offset_ = l3_offset_ + 20;
    }
    return b + l4_offset_;
  }

  std::vector<std::uint8_t> buffer_;
  std::size_t l3_offset_ = 0, l4_offset_ = 0, payload_offset_ = 0;
  bool v6_ = false;
  std::uint8_t protocol_ = 0;
};

}  // namespace spanwatch::testing

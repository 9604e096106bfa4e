#pragma once
// DecodedPacket values for flow tests, built directly (the flow layer needs no decoder), and a flow
// end handler that records what it was told.
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ip_address.hpp"
#include "core/timestamp.hpp"
#include "decode/decoded_packet.hpp"
#include "flow/flow_table.hpp"

namespace spanwatch::flow::test {

inline core::IpAddress ip(std::string_view text) { return *core::IpAddress::parse(text); }

inline core::Timestamp at(std::int64_t seconds, std::uint32_t nanoseconds = 0) { return {seconds, nanoseconds}; }

inline decode::DecodedPacket ip_packet(std::string_view src, std::string_view dst, std::uint8_t protocol,
                                       core::Timestamp ts) {
  decode::DecodedPacket p;
  p.ts = ts;
  p.wire_length = 60;
  p.src = ip(src);
  p.dst = ip(dst);
  p.ip_version = p.src.is_v4() ? 4 : 6;
  p.ip_protocol = protocol;
  p.transport = decode::Transport::other;
  return p;
}

inline decode::DecodedPacket tcp(std::string_view src, std::uint16_t sport, std::string_view dst, std::uint16_t dport,
                                 std::uint8_t flags, core::Timestamp ts = {}) {
  decode::DecodedPacket p = ip_packet(src, dst, 6, ts);
  p.transport = decode::Transport::tcp;
  p.src_port = sport;
  p.dst_port = dport;
  p.tcp.flags = flags;
  return p;
}

inline decode::DecodedPacket udp(std::string_view src, std::uint16_t sport, std::string_view dst, std::uint16_t dport,
                                 core::Timestamp ts = {}) {
  decode::DecodedPacket p = ip_packet(src, dst, 17, ts);
  p.transport = decode::Transport::udp;
  p.src_port = sport;
  p.dst_port = dport;
  return p;
}

// The same packet travelling the other way, with other flags and time.
inline decode::DecodedPacket reply(decode::DecodedPacket p, std::uint8_t flags, core::Timestamp ts) {
  std::swap(p.src, p.dst);
  std::swap(p.src_port, p.dst_port);
  p.tcp.flags = flags;
  p.ts = ts;
  return p;
}

inline decode::DecodedPacket with_flags(decode::DecodedPacket p, std::uint8_t flags, core::Timestamp ts) {
  p.tcp.flags = flags;
  p.ts = ts;
  return p;
}

inline decode::DecodedPacket tagged(decode::DecodedPacket p, std::uint16_t outer, std::uint16_t inner = 0) {
  p.vlan[0] = outer;
  p.vlan[1] = inner;
  p.vlan_count = inner != 0 ? 2 : 1;
  return p;
}

namespace flags {
using namespace decode::tcp_flag;
constexpr std::uint8_t syn_ack = syn | ack;
constexpr std::uint8_t fin_ack = fin | ack;
constexpr std::uint8_t psh_ack = psh | ack;
}  // namespace flags

class RecordingHandler : public FlowEndHandler {
 public:
  struct Ended {
    Flow flow;
    FlowEndReason why;
  };
  void flow_ended(Flow& flow, FlowEndReason why) override { ended.push_back({flow, why}); }
  std::size_t count(FlowEndReason why) const {
    std::size_t n = 0;
    for (const Ended& e : ended) n += e.why == why ? 1 : 0;
    return n;
  }
  std::vector<Ended> ended;
};

// Options with fixed seeds so failures reproduce.
inline FlowTableOptions small_table(std::size_t max_flows) {
  FlowTableOptions options;
  options.max_flows = max_flows;
  options.hash_seed = 0x5eed;
  options.flow_id_seed = 0x1d;
  return options;
}

}  // namespace spanwatch::flow::test

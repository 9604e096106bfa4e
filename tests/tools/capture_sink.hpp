#pragma once
// Where generated frames go: the pcap/pcapng writer, the capture clock, and the ground truth the
// manifest reports. Link- and network-layer counts are tallied here by reading each frame back;
// what only the generator knows (flows, reordering, reassembly) is counted by the profiles in `truth`.
#include <cstdint>
#include <span>
#include <string>

#include "support/pcap_writer.hpp"

namespace spanwatch::tools {

// Counts taken from the frames themselves.
struct FrameTally {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;       // captured bytes (sum of caplen)
  std::uint64_t wire_bytes = 0;  // sum of wire lengths
  std::uint64_t ipv4 = 0;        // frames with a well-formed IPv4 header (fragments included)
  std::uint64_t ipv6 = 0;
  std::uint64_t vlan_tagged = 0;  // at least one 802.1Q/802.1ad tag
  std::uint64_t qinq = 0;         // two or more tags
  std::uint64_t arp = 0;
  std::uint64_t non_ip = 0;  // ARP and any other non-IP ethertype
  std::uint64_t ipv4_fragments = 0;
  std::uint64_t ipv6_fragments = 0;
};

// Counts only the generator knows; the profiles fill these in.
struct GroundTruth {
  std::uint64_t ipv4_reassembled = 0;  // complete, non-overlapping fragmented datagrams
  std::uint64_t ipv6_reassembled = 0;
  std::uint64_t overlapping_fragment_datagrams = 0;
  std::uint64_t tcp_flows = 0;  // distinct TCP connections (5-tuple + VLAN)
  std::uint64_t udp_flows = 0;
  std::uint64_t midstream_flows = 0;  // TCP flows whose handshake is not in the capture
  std::uint64_t truncated_frames = 0;
  std::uint64_t bad_ipv4_headers = 0;
  std::uint64_t out_of_order_segments = 0;  // segments sent ahead of a hole in their direction
  std::uint64_t retransmissions = 0;        // segments whose bytes were all sent before
  std::uint64_t overlaps = 0;               // segments partly repeating bytes sent before
};

enum class FrameNote : std::uint8_t {
  normal,
  truncated,        // caplen shorter than the headers need: not classified
  bad_ipv4_header,  // ethertype IPv4 but an invalid header: not counted as ipv4
};

class CaptureSink {
 public:
  CaptureSink(const std::string& path, testing::PcapWriter::Format format, std::uint64_t start_ns);

  // Writes one frame at the current time. `caplen` (when non-zero and shorter) truncates the capture.
  void write(std::span<const std::uint8_t> frame, FrameNote note = FrameNote::normal, std::uint32_t caplen = 0);
  void advance_ns(std::uint64_t ns) { now_ns_ += ns; }
  std::uint64_t now_ns() const { return now_ns_; }
  void close() { writer_.close(); }

  const FrameTally& tally() const { return tally_; }
  GroundTruth& truth() { return truth_; }
  const GroundTruth& truth() const { return truth_; }
  std::uint64_t first_ns() const { return first_ns_; }
  std::uint64_t last_ns() const { return last_ns_; }

 private:
  void classify(std::span<const std::uint8_t> frame);

  testing::PcapWriter writer_;
  std::uint64_t now_ns_;
  std::uint64_t first_ns_ = 0, last_ns_ = 0;
  FrameTally tally_;
  GroundTruth truth_;
};

}  // namespace spanwatch::tools

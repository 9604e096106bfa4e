#include "capture_sink.hpp"

namespace spanwatch::tools {

namespace {
std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
bool is_tag(std::uint16_t ethertype) { return ethertype == 0x8100 || ethertype == 0x88a8 || ethertype == 0x9100; }
}  // namespace

CaptureSink::CaptureSink(const std::string& path, testing::PcapWriter::Format format, std::uint64_t start_ns)
    : writer_(path, 1, format), now_ns_(start_ns) {}

void CaptureSink::write(std::span<const std::uint8_t> frame, FrameNote note, std::uint32_t caplen) {
  const auto wire = static_cast<std::uint32_t>(frame.size());
  if (caplen == 0 || caplen > wire) caplen = wire;
  writer_.write(static_cast<std::int64_t>(now_ns_ / 1000000000u), static_cast<std::uint32_t>(now_ns_ % 1000000000u),
                frame.data(), caplen, wire);
  if (tally_.packets == 0) first_ns_ = now_ns_;
  last_ns_ = now_ns_;
  ++tally_.packets;
  tally_.bytes += caplen;
  tally_.wire_bytes += wire;
  switch (note) {
    case FrameNote::normal:
      classify(frame.first(caplen));
      break;
    case FrameNote::truncated:
      ++truth_.truncated_frames;
      break;
    case FrameNote::bad_ipv4_header:
      ++truth_.bad_ipv4_headers;
      break;
  }
}

// Reads back what the generator wrote; frames given as `normal` are well-formed by construction.
void CaptureSink::classify(std::span<const std::uint8_t> f) {
  if (f.size() < 14) return;
  std::size_t at = 12;
  std::uint16_t type = be16(&f[at]);
  int tags = 0;
  while (is_tag(type) && at + 6 <= f.size()) {
    ++tags;
    at += 4;
    type = be16(&f[at]);
  }
  at += 2;
  if (tags >= 1) ++tally_.vlan_tagged;
  if (tags >= 2) ++tally_.qinq;
  if (type == 0x0800 && at + 20 <= f.size()) {
    ++tally_.ipv4;
    const std::uint16_t fragment = be16(&f[at + 6]);
    if ((fragment & 0x3fff) != 0) ++tally_.ipv4_fragments;
    return;
  }
  if (type == 0x86dd && at + 40 <= f.size()) {
    ++tally_.ipv6;
    std::uint8_t next = f[at + 6];
    std::size_t h = at + 40;
    while ((next == 0 || next == 43 || next == 60 || next == 44) && h + 8 <= f.size()) {
      if (next == 44) {
        ++tally_.ipv6_fragments;
        return;
      }
      next = f[h];
      h += (static_cast<std::size_t>(f[h + 1]) + 1) * 8;
    }
    return;
  }
  ++tally_.non_ip;
  if (type == 0x0806) ++tally_.arp;
}

}  // namespace spanwatch::tools

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "capture/file_lookahead.hpp"
#include "capture/packet_source.hpp"
#include "capture_test_support.hpp"
#include "support/packet_builder.hpp"
#include "support/pcap_writer.hpp"

using namespace spanwatch::capture;
using spanwatch::capture::test::Collector;
using spanwatch::capture::test::drain;
using spanwatch::capture::test::TempDir;
namespace t = spanwatch::testing;

namespace {

// Frame i: UDP from port 1000+i with `size(i)` payload bytes of value i, so every frame differs.
std::vector<t::Frame> numbered_frames(int count, std::size_t (*size)(int)) {
  std::vector<t::Frame> frames;
  for (int i = 0; i < count; ++i)
    frames.push_back(t::udp_frame(t::Address::v4(10, 0, 0, 1), t::Address::v4(10, 0, 0, 2),
                                  static_cast<std::uint16_t>(1000 + i), 53,
                                  t::Frame(size(i), static_cast<std::uint8_t>(i))));
  return frames;
}

void put_be32(std::FILE* file, std::uint32_t v) {
  const unsigned char bytes[4] = {static_cast<unsigned char>(v >> 24), static_cast<unsigned char>(v >> 16),
                                  static_cast<unsigned char>(v >> 8), static_cast<unsigned char>(v)};
  std::fwrite(bytes, 1, 4, file);
}

// A microsecond pcap written big-endian (as a SPARC or PowerPC host writes it): the reader swaps.
std::string write_big_endian(const TempDir& dir, const std::vector<t::Frame>& frames) {
  const std::string path = dir.file("big-endian.pcap");
  std::FILE* file = std::fopen(path.c_str(), "wb");
  REQUIRE(file != nullptr);
  put_be32(file, 0xa1b2c3d4u);
  put_be32(file, 0x00020004u);  // version 2.4
  put_be32(file, 0);            // thiszone
  put_be32(file, 0);            // sigfigs
  put_be32(file, 262144);       // snaplen
  put_be32(file, 1);            // Ethernet
  for (std::size_t i = 0; i < frames.size(); ++i) {
    put_be32(file, 1700000000u + static_cast<std::uint32_t>(i));
    put_be32(file, 0);
    put_be32(file, static_cast<std::uint32_t>(frames[i].size()));
    put_be32(file, static_cast<std::uint32_t>(frames[i].size()));
    std::fwrite(frames[i].data(), 1, frames[i].size(), file);
  }
  std::fclose(file);
  return path;
}

std::string write_pcap(const TempDir& dir, const std::string& name, t::PcapWriter::Format format,
                       const std::vector<t::Frame>& frames) {
  const std::string path = dir.file(name);
  t::PcapWriter writer(path, 1, format);
  for (std::size_t i = 0; i < frames.size(); ++i) writer.write(1700000000 + static_cast<std::int64_t>(i), 0, frames[i]);
  return path;
}

std::vector<spanwatch::capture::test::SeenPacket> read_all(const std::string& path) {
  auto source = open_offline(path, 0, OfflineOptions{});
  Collector collector;
  REQUIRE(drain(*source, collector) == DispatchStatus::end_of_file);
  return std::move(collector.packets);
}

// Every frame shown ahead is exactly the frame `distance` packets on; returns how many were shown.
std::size_t check_ahead(const std::vector<spanwatch::capture::test::SeenPacket>& packets) {
  std::size_t shown = 0;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    if (packets[i].ahead.empty()) continue;
    INFO("packet " << i);
    REQUIRE(i + FileLookahead::distance < packets.size());
    REQUIRE(packets[i].ahead == packets[i + FileLookahead::distance].data);
    ++shown;
  }
  return shown;
}

}  // namespace

TEST_CASE("Each packet of a small pcap shows the frame sixteen packets on, up to the last sixteen") {
  TempDir dir;
  const auto frames = numbered_frames(100, [](int i) { return static_cast<std::size_t>(i * 7 % 300); });
  for (const auto format : {t::PcapWriter::Format::pcap_micros, t::PcapWriter::Format::pcap_nanos}) {
    const auto packets =
        read_all(write_pcap(dir, format == t::PcapWriter::Format::pcap_micros ? "us.pcap" : "ns.pcap", format, frames));
    REQUIRE(packets.size() == frames.size());
    // The whole file fits the buffer: every packet but the last `distance` has its frame ahead.
    CHECK(check_ahead(packets) == frames.size() - FileLookahead::distance);
  }
}

TEST_CASE("A big-endian pcap shows the same frames ahead") {
  TempDir dir;
  const auto frames = numbered_frames(40, [](int i) { return static_cast<std::size_t>(i * 13 % 200); });
  const auto packets = read_all(write_big_endian(dir, frames));
  REQUIRE(packets.size() == frames.size());
  CHECK(check_ahead(packets) == frames.size() - FileLookahead::distance);
}

// The stdio buffer holds 1 MiB: a larger file is refilled under the lookahead, which must start over
// there rather than show stale bytes, and keeps showing frames ahead between refills.
TEST_CASE("Across buffer refills the frame ahead is always the right one, and shown for most packets") {
  TempDir dir;
  const auto frames = numbered_frames(4000, [](int i) { return static_cast<std::size_t>(200 + i * 37 % 1200); });
  const auto packets = read_all(write_pcap(dir, "big.pcap", t::PcapWriter::Format::pcap_micros, frames));
  REQUIRE(packets.size() == frames.size());
  const std::size_t shown = check_ahead(packets);
  CHECK(shown > frames.size() * 9 / 10);
  CHECK(shown < frames.size() - FileLookahead::distance);  // some near each refill are not
}

TEST_CASE("A pcapng file shows no frame ahead") {
  TempDir dir;
  const auto frames = numbered_frames(40, [](int i) { return static_cast<std::size_t>(i); });
  const auto packets = read_all(write_pcap(dir, "x.pcapng", t::PcapWriter::Format::pcapng, frames));
  REQUIRE(packets.size() == frames.size());
  CHECK(check_ahead(packets) == 0);
}

TEST_CASE("The lookahead never reads past the bytes it is given, and a record cut at the end is not shown") {
  // Records 0..18 of 4 captured bytes each (the byte value is the record number), little-endian.
  std::vector<std::uint8_t> buffer;
  for (std::uint8_t i = 0; i < 19; ++i) {
    const std::uint8_t header[16] = {0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0};
    buffer.insert(buffer.end(), header, header + 16);
    for (int b = 0; b < 4; ++b) buffer.push_back(i);
  }
  const unsigned char magic[4] = {0xd4, 0xc3, 0xb2, 0xa1};
  auto lookahead = FileLookahead::for_magic(magic);
  REQUIRE(lookahead);
  const std::uint8_t* start = buffer.data();
  const auto record = [start](std::size_t n) { return start + 20 * n; };
  // Packet 0 delivered: the unread bytes start at record 1; sixteen on is record 16.
  spanwatch::core::Bytes ahead = lookahead->frame_ahead(record(1), record(19));
  REQUIRE(ahead.size() == 4);
  CHECK(ahead[0] == 16);
  // Packet 1 delivered, but the buffer ends two bytes into record 17's data: nothing is shown.
  ahead = lookahead->frame_ahead(record(2), record(18) - 2);
  CHECK(ahead.empty());
  // Packet 2 delivered and the rest has arrived: record 18.
  ahead = lookahead->frame_ahead(record(3), record(19));
  REQUIRE(ahead.size() == 4);
  CHECK(ahead[0] == 18);
  // A refill (the unread bytes start before the last call's): the cursor starts over there.
  ahead = lookahead->frame_ahead(record(0), record(19));
  REQUIRE(ahead.size() == 4);
  CHECK(ahead[0] == 15);
}

TEST_CASE("Only classic pcap magic numbers get a lookahead") {
  const unsigned char micro_le[4] = {0xd4, 0xc3, 0xb2, 0xa1}, nano_be[4] = {0xa1, 0xb2, 0x3c, 0x4d};
  const unsigned char pcapng[4] = {0x0a, 0x0d, 0x0d, 0x0a}, modified[4] = {0x34, 0xcd, 0xb2, 0xa1};
  CHECK(FileLookahead::for_magic(micro_le).has_value());
  CHECK(FileLookahead::for_magic(nano_be).has_value());
  CHECK_FALSE(FileLookahead::for_magic(pcapng).has_value());
  CHECK_FALSE(FileLookahead::for_magic(modified).has_value());
}

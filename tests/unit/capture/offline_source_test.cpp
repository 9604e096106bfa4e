#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <numeric>
#include <thread>

#include "capture/capture_error.hpp"
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

constexpr int linktype_ethernet = 1;

// Frame i: UDP 10.0.0.1:(1000+i) -> 10.0.0.2, to port 53 for even i and 80 for odd i, i bytes of payload.
std::vector<t::Frame> udp_frames(int count) {
  std::vector<t::Frame> frames;
  for (int i = 0; i < count; ++i) {
    const auto dport = static_cast<std::uint16_t>(i % 2 == 0 ? 53 : 80);
    frames.push_back(t::udp_frame(t::Address::v4(10, 0, 0, 1), t::Address::v4(10, 0, 0, 2),
                                  static_cast<std::uint16_t>(1000 + i), dport,
                                  t::Frame(static_cast<std::size_t>(i), static_cast<std::uint8_t>('a' + i))));
  }
  return frames;
}

std::string write_capture(const TempDir& dir, const std::string& name, t::PcapWriter::Format format,
                          const std::vector<t::Frame>& frames, std::int64_t seconds = 1700000000,
                          std::uint32_t nanos = 123456789) {
  const std::string path = dir.file(name);
  t::PcapWriter writer(path, linktype_ethernet, format);
  for (std::size_t i = 0; i < frames.size(); ++i) writer.write(seconds + static_cast<std::int64_t>(i), nanos, frames[i]);
  return path;
}

std::uint64_t total_bytes(const std::vector<t::Frame>& frames) {
  return std::accumulate(frames.begin(), frames.end(), std::uint64_t{0},
                         [](std::uint64_t sum, const t::Frame& f) { return sum + f.size(); });
}

}  // namespace

TEST_CASE("A microsecond pcap delivers every packet with nanosecond timestamps, lengths and its bytes") {
  TempDir dir;
  const auto frames = udp_frames(3);
  const auto path = write_capture(dir, "micros.pcap", t::PcapWriter::Format::pcap_micros, frames);
  auto source = open_offline(path, 7, {});
  REQUIRE(source->kind() == PacketSource::Kind::offline);
  CHECK(source->name() == path);
  CHECK(source->linktype() == linktype_ethernet);
  CHECK(source->selectable_fd() == -1);

  Collector seen;
  CHECK(drain(*source, seen) == DispatchStatus::end_of_file);
  REQUIRE(seen.packets.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& p = seen.packets[i];
    CHECK(p.ts.seconds == 1700000000 + static_cast<std::int64_t>(i));
    CHECK(p.ts.nanoseconds == 123456000u);  // the file kept 123456 µs
    CHECK(p.caplen == frames[i].size());
    CHECK(p.wirelen == frames[i].size());
    CHECK(p.linktype == linktype_ethernet);
    CHECK(p.source == 7);
    CHECK(p.data == frames[i]);
  }
  const CaptureStats stats = source->stats();
  CHECK(stats.packets == 3);
  CHECK(stats.bytes == total_bytes(frames));
  CHECK(stats.truncated == 0);
  CHECK(stats.kernel_packets == 0);
}

TEST_CASE("A nanosecond pcap keeps every nanosecond of its timestamps") {
  TempDir dir;
  const auto frames = udp_frames(2);
  const auto path = write_capture(dir, "nanos.pcap", t::PcapWriter::Format::pcap_nanos, frames, 1600000000, 999999999);
  auto source = open_offline(path, 0, {});
  CHECK(source->nanosecond_timestamps());
  Collector seen;
  CHECK(drain(*source, seen) == DispatchStatus::end_of_file);
  REQUIRE(seen.packets.size() == 2);
  CHECK(seen.packets[0].ts.seconds == 1600000000);
  CHECK(seen.packets[0].ts.nanoseconds == 999999999u);
  CHECK(seen.packets[1].ts.seconds == 1600000001);
  CHECK(seen.packets[1].ts.nanoseconds == 999999999u);
}

TEST_CASE("A pcapng file is read like a pcap, its microsecond ticks delivered as nanoseconds") {
  TempDir dir;
  const auto frames = udp_frames(4);
  const auto path = write_capture(dir, "capture.pcapng", t::PcapWriter::Format::pcapng, frames, 1700000000, 5001999);
  auto source = open_offline(path, 2, {});
  CHECK(source->linktype() == linktype_ethernet);
  Collector seen;
  CHECK(drain(*source, seen) == DispatchStatus::end_of_file);
  REQUIRE(seen.packets.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(seen.packets[i].ts.seconds == 1700000000 + static_cast<std::int64_t>(i));
    CHECK(seen.packets[i].ts.nanoseconds == 5001000u);
    CHECK(seen.packets[i].data == frames[i]);
    CHECK(seen.packets[i].source == 2);
  }
  CHECK(source->stats().bytes == total_bytes(frames));
}

TEST_CASE("The link type is libpcap's DLT value, so a LINKTYPE_RAW file reports DLT_RAW") {
  TempDir dir;
  const std::string path = dir.file("raw.pcap");
  const auto ip = t::ipv4_bytes(t::Address::v4(192, 0, 2, 1), t::Address::v4(192, 0, 2, 2), 17, t::Frame(8, 0));
  {
    t::PcapWriter writer(path, 101 /* LINKTYPE_RAW */);
    writer.write(1, 0, ip);
  }
  auto source = open_offline(path, 0, {});
  constexpr int dlt_raw_on_linux = 12;
  CHECK(source->linktype() == dlt_raw_on_linux);
  Collector seen;
  drain(*source, seen);
  REQUIRE(seen.packets.size() == 1);
  CHECK(seen.packets[0].linktype == dlt_raw_on_linux);
  CHECK(seen.packets[0].data == ip);
}

TEST_CASE("A packet cut by the snaplen shows caplen below wirelen and is counted as truncated") {
  TempDir dir;
  const std::string path = dir.file("truncated.pcap");
  const auto frame = udp_frames(61).back();  // 60 payload bytes
  {
    t::PcapWriter writer(path);
    writer.write(10, 0, frame.data(), 64, 1514);
    writer.write(11, 0, frame);
  }
  auto source = open_offline(path, 0, {});
  Collector seen;
  drain(*source, seen);
  REQUIRE(seen.packets.size() == 2);
  CHECK(seen.packets[0].caplen == 64);
  CHECK(seen.packets[0].wirelen == 1514);
  CHECK(seen.packets[0].data.size() == 64);
  CHECK(seen.packets[1].caplen == frame.size());
  CHECK(seen.packets[1].wirelen == frame.size());
  const auto stats = source->stats();
  CHECK(stats.truncated == 1);
  CHECK(stats.bytes == 64 + frame.size());
}

TEST_CASE("A BPF filter on a file delivers only the packets it matches") {
  TempDir dir;
  const auto frames = udp_frames(6);
  for (auto format : {t::PcapWriter::Format::pcap_micros, t::PcapWriter::Format::pcapng}) {
    const auto path = write_capture(dir, format == t::PcapWriter::Format::pcapng ? "f.pcapng" : "f.pcap", format, frames);
    OfflineOptions options;
    options.bpf = "udp dst port 53";
    auto source = open_offline(path, 0, options);
    Collector seen;
    CHECK(drain(*source, seen) == DispatchStatus::end_of_file);
    REQUIRE(seen.packets.size() == 3);
    CHECK(seen.packets[0].data == frames[0]);
    CHECK(seen.packets[1].data == frames[2]);
    CHECK(seen.packets[2].data == frames[4]);
    CHECK(source->stats().packets == 3);
    CHECK(source->stats().bytes == frames[0].size() + frames[2].size() + frames[4].size());
  }
}

TEST_CASE("dispatch delivers at most max_packets per call, then reports end of file") {
  TempDir dir;
  const auto path = write_capture(dir, "ten.pcap", t::PcapWriter::Format::pcap_micros, udp_frames(10));
  auto source = open_offline(path, 0, {});
  Collector seen;
  std::vector<int> counts;
  for (;;) {
    const auto result = source->dispatch(3, &Collector::on_packet, &seen);
    if (result.status != DispatchStatus::packets) {
      CHECK(result.status == DispatchStatus::end_of_file);
      CHECK(result.count == 0);
      break;
    }
    counts.push_back(result.count);
  }
  CHECK(counts == std::vector<int>{3, 3, 3, 1});
  CHECK(seen.packets.size() == 10);
  // Stays at end of file.
  CHECK(source->dispatch(3, &Collector::on_packet, &seen).status == DispatchStatus::end_of_file);
}

TEST_CASE("dispatch(-1) on a file returns after one batch of batch_packets instead of the whole file") {
  TempDir dir;
  const auto path = write_capture(dir, "ten.pcap", t::PcapWriter::Format::pcap_micros, udp_frames(10));
  OfflineOptions options;
  options.batch_packets = 4;
  auto source = open_offline(path, 0, options);
  Collector seen;
  CHECK(source->dispatch(-1, &Collector::on_packet, &seen).count == 4);
  CHECK(source->dispatch(-1, &Collector::on_packet, &seen).count == 4);
  const auto last = source->dispatch(-1, &Collector::on_packet, &seen);
  CHECK(last.status == DispatchStatus::packets);
  CHECK(last.count == 2);
  CHECK(source->dispatch(-1, &Collector::on_packet, &seen).status == DispatchStatus::end_of_file);
}

TEST_CASE("break_loop stops the next dispatch and reading resumes after it") {
  TempDir dir;
  const auto frames = udp_frames(5);
  const auto path = write_capture(dir, "five.pcap", t::PcapWriter::Format::pcap_micros, frames);
  auto source = open_offline(path, 0, {});
  Collector seen;

  SECTION("called before dispatch") {
    source->break_loop();
    const auto stopped = source->dispatch(-1, &Collector::on_packet, &seen);
    CHECK(stopped.status == DispatchStatus::stopped);
    CHECK(stopped.count == 0);
    CHECK(seen.packets.empty());
  }
  SECTION("called from the callback: that dispatch stops after the current packet") {
    seen.stop_after_first = source.get();
    const auto stopped = source->dispatch(-1, &Collector::on_packet, &seen);
    CHECK(stopped.status == DispatchStatus::stopped);
    CHECK(stopped.count == 1);
    CHECK(seen.packets.size() == 1);
    seen.stop_after_first = nullptr;
  }
  SECTION("called from the callback on the last packet of a batch: no stale stop is left behind") {
    const auto first = source->dispatch(1, &Collector::on_packet, &seen);
    CHECK(first.count == 1);
    seen.stop_after_first = source.get();  // fires only while seen holds one packet: not again
    seen.packets.clear();
    const auto second = source->dispatch(1, &Collector::on_packet, &seen);
    CHECK(second.status == DispatchStatus::stopped);
    CHECK(second.count == 1);
    seen.stop_after_first = nullptr;
    // The next call reads on: the break was consumed by the call it stopped.
    const auto third = source->dispatch(1, &Collector::on_packet, &seen);
    CHECK(third.status == DispatchStatus::packets);
    CHECK(third.count == 1);
    seen.packets.clear();
    drain(*source, seen);
    CHECK(seen.packets.size() == 2);
    return;
  }
  CHECK(drain(*source, seen) == DispatchStatus::end_of_file);
  REQUIRE(seen.packets.size() == 5);
  CHECK(seen.packets[4].data == frames[4]);
}

TEST_CASE("file_size and file_position report reading progress") {
  TempDir dir;
  const auto path = write_capture(dir, "progress.pcap", t::PcapWriter::Format::pcap_micros, udp_frames(20));
  auto source = open_offline(path, 0, {});
  const auto size = std::filesystem::file_size(path);
  CHECK(source->file_size() == size);
  CHECK(source->file_position() == 24);  // the pcap file header, read at open
  Collector seen;
  source->dispatch(10, &Collector::on_packet, &seen);
  const auto middle = source->file_position();
  CHECK(middle > 24);
  CHECK(middle < size);
  drain(*source, seen);
  CHECK(source->file_position() == size);
}

TEST_CASE("A file holding only its header reports end of file at once") {
  TempDir dir;
  const auto path = write_capture(dir, "empty.pcap", t::PcapWriter::Format::pcap_micros, {});
  auto source = open_offline(path, 0, {});
  Collector seen;
  const auto result = source->dispatch(-1, &Collector::on_packet, &seen);
  CHECK(result.status == DispatchStatus::end_of_file);
  CHECK(result.count == 0);
  CHECK(source->stats().packets == 0);
}

TEST_CASE("A capture read from a FIFO (read through stdio, not read ahead) delivers every packet") {
  TempDir dir;
  const auto frames = udp_frames(40);
  const auto path = write_capture(dir, "source.pcap", t::PcapWriter::Format::pcap_nanos, frames);
  const std::string fifo = dir.file("capture.fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // Opening a FIFO for reading waits for its writer, so the writer runs on a thread of its own.
  std::thread writer([&] {
    std::ifstream in(path, std::ios::binary);
    std::ofstream out(fifo, std::ios::binary);
    out << in.rdbuf();
  });
  auto source = open_offline(fifo, 0, {});
  Collector seen;
  CHECK(drain(*source, seen) == DispatchStatus::end_of_file);
  writer.join();
  REQUIRE(seen.packets.size() == frames.size());
  for (std::size_t i = 0; i < frames.size(); ++i) CHECK(seen.packets[i].data == frames[i]);
  CHECK(source->file_size() == 0);  // a FIFO has no size to show progress against
}

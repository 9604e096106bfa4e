#include <catch2/catch.hpp>

#include <fstream>

#include "capture/capture_error.hpp"
#include "capture/packet_source.hpp"
#include "capture_test_support.hpp"
#include "support/pcap_writer.hpp"

using namespace spanwatch::capture;
using Catch::Matchers::Contains;
using spanwatch::capture::test::TempDir;

namespace {

// The message of the CaptureError `open` throws; fails the test if it throws nothing.
template <class Open>
std::string capture_error_of(Open&& open) {
  try {
    open();
  } catch (const CaptureError& error) {
    return error.what();
  }
  FAIL("no CaptureError thrown");
  return {};
}

}  // namespace

TEST_CASE("Opening a missing file names the file and the system's reason") {
  TempDir dir;
  const auto path = dir.file("does-not-exist.pcap");
  const auto message = capture_error_of([&] { open_offline(path, 0, {}); });
  CHECK(message == "cannot open " + path + ": No such file or directory");
}

TEST_CASE("Opening a file that is not a capture names the file and libpcap's reason") {
  TempDir dir;
  const auto path = dir.file("garbage.pcap");
  std::ofstream(path) << "This is a text file, not a packet capture; libpcap must refuse it.\n";
  const auto message = capture_error_of([&] { open_offline(path, 0, {}); });
  CHECK_THAT(message, Contains("cannot open " + path + ": "));
  CHECK_THAT(message, Contains("unknown file format"));
}

TEST_CASE("Opening a file cut inside its header names the file") {
  TempDir dir;
  const auto path = dir.file("short.pcap");
  std::ofstream(path, std::ios::binary) << "\xd4\xc3\xb2\xa1\x02";
  const auto message = capture_error_of([&] { open_offline(path, 0, {}); });
  CHECK_THAT(message, Contains("cannot open " + path + ": "));
  CHECK_THAT(message, Contains("truncated"));
}

TEST_CASE("An invalid BPF filter on a file is reported with the filter text and the file") {
  TempDir dir;
  const auto path = dir.file("ok.pcap");
  { spanwatch::testing::PcapWriter header_only(path); }
  OfflineOptions options;
  options.bpf = "tcp port banana";
  const auto message = capture_error_of([&] { open_offline(path, 0, options); });
  CHECK_THAT(message, Contains(path + ": cannot compile BPF filter 'tcp port banana': "));
}

TEST_CASE("Opening a missing interface names the interface and libpcap's reason") {
  const auto message = capture_error_of([] { open_live("swnosuch9", 0, {}); });
  CHECK_THAT(message, Contains("swnosuch9: "));
  CHECK_THAT(message, Contains("No such device exists"));
}

TEST_CASE("A live ring size outside 1..2047 MiB is refused before touching the interface") {
  LiveOptions options;
  options.buffer_size_mib = 0;
  CHECK_THAT(capture_error_of([&] { open_live("lo", 0, options); }), Contains("lo: buffer size 0 MiB"));
  options.buffer_size_mib = 4096;
  CHECK_THAT(capture_error_of([&] { open_live("lo", 0, options); }), Contains("lo: buffer size 4096 MiB"));
}

TEST_CASE("A live timeout below 1 ms is refused, since an idle dispatch would then never return") {
  LiveOptions options;
  options.timeout_ms = 0;
  CHECK_THAT(capture_error_of([&] { open_live("lo", 0, options); }), Contains("lo: timeout 0 ms"));
}

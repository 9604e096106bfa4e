#include <catch2/catch.hpp>

#include "capture/packet_source.hpp"
#include "capture_test_support.hpp"
#include "support/allocation_counter.hpp"
#include "support/packet_builder.hpp"
#include "support/pcap_writer.hpp"

namespace {

struct Touch {
  std::uint64_t packets = 0;
  std::uint64_t first_bytes = 0;
  static void on_packet(void* context, const spanwatch::core::PacketView& view) {
    auto& self = *static_cast<Touch*>(context);
    ++self.packets;
    if (!view.data.empty()) self.first_bytes += view.data[0];
  }
};

}  // namespace

TEST_CASE("Reading a file after the first batch allocates nothing per packet") {
  namespace t = spanwatch::testing;
  spanwatch::capture::test::TempDir dir;
  const auto path = dir.file("many.pcap");
  {
    t::PcapWriter writer(path);
    const auto frame = t::udp_frame(t::Address::v4(10, 0, 0, 1), t::Address::v4(10, 0, 0, 2), 1, 53, t::Frame(100, 7));
    for (int i = 0; i < 5000; ++i) writer.write(i, 0, frame);
  }
  spanwatch::capture::OfflineOptions options;
  options.batch_packets = 1000;
  options.bpf = "udp";
  auto source = spanwatch::capture::open_offline(path, 0, options);
  Touch touch;
  REQUIRE(source->dispatch(-1, &Touch::on_packet, &touch).count == 1000);  // warm-up

  const std::uint64_t before = spanwatch::testing::heap_allocations();
  spanwatch::capture::DispatchResult result;
  while ((result = source->dispatch(-1, &Touch::on_packet, &touch)).status == spanwatch::capture::DispatchStatus::packets) {
  }
  const auto stats = source->stats();
  const std::uint64_t after = spanwatch::testing::heap_allocations();

  CHECK(result.status == spanwatch::capture::DispatchStatus::end_of_file);
  CHECK(touch.packets == 5000);
  CHECK(stats.packets == 5000);
  CHECK(after - before == 0);
}

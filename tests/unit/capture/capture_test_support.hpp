#pragma once
// Helpers for the capture tests: a temporary directory removed at scope exit, and a callback that
// copies what each PacketView showed (the view itself is only valid during the callback).
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "capture/packet_source.hpp"

namespace spanwatch::capture::test {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("spanwatch-capture-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

struct SeenPacket {
  core::Timestamp ts;
  std::uint32_t caplen = 0;
  std::uint32_t wirelen = 0;
  int linktype = 0;
  std::uint16_t source = 0;
  std::vector<std::uint8_t> data;
  std::vector<std::uint8_t> ahead;  // PacketView::ahead
};

struct Collector {
  std::vector<SeenPacket> packets;
  PacketSource* stop_after_first = nullptr;  // when set, calls break_loop() from the first callback

  static void on_packet(void* context, const core::PacketView& view) {
    auto& self = *static_cast<Collector*>(context);
    self.packets.push_back({view.ts, view.caplen, view.wirelen, view.linktype, view.source,
                            std::vector<std::uint8_t>(view.data.begin(), view.data.end()),
                            std::vector<std::uint8_t>(view.ahead.begin(), view.ahead.end())});
    if (self.stop_after_first != nullptr && self.packets.size() == 1) self.stop_after_first->break_loop();
  }
};

// Dispatches until end of file (or anything but `packets`), returning the final status.
inline DispatchStatus drain(PacketSource& source, Collector& collector, int max_packets = -1) {
  for (;;) {
    const DispatchResult result = source.dispatch(max_packets, &Collector::on_packet, &collector);
    if (result.status != DispatchStatus::packets) return result.status;
  }
}

}  // namespace spanwatch::capture::test

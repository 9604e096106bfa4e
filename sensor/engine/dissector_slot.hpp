#pragma once
// The application-layer end of one TCP flow's reassembly: the StreamConsumer that protocol
// dissectors will sit behind (recognition by content, then FTP/POP3/SMB/TLS parsers). Until a
// dissector claims the flow it accounts what reassembly delivers, so the stream counters are real.
#include <cstdint>

#include "flow/tcp/stream_consumer.hpp"

namespace spanwatch::engine {

struct AppLayerStats {
  std::uint64_t bytes[2] = {0, 0};  // delivered in order, by core::Direction
  std::uint64_t gaps = 0;
  std::uint64_t gap_bytes = 0;
  std::uint64_t flows_finished = 0;
};

class DissectorSlot final : public flow::tcp::StreamConsumer {
 public:
  void reset(AppLayerStats& stats) {
    stats_ = &stats;
  }

  flow::tcp::StreamVerdict feed(core::Direction direction, core::Bytes bytes) override {
    stats_->bytes[core::index_of(direction)] += bytes.size();
    return flow::tcp::StreamVerdict::more();
  }
  flow::tcp::StreamVerdict gap(core::Direction, std::uint64_t length) override {
    ++stats_->gaps;
    stats_->gap_bytes += length;
    return flow::tcp::StreamVerdict::more();
  }
  void finish() override { ++stats_->flows_finished; }

 private:
  AppLayerStats* stats_ = nullptr;
};

}  // namespace spanwatch::engine

#pragma once
// One worker's packet loop: decode -> flow -> TCP reassembly -> application layer, run to completion
// for each packet inside the capture callback (the packet's bytes are valid only until it returns).
// A worker owns all of its state; nothing here is shared with another thread.
#include <cstdint>

#include "alert/record.hpp"
#include "alert/eve_writer.hpp"
#include "alert/stats_snapshot.hpp"
#include "core/packet_view.hpp"
#include "decode/decoded_packet.hpp"
#include "decode/decoder.hpp"
#include "engine/app_layer.hpp"
#include "engine/engine_options.hpp"
#include "engine/flow_state_pool.hpp"
#include "flow/flow_table.hpp"
#include "flow/tcp/reassembler.hpp"

namespace spanwatch::engine {

struct WorkerStats {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;  // captured bytes
  std::uint64_t malformed = 0;
  std::uint64_t anomaly_records = 0;
  std::uint64_t no_stream_state = 0;  // TCP flows that found the cold-state pool empty
  std::uint64_t other_shard = 0;      // packets left to another worker (not in `packets`)
  core::Timestamp first_packet;
  core::Timestamp last_packet;
};

class Worker final : private flow::FlowEndHandler {
 public:
  // `rules` may be null (no detection); it outlives the worker.
  Worker(const EngineOptions& options, alert::EveWriter& eve, alert::RecordSink& records,
         const rules::RuleSetHolder* rules = nullptr);
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void on_packet(const core::PacketView& packet);
  // For capture::PacketSource::dispatch: context is the Worker.
  static void packet_callback(void* context, const core::PacketView& packet) {
    static_cast<Worker*>(context)->on_packet(packet);
  }

  // End of input: ends every flow (flushing reassembly) so nothing buffered is left unseen.
  void finish();

  // Adds this worker's counters to `snapshot` under Suricata's stats paths.
  void collect_stats(alert::StatsSnapshot& snapshot) const;

  const WorkerStats& stats() const { return stats_; }
  const decode::DecodeStats& decode_stats() const { return decoder_.stats(); }
  const flow::FlowStats& flow_stats() const { return flows_.stats(); }
  flow::tcp::ReassemblyStats stream_stats() const { return reassembler_.stats(); }
  const AppLayerStats& app_layer_stats() const { return app_.stats(); }

 private:
  void flow_ended(flow::Flow& flow, flow::FlowEndReason why) override;
  void on_tcp(flow::Flow& flow, core::Direction direction, const decode::DecodedPacket& packet);
  // Ends the flow's reassembly (consumer finish() included, once) and returns its cold state.
  void release_state(flow::Flow& flow);
  void write_anomaly(const flow::Flow* flow, std::string_view type, std::string_view event);
  void prefetch_ahead(const core::PacketView& packet);

  EngineOptions options_;
  alert::EveWriter& eve_;
  alert::RecordSink& records_;
  decode::Decoder decoder_;
  flow::tcp::Reassembler reassembler_;
  AppLayer app_;
  flow::FlowTable flows_;
  FlowStatePool states_;  // sized after the flow table: one entry per flow it can hold
  decode::DecodedPacket decoded_;
  core::Timestamp now_;
  WorkerStats stats_;
  // The flow keys of the packets prefetch_ahead looked at, in arrival order (ring): a packet's
  // bucket is prefetched PacketView::ahead_distance (16) packets before its turn, its record 8
  // packets later, its cold state 4 packets before its turn and its parser 2 before, each when the
  // one before has arrived.
  struct AheadKey {
    flow::FlowKey key;
    std::uint32_t hash_low = 0;
    bool valid = false;  // the frame had a flow key to look for
    std::uint32_t extension = flow::no_extension;  // its cold state, once the state step found it
  };
  static constexpr std::size_t ahead_ring = core::PacketView::ahead_distance;
  static constexpr std::size_t record_step = 8;  // packets after the bucket
  static constexpr std::size_t state_step = 12;  // packets after the bucket
  static constexpr std::size_t parser_step = 14;  // packets after the bucket
  static_assert(record_step < state_step && state_step < parser_step && parser_step < ahead_ring);
  AheadKey ahead_[ahead_ring];
  std::size_t ahead_next_ = 0;
};

}  // namespace spanwatch::engine

#include "engine/worker.hpp"

#include "alert/anomaly_record.hpp"
#include "decode/checksum.hpp"
#include "engine/flow_header.hpp"
#include "engine/packet_shard.hpp"

namespace spanwatch::engine {

Worker::Worker(const EngineOptions& options, alert::EveWriter& eve, alert::RecordSink& records,
               const rules::RuleSetHolder* rules)
    : options_(options),
      eve_(eve),
      records_(records),
      decoder_(options.decode),
      reassembler_(options.stream),
      app_(options.app, eve, records, rules),
      flows_(options.flow, *this),
      states_(flows_.capacity()) {}

void Worker::on_packet(const core::PacketView& packet) {
  prefetch_ahead(packet);
  now_ = packet.ts;
  app_.set_time(packet.ts);
  // The shard from the headers alone: another worker's packets are neither decoded nor defragmented.
  if (options_.shard_count > 1 &&
      shard_of(peek_headers(packet, options_.decode.max_vlan_layers), options_.shard_count) != options_.shard_index) {
    ++stats_.other_shard;
    flows_.expire(packet.ts);  // capture time moves for every worker alike
    return;
  }
  const decode::DecodeResult result = decoder_.decode(packet, decoded_);
  if (stats_.packets == 0) stats_.first_packet = packet.ts;
  ++stats_.packets;
  stats_.bytes += packet.caplen;
  stats_.last_packet = packet.ts;

  // Frames that carry no IP (LLDP, STP, unknown ethertypes) are counted, not logged one by one.
  if (result.anomaly != decode::DecodeAnomaly::none && result.status != decode::DecodeStatus::skipped)
    write_anomaly(nullptr, "decode", decode::name_of(result.anomaly));
  if (result.status != decode::DecodeStatus::ok) {
    if (result.status == decode::DecodeStatus::malformed) ++stats_.malformed;
    flows_.expire(packet.ts);
    return;
  }

  const flow::FlowLookup lookup = flows_.get(decoded_);
  if (lookup.flow != nullptr && decoded_.transport == decode::Transport::tcp)
    on_tcp(*lookup.flow, lookup.direction, decoded_);
  // After the packet, so the flow just used cannot be the one a timeout ends under our feet.
  flows_.expire(packet.ts);
  decoder_.expire(packet.ts);
}

// With tens of thousands of flows, a packet's bucket, flow record and cold state are rarely still
// cached when it comes; looked up one after the other they were four dependent misses and a third
// of the time. The source shows the frame PacketView::ahead_distance packets on: its bucket is
// prefetched now, and the later steps run on the keys kept in ahead_ (the packet `record_step`
// behind it gets its record, the one `state_step` behind its cold state, the one `parser_step`
// behind its parser).
void Worker::prefetch_ahead(const core::PacketView& packet) {
  const AheadKey& for_record = ahead_[(ahead_next_ + ahead_ring - record_step) % ahead_ring];
  if (for_record.valid) flows_.prefetch_record(for_record.hash_low);
  AheadKey& for_state = ahead_[(ahead_next_ + ahead_ring - state_step) % ahead_ring];
  if (for_state.valid) {
    const flow::Flow* flow = flows_.peek(for_state.key, for_state.hash_low);
    if (flow != nullptr && flow->extension != flow::no_extension) {
      for_state.extension = flow->extension;
      states_.prefetch(flow->extension);
    }
  }
  // The state found two packets ago: if the flow has given it back since, the entry is still a
  // constructed one and the prefetch merely useless.
  const AheadKey& for_parser = ahead_[(ahead_next_ + ahead_ring - parser_step) % ahead_ring];
  if (for_parser.extension != flow::no_extension) states_[for_parser.extension].slot.prefetch_parser();
  AheadKey& next = ahead_[ahead_next_];
  ahead_next_ = (ahead_next_ + 1) % ahead_ring;
  next.valid = false;
  next.extension = flow::no_extension;
  if (packet.ahead.empty()) return;
  core::PacketView ahead = packet;
  ahead.data = packet.ahead;
  const PeekedHeaders headers = peek_headers(ahead, options_.decode.max_vlan_layers);
  if (!headers.has_ports) return;
  if (options_.shard_count > 1 && shard_of(headers, options_.shard_count) != options_.shard_index) return;
  next.key = flow::FlowKey::of(headers.src, headers.dst, headers.src_port, headers.dst_port, headers.ip_protocol,
                               headers.vlan);
  next.hash_low = flows_.prefetch_bucket(next.key);
  next.valid = true;
}

void Worker::on_tcp(flow::Flow& flow, core::Direction direction, const decode::DecodedPacket& packet) {
  if (flow.extension == flow::no_extension) {
    if (flow.bypassed) return;
    flow.extension = states_.acquire();
    if (flow.extension == flow::no_extension) {
      // More TCP flows than cold states can only happen if the pool was sized below the table.
      ++stats_.no_stream_state;
      flow.bypassed = true;
      return;
    }
    FlowState& state = states_[flow.extension];
    reassembler_.open(state.session);
    state.slot.reset(app_, flow);
  }
  FlowState& state = states_[flow.extension];
  if (state.session.finished()) return;
  const std::uint64_t diff_before = reassembler_.overlap_diff_data();
  // Only segments about to be reassembled are summed: bypassed flows returned above.
  const flow::tcp::SegmentChecksum checksum =
      !reassembler_.checks_checksums()      ? flow::tcp::SegmentChecksum::unchecked
      : decode::tcp_checksum_valid(packet) ? flow::tcp::SegmentChecksum::good
                                            : flow::tcp::SegmentChecksum::bad;
  state.session.on_segment(direction, packet.tcp, packet.payload, packet.ts, state.slot, checksum);
  if (reassembler_.overlap_diff_data() != diff_before)
    write_anomaly(&flow, "stream", "stream.reassembly_overlap_different_data");
  if (state.session.stopped()) {
    // Bypassed (a TLS handshake done, a protocol no parser wants): later packets cost the flow
    // lookup only, and the cold state goes back to the pool now rather than at the flow's timeout.
    flow.bypassed = true;
    release_state(flow);
  } else if (state.session.complete()) {
    // Closed and fully delivered: the parser ends now (its pool gets it back for the next flow)
    // instead of when the closed flow times out. Later packets of the flow find it finished.
    state.session.finish(state.slot);
  }
}

void Worker::release_state(flow::Flow& flow) {
  FlowState& state = states_[flow.extension];
  state.session.finish(state.slot);
  reassembler_.release(state.session);
  states_.release(flow.extension);
  flow.extension = flow::no_extension;
}

void Worker::flow_ended(flow::Flow& flow, flow::FlowEndReason) {
  if (flow.extension != flow::no_extension) release_state(flow);
}

void Worker::finish() { flows_.end_all(flow::FlowEndReason::shutdown); }

void Worker::write_anomaly(const flow::Flow* flow, std::string_view type, std::string_view event) {
  if (!options_.anomaly_records) return;
  ++stats_.anomaly_records;
  FlowHeaderBuffer header;
  if (flow != nullptr) fill_flow_header(*flow, header);
  alert::write_anomaly(eve_, records_, now_, flow != nullptr ? &header.header : nullptr, type, event);
}

}  // namespace spanwatch::engine

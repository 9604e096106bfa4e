#include "engine/worker.hpp"

#include <netinet/in.h>

#include "alert/anomaly_record.hpp"
#include "flow/community_id.hpp"

namespace spanwatch::engine {

Worker::Worker(const EngineOptions& options, alert::EveWriter& eve, alert::EveFile& eve_file)
    : options_(options),
      eve_(eve),
      eve_file_(eve_file),
      decoder_(options.decode),
      reassembler_(options.stream),
      flows_(options.flow, *this),
      states_(flows_.capacity()) {}

void Worker::on_packet(const core::PacketView& packet) {
  if (stats_.packets == 0) stats_.first_packet = packet.ts;
  ++stats_.packets;
  stats_.bytes += packet.caplen;
  stats_.last_packet = packet.ts;
  now_ = packet.ts;

  const decode::DecodeResult result = decoder_.decode(packet, decoded_);
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
    state.slot.reset(app_layer_);
  }
  FlowState& state = states_[flow.extension];
  if (state.session.stopped()) return;
  const std::uint64_t diff_before = reassembler_.stats().overlap_diff_data;
  state.session.on_segment(direction, packet.tcp, packet.payload, packet.ts, state.slot);
  if (reassembler_.stats().overlap_diff_data != diff_before)
    write_anomaly(&flow, "stream", "stream.reassembly_overlap_different_data");
  if (state.session.stopped()) flow.bypassed = true;
}

void Worker::flow_ended(flow::Flow& flow, flow::FlowEndReason) {
  if (flow.extension == flow::no_extension) return;
  FlowState& state = states_[flow.extension];
  state.session.finish(state.slot);
  reassembler_.release(state.session);
  states_.release(flow.extension);
  flow.extension = flow::no_extension;
}

void Worker::finish() { flows_.end_all(flow::FlowEndReason::shutdown); }

void Worker::fill_header(const flow::Flow& flow, alert::FlowHeader& header, char (&community_id)[32]) const {
  header.flow_id = flow.id;
  header.src_ip = flow.client_address();
  header.dest_ip = flow.server_address();
  header.src_port = flow.client_port();
  header.dest_port = flow.server_port();
  header.ip_protocol = flow.key.ip_protocol;
  header.has_ports = flow.key.ip_protocol == IPPROTO_TCP || flow.key.ip_protocol == IPPROTO_UDP;
  header.vlan[0] = flow.key.vlan[0];
  header.vlan[1] = flow.key.vlan[1];
  header.vlan_count = static_cast<std::uint8_t>((flow.key.vlan[0] != 0) + (flow.key.vlan[1] != 0));
  header.community_id = flow::community_id(flow, community_id);
}

void Worker::write_anomaly(const flow::Flow* flow, std::string_view type, std::string_view event) {
  if (!options_.anomaly_records) return;
  ++stats_.anomaly_records;
  alert::FlowHeader header;
  char community_id[32];
  if (flow != nullptr) fill_header(*flow, header, community_id);
  alert::write_anomaly(eve_, eve_file_, now_, flow != nullptr ? &header : nullptr, type, event);
}

}  // namespace spanwatch::engine

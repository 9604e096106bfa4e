#include "flow/flow_lifecycle.hpp"

namespace spanwatch::flow {
namespace {

bool both_directions_seen(const Flow& flow) {
  return flow.seen(core::Direction::to_server) && flow.seen(core::Direction::to_client);
}

void advance_tcp_state(Flow& flow, const decode::TcpInfo& tcp, core::Direction direction) {
  if (tcp.has(decode::tcp_flag::rst)) {
    flow.state = TcpState::closed;
    return;
  }
  if (tcp.has(decode::tcp_flag::fin)) {
    flow.fin_seen[core::index_of(direction)] = true;
    const bool both = flow.fin_seen[0] && flow.fin_seen[1];
    if (both) {
      flow.state = TcpState::closed;
    } else if (flow.state != TcpState::closed) {
      flow.state = TcpState::closing;
    }
    return;
  }
  if (flow.state == TcpState::new_ && both_directions_seen(flow) && tcp.has(decode::tcp_flag::ack) &&
      !tcp.has(decode::tcp_flag::syn)) {
    flow.state = TcpState::established;
  }
}

}  // namespace

void advance_state(Flow& flow, const decode::DecodedPacket& packet, core::Direction direction) {
  if (packet.transport == decode::Transport::tcp) {
    advance_tcp_state(flow, packet.tcp, direction);
    return;
  }
  if (flow.state == TcpState::new_ && both_directions_seen(flow)) flow.state = TcpState::established;
}

bool starts_new_connection(const Flow& flow, const decode::DecodedPacket& packet) {
  return flow.state == TcpState::closed && packet.transport == decode::Transport::tcp &&
         packet.tcp.has(decode::tcp_flag::syn) && !packet.tcp.has(decode::tcp_flag::ack);
}

}  // namespace spanwatch::flow

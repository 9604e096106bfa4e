#include "flow/client_heuristic.hpp"

#include <cstdint>

namespace spanwatch::flow {
namespace {

enum class PortClass : std::uint8_t { well_known = 0, registered = 1, ephemeral = 2 };

PortClass class_of(std::uint16_t port) {
  if (port < 1024) return PortClass::well_known;
  if (port < 49152) return PortClass::registered;
  return PortClass::ephemeral;
}

bool has_ports(const decode::DecodedPacket& packet) {
  return packet.transport == decode::Transport::tcp || packet.transport == decode::Transport::udp;
}

}  // namespace

bool source_is_client(const decode::DecodedPacket& first_packet) {
  if (first_packet.transport == decode::Transport::tcp && first_packet.tcp.has(decode::tcp_flag::syn)) {
    return !first_packet.tcp.has(decode::tcp_flag::ack);
  }
  if (!has_ports(first_packet)) return true;
  const PortClass source = class_of(first_packet.src_port);
  const PortClass destination = class_of(first_packet.dst_port);
  if (source != destination) return source > destination;
  if (source == PortClass::well_known && first_packet.src_port != first_packet.dst_port) {
    return first_packet.src_port > first_packet.dst_port;
  }
  return true;
}

}  // namespace spanwatch::flow

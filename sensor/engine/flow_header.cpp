#include "engine/flow_header.hpp"

#include <netinet/in.h>

namespace spanwatch::engine {

void fill_flow_header(const flow::Flow& flow, FlowHeaderBuffer& out) {
  fill_flow_header(flow, flow::community_id(flow, out.community_id), out.header);
}

void fill_flow_header(const flow::Flow& flow, std::string_view community_id, alert::FlowHeader& h) {
  h.flow_id = flow.id;
  h.src_ip = flow.client_address();
  h.dest_ip = flow.server_address();
  h.src_port = flow.client_port();
  h.dest_port = flow.server_port();
  h.ip_protocol = flow.key.ip_protocol;
  h.has_ports = flow.key.ip_protocol == IPPROTO_TCP || flow.key.ip_protocol == IPPROTO_UDP;
  h.vlan[0] = flow.key.vlan[0];
  h.vlan[1] = flow.key.vlan[1];
  h.vlan_count = static_cast<std::uint8_t>((flow.key.vlan[0] != 0) + (flow.key.vlan[1] != 0));
  h.community_id = community_id;
}

}  // namespace spanwatch::engine

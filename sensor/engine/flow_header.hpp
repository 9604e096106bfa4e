#pragma once
// The EVE header fields of a flow (client as src), with its Community ID written into `community_id`.
#include <string_view>

#include "alert/flow_header.hpp"
#include "flow/community_id.hpp"
#include "flow/flow.hpp"

namespace spanwatch::engine {

struct FlowHeaderBuffer {
  alert::FlowHeader header;
  char community_id[flow::community_id_size + 1];
};

void fill_flow_header(const flow::Flow& flow, FlowHeaderBuffer& out);
// The same with a Community ID computed before (it costs a SHA-1: worth keeping per flow); the view
// must stay valid while `out` is used.
void fill_flow_header(const flow::Flow& flow, std::string_view community_id, alert::FlowHeader& out);

}  // namespace spanwatch::engine

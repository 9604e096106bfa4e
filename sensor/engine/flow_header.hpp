#pragma once
// The EVE header fields of a flow (client as src), with its Community ID written into `community_id`.
#include "alert/flow_header.hpp"
#include "flow/community_id.hpp"
#include "flow/flow.hpp"

namespace spanwatch::engine {

struct FlowHeaderBuffer {
  alert::FlowHeader header;
  char community_id[flow::community_id_size + 1];
};

void fill_flow_header(const flow::Flow& flow, FlowHeaderBuffer& out);

}  // namespace spanwatch::engine

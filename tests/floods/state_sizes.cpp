// spanwatch-flood-sizes: the per-flow byte costs the flood test's memory bound is made of, printed as
// JSON so the bound follows the code instead of a number copied into the test.
//   flow_record: FlowTable::bytes_per_flow(), the divisor of flow.memcap (record, links, index share)
//   cold_state:  engine::FlowState (TCP reassembly + dissector slot), one per TCP flow the engine
//                inspects, reserved for every flow record but outside flow.memcap
#include <cstdio>

#include "engine/flow_state_pool.hpp"
#include "flow/flow_table.hpp"

int main() {
  std::printf("{\"flow_record\": %zu, \"cold_state\": %zu}\n", spanwatch::flow::FlowTable::bytes_per_flow(),
              sizeof(spanwatch::engine::FlowState));
  return 0;
}

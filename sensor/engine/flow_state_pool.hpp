#pragma once
// Cold per-flow state (TCP reassembly and the dissector slot) kept apart from the flow table's hot
// records, preallocated, and found through Flow::extension. Only TCP flows take an entry.
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/app_layer.hpp"
#include "flow/flow.hpp"
#include "flow/tcp/tcp_session.hpp"

namespace spanwatch::engine {

struct FlowState {
  flow::tcp::TcpSession session;
  DissectorSlot slot;
};

class FlowStatePool {
 public:
  explicit FlowStatePool(std::size_t capacity) : states_(capacity) {
    free_.reserve(capacity);
    for (std::size_t i = capacity; i-- > 0;) free_.push_back(static_cast<std::uint32_t>(i));
  }

  // An index into the pool, or flow::no_extension when every entry is taken.
  std::uint32_t acquire() {
    if (free_.empty()) return flow::no_extension;
    const std::uint32_t index = free_.back();
    free_.pop_back();
    return index;
  }
  void release(std::uint32_t index) { free_.push_back(index); }
  FlowState& operator[](std::uint32_t index) { return states_[index]; }
  std::size_t capacity() const { return states_.size(); }
  std::size_t in_use() const { return states_.size() - free_.size(); }

 private:
  std::vector<FlowState> states_;
  std::vector<std::uint32_t> free_;
};

}  // namespace spanwatch::engine

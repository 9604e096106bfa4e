#pragma once
// Cold per-flow state (TCP reassembly and the dissector slot) kept apart from the flow table's hot
// records, reserved at construction, and found through Flow::extension. Only TCP flows take an
// entry, and only while they are inspected (a bypassed flow gives its entry back at once). Entries
// are constructed on first use and reused last-freed-first, so the pages in use follow the number of
// flows inspected at once rather than the table's capacity.
#include <cstdint>
#include <vector>

#include "engine/app_layer.hpp"
#include "flow/flow.hpp"
#include "flow/lazy_array.hpp"
#include "flow/tcp/tcp_session.hpp"

namespace spanwatch::engine {

struct FlowState {
  flow::tcp::TcpSession session;
  DissectorSlot slot;
};

class FlowStatePool {
 public:
  explicit FlowStatePool(std::size_t capacity) : states_(capacity) { free_.reserve(capacity); }

  // An index into the pool, or flow::no_extension when every entry is taken.
  std::uint32_t acquire() {
    if (!free_.empty()) {
      const std::uint32_t index = free_.back();
      free_.pop_back();
      return index;
    }
    if (states_.full()) return flow::no_extension;
    states_.construct_next();
    return static_cast<std::uint32_t>(states_.constructed() - 1);
  }
  void release(std::uint32_t index) { free_.push_back(index); }
  FlowState& operator[](std::uint32_t index) { return states_[index]; }
  // A hint for a packet to come: every cache line of an entry in use.
  void prefetch(std::uint32_t index) const {
    const auto* entry = reinterpret_cast<const char*>(&states_[index]);
    for (std::size_t offset = 0; offset < sizeof(FlowState); offset += 64) __builtin_prefetch(entry + offset);
    __builtin_prefetch(entry + sizeof(FlowState) - 1);
  }
  std::size_t capacity() const { return states_.capacity(); }
  std::size_t in_use() const { return states_.constructed() - free_.size(); }
  // Entries ever constructed: the high-water mark of flows inspected at once.
  std::size_t constructed() const { return states_.constructed(); }

 private:
  flow::LazyArray<FlowState> states_;
  std::vector<std::uint32_t> free_;  // capacity reserved up front: release() never allocates
};

}  // namespace spanwatch::engine

#pragma once
// One worker's flow table: every flow record and the bucket index are allocated at construction;
// the packet path only links and unlinks them. Flows end by timeout (capture time, so a file replay
// behaves like live traffic), by eviction when the table is full, by port reuse after a close, or at
// shutdown; the handler hears about each flow exactly once, before its record is reused.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/direction.hpp"
#include "core/timestamp.hpp"
#include "decode/decoded_packet.hpp"
#include "flow/flow.hpp"
#include "flow/flow_id.hpp"
#include "flow/flow_stats.hpp"
#include "flow/flow_table_options.hpp"
#include "flow/lazy_array.hpp"

namespace spanwatch::flow {

enum class FlowEndReason : std::uint8_t { timeout, evicted, closed, shutdown };
const char* name_of(FlowEndReason reason);

class FlowEndHandler {
 public:
  virtual ~FlowEndHandler() = default;
  // Called once per flow, before its record is reused. The handler must not call back into the table.
  virtual void flow_ended(Flow& flow, FlowEndReason why) = 0;
};

struct FlowLookup {
  Flow* flow = nullptr;  // null when the packet has no flow (not IP, or the table refused it)
  core::Direction direction = core::Direction::to_server;
  bool created = false;  // this packet started the flow
};

class FlowTable {
 public:
  FlowTable(const FlowTableOptions& options, FlowEndHandler& handler);
  FlowTable(const FlowTable&) = delete;
  FlowTable& operator=(const FlowTable&) = delete;

  // Finds or creates the packet's flow and accounts the packet to it: counters, last_seen, state.
  // The pointer stays valid until the next call that may end flows (get, expire, end_all).
  FlowLookup get(const decode::DecodedPacket& packet);
  // Ends every flow whose timeout has passed at `now`; costs O(1) plus O(flows ended).
  void expire(core::Timestamp now);
  // Ends every flow (end of capture, shutdown).
  void end_all(FlowEndReason why);

  // Calls fn(Flow&) for every active flow, least recently seen first within each timeout class (to
  // within a second).
  template <class Fn>
  void for_each(Fn&& fn) {
    for (const TimeoutList& list : lists_) {
      for (std::uint32_t index = list.oldest; index != no_slot; index = slots_[index].newer) fn(slots_[index].flow);
    }
  }

  // Prefetching for a packet a few packets ahead of the one being handled, in steps several
  // packets apart: get() pays two dependent cache misses (the bucket, then the record it points to),
  // and with tens of thousands of flows both are usually misses. prefetch_bucket returns the key's
  // bucket hash for prefetch_record, which reads the bucket (cached by then) and prefetches the
  // first record of its chain (the flow itself, unless buckets collide). peek, later still, returns
  // the flow when that first record is it, so the engine can prefetch its own state; otherwise it
  // prefetches the chain's next record and returns null (walking further would wait on misses).
  // Nothing changes in the table; peek's flow may be stale (get() decides that) and is valid until
  // the next call that may end flows.
  std::uint32_t prefetch_bucket(const FlowKey& key) const;
  void prefetch_record(std::uint32_t hash_low) const;
  const Flow* peek(const FlowKey& key, std::uint32_t hash_low) const;

  const FlowStats& stats() const { return stats_; }
  std::size_t capacity() const { return slots_.capacity(); }
  std::size_t active() const { return static_cast<std::size_t>(stats_.active); }
  // True from the moment a new flow finds every record taken until enough are free again.
  bool emergency() const { return emergency_; }
  // Bytes one flow may cost in this table (record, links, its share of the bucket index): the divisor
  // of memcap_bytes.
  static std::size_t bytes_per_flow();

 private:
  // Flows sharing a timeout form one list in the order they took their place, so the head is the
  // next to expire. A packet moves its flow to the tail only when the flow has sat at its place for
  // relist_after_ns_ (at most a second) or changes class: moving it on every packet wrote two other
  // flows' records (its neighbours), each a cache miss, for every packet. A flow ends at its exact
  // timeout when it is at the head, and a flow behind a head that was touched after taking its
  // place can end up to relist_after_ns_ late: never early.
  enum class TimeoutClass : std::uint8_t { tcp_new, tcp_established, tcp_closed, udp, other, count_ };
  static constexpr std::size_t timeout_class_count = static_cast<std::size_t>(TimeoutClass::count_);
  static constexpr std::uint32_t no_slot = 0xffffffffu;

  // What a packet touches comes first: the bucket link and clocks here, then the flow's per-packet
  // fields, together the first 128 bytes (see Flow).
  struct Slot {
    std::uint32_t hash_low = 0;  // low half of the key hash: bucket index and a cheap pre-compare
    std::uint32_t bucket_next = no_slot;
    std::int64_t touched_ns = 0;  // table clock at the last packet
    std::int64_t listed_ns = 0;   // table clock when it took its place in its timeout list
    Flow flow;
    std::uint32_t older = no_slot;  // neighbours in the timeout list (`newer` also links the free list)
    std::uint32_t newer = no_slot;
    TimeoutClass timeout_class = TimeoutClass::other;
    bool in_use = false;
  };
  struct TimeoutList {
    std::uint32_t oldest = no_slot;
    std::uint32_t newest = no_slot;
  };

  std::uint32_t find(const FlowKey& key, std::uint32_t hash_low) const;
  void prefetch_slot(std::uint32_t index) const;
  std::uint32_t allocate();
  std::uint32_t closest_to_expiry() const;
  void create(std::uint32_t index, const FlowKey& key, std::uint32_t hash_low, const decode::DecodedPacket& packet,
              bool source_is_low);
  void end(std::uint32_t index, FlowEndReason why);
  void account(Slot& slot, const decode::DecodedPacket& packet, core::Direction direction);
  void touch(std::uint32_t index);
  void list_unlink(std::uint32_t index);
  void list_append(std::uint32_t index);
  void bucket_unlink(std::uint32_t index);
  bool expired(const Slot& slot) const;
  std::int64_t timeout_ns(TimeoutClass c) const;
  void leave_emergency_if_recovered();
  static TimeoutClass timeout_class_of(const Flow& flow);
  void advance_clock(core::Timestamp ts);
  void grow_buckets();

  FlowEndHandler& handler_;
  const bool evict_when_full_;
  std::int64_t timeouts_ns_[timeout_class_count];
  std::int64_t emergency_timeouts_ns_[timeout_class_count];
  std::int64_t relist_after_ns_[timeout_class_count];
  std::size_t recovered_spare_;  // free records that end an emergency
  bool emergency_ = false;
  std::uint64_t hash_seed_;
  FlowIdGenerator ids_;
  // Records are constructed on first use, front to back: pages of records never used are never touched.
  LazyArray<Slot> slots_;
  // The bucket index follows the number of active flows (doubling, up to one bucket per record; the
  // capacity is reserved at construction, so growing never allocates): a packet's bucket then stays
  // cached far more often than in an index sized for the whole table.
  std::vector<std::uint32_t> buckets_;
  std::size_t max_buckets_ = 0;
  std::uint32_t bucket_mask_ = 0;
  std::uint32_t free_head_ = no_slot;
  TimeoutList lists_[timeout_class_count];
  std::int64_t now_ns_ = 0;  // the latest capture time seen: never steps back
  // No listed flow is due before this (normal timeouts): list_append lowers it, expire() recomputes it
  // after a pass. Removing or touching a flow only moves the true earliest deadline later.
  std::int64_t next_deadline_ns_ = 0;
  FlowStats stats_;
};

}  // namespace spanwatch::flow

#include "flow/flow_table.hpp"

#include <algorithm>
#include <limits>
#include <random>

#include "flow/client_heuristic.hpp"
#include "flow/flow_lifecycle.hpp"

namespace spanwatch::flow {
namespace {

constexpr std::int64_t nanoseconds_per_second = 1'000'000'000;
// Slot indices are 32-bit with one value reserved for "none"; the bucket count must stay below 2^32.
constexpr std::size_t max_capacity = std::size_t{1} << 31;

std::uint64_t seed_or_random(std::uint64_t seed) {
  if (seed != 0) return seed;
  std::random_device device;
  return (std::uint64_t{device()} << 32) ^ device();
}

std::size_t capacity_for(const FlowTableOptions& options) {
  const std::size_t wanted =
      options.max_flows != 0 ? options.max_flows : options.memcap_bytes / FlowTable::bytes_per_flow();
  return std::clamp<std::size_t>(wanted, 1, max_capacity);
}

// Small enough to cost nothing at start-up, large enough that short runs never rehash.
constexpr std::size_t initial_buckets = 4096;

std::size_t power_of_two_at_least(std::size_t n) {
  std::size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

}  // namespace

const char* name_of(FlowEndReason reason) {
  switch (reason) {
    case FlowEndReason::timeout: return "timeout";
    case FlowEndReason::evicted: return "evicted";
    case FlowEndReason::closed: return "closed";
    case FlowEndReason::shutdown: return "shutdown";
  }
  return "unknown";
}

// The bucket count is the next power of two, so up to two buckets per flow: memuse never exceeds memcap.
std::size_t FlowTable::bytes_per_flow() { return sizeof(Slot) + 2 * sizeof(std::uint32_t); }

FlowTable::FlowTable(const FlowTableOptions& options, FlowEndHandler& handler)
    : handler_(handler),
      evict_when_full_(options.evict_when_full),
      timeouts_ns_{},
      emergency_timeouts_ns_{},
      hash_seed_(seed_or_random(options.hash_seed)),
      ids_(seed_or_random(options.flow_id_seed)),
      slots_(capacity_for(options)),
      max_buckets_(power_of_two_at_least(slots_.capacity())) {
  buckets_.reserve(max_buckets_);
  buckets_.assign(std::min(max_buckets_, initial_buckets), no_slot);
  bucket_mask_ = static_cast<std::uint32_t>(buckets_.size() - 1);
  static_assert(sizeof(Slot) <= 256, "flow state target: at most 256 bytes per flow without parser state");
  const auto to_ns = [](const FlowTimeouts& t, std::int64_t* out) {
    const std::uint32_t seconds[timeout_class_count] = {t.tcp_new, t.tcp_established, t.tcp_closed, t.udp, t.other};
    for (std::size_t i = 0; i < timeout_class_count; ++i) out[i] = seconds[i] * nanoseconds_per_second;
  };
  to_ns(options.timeouts, timeouts_ns_);
  to_ns(options.emergency_timeouts, emergency_timeouts_ns_);
  // Emergency only ever shortens a timeout (a configured normal value below the emergency one stays).
  for (std::size_t i = 0; i < timeout_class_count; ++i)
    emergency_timeouts_ns_[i] = std::min(emergency_timeouts_ns_[i], timeouts_ns_[i]);
  // A second, or a quarter of the shortest timeout of the class when that is less.
  for (std::size_t i = 0; i < timeout_class_count; ++i)
    relist_after_ns_[i] = std::min(nanoseconds_per_second, emergency_timeouts_ns_[i] / 4);
  // At least one free record, so a table of one can leave emergency too.
  recovered_spare_ = std::max<std::size_t>(
      1, slots_.capacity() * std::min<std::uint32_t>(options.emergency_recovery_percent, 100) / 100);
  // The free list starts empty: records never used yet are taken from the array's unconstructed tail.
  stats_.memuse = slots_.bytes() + max_buckets_ * sizeof(std::uint32_t);
  stats_.spare = slots_.capacity();
}

FlowLookup FlowTable::get(const decode::DecodedPacket& packet) {
  if (packet.ip_version != 4 && packet.ip_version != 6) {
    ++stats_.no_flow;
    return {};
  }
  advance_clock(packet.ts);
  bool source_is_low = true;
  const FlowKey key = FlowKey::of(packet, &source_is_low);
  const auto hash_low = static_cast<std::uint32_t>(key.hash(hash_seed_));

  std::uint32_t index = find(key, hash_low);
  if (index != no_slot) {
    // expire() may not have run since the flow's last packet; a stale flow must not absorb a new one.
    if (expired(slots_[index])) {
      end(index, FlowEndReason::timeout);
      index = no_slot;
    } else if (starts_new_connection(slots_[index].flow, packet)) {
      ++stats_.tcp_reuse;
      end(index, FlowEndReason::closed);
      index = no_slot;
    }
  }
  const bool created = index == no_slot;
  if (created) {
    index = allocate();
    if (index == no_slot) {
      ++stats_.memcap;
      return {};
    }
    create(index, key, hash_low, packet, source_is_low);
  }
  Slot& slot = slots_[index];
  const core::Direction direction = slot.flow.direction_from(source_is_low);
  account(slot, packet, direction);
  touch(index);
  return {&slot.flow, direction, created};
}

void FlowTable::expire(core::Timestamp now) {
  advance_clock(now);
  // Called for every packet: most calls find nothing due, and know it from one comparison.
  if (!emergency_ && now_ns_ < next_deadline_ns_) return;
  for (const TimeoutList& list : lists_) {
    while (list.oldest != no_slot && expired(slots_[list.oldest])) end(list.oldest, FlowEndReason::timeout);
  }
  // The heads' own deadlines (a head touched after it was listed is due later than its place says).
  next_deadline_ns_ = std::numeric_limits<std::int64_t>::max();
  for (std::size_t c = 0; c < timeout_class_count; ++c) {
    if (lists_[c].oldest != no_slot)
      next_deadline_ns_ = std::min(next_deadline_ns_, slots_[lists_[c].oldest].touched_ns + timeouts_ns_[c]);
  }
  leave_emergency_if_recovered();
}

void FlowTable::end_all(FlowEndReason why) {
  for (const TimeoutList& list : lists_) {
    while (list.oldest != no_slot) end(list.oldest, why);
  }
  leave_emergency_if_recovered();
}

std::uint32_t FlowTable::prefetch_bucket(const FlowKey& key) const {
  const auto hash_low = static_cast<std::uint32_t>(key.hash(hash_seed_));
  __builtin_prefetch(&buckets_[hash_low & bucket_mask_]);
  return hash_low;
}

void FlowTable::prefetch_slot(std::uint32_t index) const {
  // Every line of the slot (168 bytes start anywhere in a line: up to four lines), not just its
  // first: the lookup reads the key and the clocks, and its timeout class sits at the end.
  const auto* slot = reinterpret_cast<const char*>(&slots_[index]);
  for (std::size_t offset = 0; offset < sizeof(Slot); offset += 64) __builtin_prefetch(slot + offset);
  __builtin_prefetch(slot + sizeof(Slot) - 1);
}

void FlowTable::prefetch_record(std::uint32_t hash_low) const {
  const std::uint32_t index = buckets_[hash_low & bucket_mask_];
  if (index != no_slot) prefetch_slot(index);
}

const Flow* FlowTable::peek(const FlowKey& key, std::uint32_t hash_low) const {
  const std::uint32_t index = buckets_[hash_low & bucket_mask_];
  if (index == no_slot) return nullptr;
  const Slot& slot = slots_[index];
  if (slot.hash_low == hash_low && slot.flow.key == key) return &slot.flow;
  if (slot.bucket_next != no_slot) prefetch_slot(slot.bucket_next);
  return nullptr;
}

std::uint32_t FlowTable::find(const FlowKey& key, std::uint32_t hash_low) const {
  for (std::uint32_t index = buckets_[hash_low & bucket_mask_]; index != no_slot; index = slots_[index].bucket_next) {
    const Slot& slot = slots_[index];
    if (slot.hash_low == hash_low && slot.flow.key == key) return index;
  }
  return no_slot;
}

std::uint32_t FlowTable::allocate() {
  if (free_head_ == no_slot && !slots_.full()) {
    --stats_.spare;
    slots_.construct_next();
    return static_cast<std::uint32_t>(slots_.constructed() - 1);
  }
  if (free_head_ == no_slot) {
    if (!emergency_) {
      emergency_ = true;
      ++stats_.emerg_mode_entered;
    }
    if (!evict_when_full_ || stats_.active == 0) return no_slot;
    end(closest_to_expiry(), FlowEndReason::evicted);
  }
  const std::uint32_t index = free_head_;
  free_head_ = slots_[index].newer;
  --stats_.spare;
  return index;
}

std::uint32_t FlowTable::closest_to_expiry() const {
  std::uint32_t best = no_slot;
  std::int64_t best_deadline = std::numeric_limits<std::int64_t>::max();
  for (std::size_t c = 0; c < timeout_class_count; ++c) {
    const std::uint32_t oldest = lists_[c].oldest;
    if (oldest == no_slot) continue;
    const std::int64_t deadline = slots_[oldest].touched_ns + timeout_ns(static_cast<TimeoutClass>(c));
    if (best == no_slot || deadline < best_deadline) {
      best = oldest;
      best_deadline = deadline;
    }
  }
  return best;
}

void FlowTable::create(std::uint32_t index, const FlowKey& key, std::uint32_t hash_low,
                       const decode::DecodedPacket& packet, bool source_is_low) {
  Slot& slot = slots_[index];
  slot.flow = Flow{};
  slot.flow.key = key;
  slot.flow.id = ids_.next();
  slot.flow.first_seen = packet.ts;
  slot.flow.client_is_low = source_is_client(packet) == source_is_low;
  slot.flow.midstream = packet.transport == decode::Transport::tcp && !packet.tcp.has(decode::tcp_flag::syn);
  slot.flow.icmp_type = packet.icmp_type;
  slot.flow.icmp_code = packet.icmp_code;
  slot.hash_low = hash_low;
  slot.in_use = true;
  slot.touched_ns = now_ns_;
  slot.older = slot.newer = no_slot;
  if (stats_.active >= buckets_.size() && buckets_.size() < max_buckets_) grow_buckets();
  std::uint32_t& bucket = buckets_[hash_low & bucket_mask_];
  slot.bucket_next = bucket;
  bucket = index;
  slot.timeout_class = timeout_class_of(slot.flow);
  list_append(index);

  ++stats_.total;
  ++stats_.active;
  if (slot.flow.midstream) ++stats_.midstream;
  switch (key.ip_protocol) {
    case 6: ++stats_.tcp; break;
    case 17: ++stats_.udp; break;
    case 1: ++stats_.icmpv4; break;
    case 58: ++stats_.icmpv6; break;
    default: ++stats_.other; break;
  }
}

void FlowTable::end(std::uint32_t index, FlowEndReason why) {
  Slot& slot = slots_[index];
  handler_.flow_ended(slot.flow, why);

  switch (slot.flow.state) {
    case TcpState::new_: ++stats_.end_state.new_; break;
    case TcpState::established: ++stats_.end_state.established; break;
    case TcpState::closing: ++stats_.end_state.closing; break;
    case TcpState::closed: ++stats_.end_state.closed; break;
  }
  if (slot.flow.bypassed) ++stats_.end_state.local_bypassed;
  switch (why) {
    case FlowEndReason::timeout: ++stats_.timeouts; break;
    case FlowEndReason::evicted: ++stats_.evicted; break;
    case FlowEndReason::closed: ++stats_.ended_closed; break;
    case FlowEndReason::shutdown: ++stats_.ended_shutdown; break;
  }

  list_unlink(index);
  bucket_unlink(index);
  slot.in_use = false;
  slot.newer = free_head_;
  free_head_ = index;
  --stats_.active;
  ++stats_.spare;
}

void FlowTable::account(Slot& slot, const decode::DecodedPacket& packet, core::Direction direction) {
  Flow& flow = slot.flow;
  const unsigned d = core::index_of(direction);
  ++flow.packets[d];
  flow.bytes[d] += packet.wire_length;
  flow.last_seen = std::max(flow.last_seen, packet.ts);
  advance_state(flow, packet, direction);
}

void FlowTable::touch(std::uint32_t index) {
  Slot& slot = slots_[index];
  slot.touched_ns = now_ns_;
  const TimeoutClass now_class = timeout_class_of(slot.flow);
  const auto c = static_cast<std::size_t>(now_class);
  if (now_class == slot.timeout_class && now_ns_ - slot.listed_ns < relist_after_ns_[c]) return;
  list_unlink(index);
  slot.timeout_class = now_class;
  list_append(index);
}

void FlowTable::list_unlink(std::uint32_t index) {
  Slot& slot = slots_[index];
  TimeoutList& list = lists_[static_cast<std::size_t>(slot.timeout_class)];
  (slot.older == no_slot ? list.oldest : slots_[slot.older].newer) = slot.newer;
  (slot.newer == no_slot ? list.newest : slots_[slot.newer].older) = slot.older;
  slot.older = slot.newer = no_slot;
}

void FlowTable::list_append(std::uint32_t index) {
  Slot& slot = slots_[index];
  const auto c = static_cast<std::size_t>(slot.timeout_class);
  TimeoutList& list = lists_[c];
  slot.listed_ns = slot.touched_ns;
  next_deadline_ns_ = std::min(next_deadline_ns_, slot.touched_ns + timeouts_ns_[c]);
  slot.older = list.newest;
  slot.newer = no_slot;
  (list.newest == no_slot ? list.oldest : slots_[list.newest].newer) = index;
  list.newest = index;
}

void FlowTable::bucket_unlink(std::uint32_t index) {
  std::uint32_t* link = &buckets_[slots_[index].hash_low & bucket_mask_];
  while (*link != index) link = &slots_[*link].bucket_next;
  *link = slots_[index].bucket_next;
  slots_[index].bucket_next = no_slot;
}

// Doubles the index: each chain splits in two by the next bit of its hashes, order kept. O(active
// flows), once per doubling.
void FlowTable::grow_buckets() {
  const std::size_t old_size = buckets_.size();
  buckets_.resize(old_size * 2, no_slot);
  for (std::size_t b = 0; b < old_size; ++b) {
    std::uint32_t* low_tail = &buckets_[b];
    std::uint32_t* high_tail = &buckets_[b + old_size];
    for (std::uint32_t index = buckets_[b]; index != no_slot;) {
      const std::uint32_t next = slots_[index].bucket_next;
      std::uint32_t*& tail = (slots_[index].hash_low & old_size) != 0 ? high_tail : low_tail;
      *tail = index;
      tail = &slots_[index].bucket_next;
      index = next;
    }
    *low_tail = no_slot;
    *high_tail = no_slot;
  }
  bucket_mask_ = static_cast<std::uint32_t>(buckets_.size() - 1);
}

bool FlowTable::expired(const Slot& slot) const { return now_ns_ - slot.touched_ns >= timeout_ns(slot.timeout_class); }

// Lists stay ordered under either set of timeouts: within one class the order is listing order.
std::int64_t FlowTable::timeout_ns(TimeoutClass c) const {
  const auto i = static_cast<std::size_t>(c);
  return emergency_ ? emergency_timeouts_ns_[i] : timeouts_ns_[i];
}

void FlowTable::leave_emergency_if_recovered() {
  if (!emergency_ || stats_.spare < recovered_spare_) return;
  emergency_ = false;
  next_deadline_ns_ = 0;  // deadlines were not tracked under the emergency timeouts
  ++stats_.emerg_mode_over;
}

FlowTable::TimeoutClass FlowTable::timeout_class_of(const Flow& flow) {
  switch (flow.key.ip_protocol) {
    case 6:
      switch (flow.state) {
        case TcpState::new_: return TimeoutClass::tcp_new;
        case TcpState::established: return TimeoutClass::tcp_established;
        case TcpState::closing:
        case TcpState::closed: return TimeoutClass::tcp_closed;
      }
      return TimeoutClass::tcp_new;
    case 17: return TimeoutClass::udp;
    default: return TimeoutClass::other;
  }
}

void FlowTable::advance_clock(core::Timestamp ts) { now_ns_ = std::max(now_ns_, ts.total_nanoseconds()); }

}  // namespace spanwatch::flow

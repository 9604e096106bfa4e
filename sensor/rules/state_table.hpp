#pragma once
// A fixed-size, 8-way set-associative map from a tracked key to per-rule state (threshold windows,
// per-flow alert marks, correlation marks). Allocated once; when a set is full the entry whose
// expiry passed is reused first, else the least recently touched one, counted as an eviction.
// The slots are zero pages until first touched (all-zero bytes are an unused slot): a table sized for
// a busy network costs start-up nothing (core::PageMemory).
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <boost/container_hash/hash.hpp>

#include "core/ip_address.hpp"
#include "core/page_memory.hpp"

namespace spanwatch::rules {

// Rule id plus what its track names (client, server, user hash or flow id): state survives a
// rule reload because nothing in it points into a RuleSet.
struct StateKey {
  std::uint32_t rule_id = 0;
  std::uint8_t track = 0;
  core::IpAddress first;
  core::IpAddress second;
  std::uint64_t extra = 0;
  bool operator==(const StateKey&) const = default;
};

inline std::size_t hash_of(const StateKey& key) {
  std::size_t seed = key.rule_id;
  boost::hash_combine(seed, key.track);
  boost::hash_range(seed, key.first.data(), key.first.data() + 16);
  boost::hash_range(seed, key.second.data(), key.second.data() + 16);
  boost::hash_combine(seed, key.extra);
  return seed;
}

template <class Value>
class StateTable {
 public:
  static constexpr std::size_t ways = 8;

  explicit StateTable(std::size_t capacity)
      : slot_count_(((capacity + ways - 1) / ways) * ways + (capacity == 0 ? ways : 0)),
        memory_(slot_count_ * sizeof(Slot)) {
    // Zero bytes stand for Slot{} (used == false): nothing is constructed, nothing needs destroying.
    static_assert(std::is_trivially_copyable_v<Slot> && std::is_trivially_destructible_v<Slot>);
  }

  // The entry for `key`, created from Value{} when absent (`created` says so). Touching it moves its
  // expiry to at least now + ttl.
  Value& obtain(const StateKey& key, std::int64_t now_ns, std::int64_t ttl_ns, bool& created) {
    Slot* set = set_of(key);
    Slot* victim = nullptr;
    for (std::size_t i = 0; i < ways; ++i) {
      Slot& s = set[i];
      if (s.used && s.key == key) {
        touch(s, now_ns, ttl_ns);
        created = false;
        return s.value;
      }
      if (!s.used) {
        if (victim == nullptr || victim->used) victim = &s;
      } else if (victim == nullptr || (victim->used && better_victim(s, *victim, now_ns))) {
        victim = &s;
      }
    }
    if (victim->used && victim->expires_ns >= now_ns) ++evictions_;
    victim->used = true;
    victim->key = key;
    victim->value = Value{};
    victim->expires_ns = 0;
    touch(*victim, now_ns, ttl_ns);
    created = true;
    return victim->value;
  }

  // The live entry for `key`, or nullptr.
  const Value* find(const StateKey& key, std::int64_t now_ns) const {
    const Slot* set = set_of(key);
    for (std::size_t i = 0; i < ways; ++i)
      if (set[i].used && set[i].key == key && set[i].expires_ns >= now_ns) return &set[i].value;
    return nullptr;
  }

  std::size_t capacity() const { return slot_count_; }
  std::uint64_t evictions() const { return evictions_; }

 private:
  struct Slot {
    StateKey key;
    std::int64_t touched_ns = 0;
    std::int64_t expires_ns = 0;
    bool used = false;
    Value value{};
  };

  static void touch(Slot& s, std::int64_t now_ns, std::int64_t ttl_ns) {
    s.touched_ns = now_ns;
    if (now_ns + ttl_ns > s.expires_ns) s.expires_ns = now_ns + ttl_ns;
  }
  // Expired entries go first, then the least recently touched.
  static bool better_victim(const Slot& candidate, const Slot& current, std::int64_t now_ns) {
    const bool candidate_expired = candidate.expires_ns < now_ns;
    const bool current_expired = current.expires_ns < now_ns;
    if (candidate_expired != current_expired) return candidate_expired;
    return candidate.touched_ns < current.touched_ns;
  }
  // The slots are found from memory_ each time rather than kept beside it, so a moved table cannot
  // point into memory it no longer owns.
  std::size_t first_slot_of(const StateKey& key) const { return (hash_of(key) % (slot_count_ / ways)) * ways; }
  Slot* set_of(const StateKey& key) { return static_cast<Slot*>(memory_.data()) + first_slot_of(key); }
  const Slot* set_of(const StateKey& key) const {
    return static_cast<const Slot*>(memory_.data()) + first_slot_of(key);
  }

  std::size_t slot_count_;
  core::PageMemory memory_;
  std::uint64_t evictions_ = 0;
};

}  // namespace spanwatch::rules

#pragma once
// IPv4 and IPv6 reassembly in a bounded pool allocated at construction: a tracker table, a hash index
// over it, per-tracker interval lists, and fragment bytes kept in fixed-size blocks. Nothing is
// allocated afterwards. Overlaps are resolved first-wins (bytes already held are kept, like
// Suricata's BSD-like default policy) and reported. A completed datagram is copied into one
// contiguous output buffer, valid until the next call to add().
#include <cstdint>
#include <memory>
#include <vector>

#include "core/bytes.hpp"
#include "core/ip_address.hpp"
#include "core/timestamp.hpp"
#include "decode/decode_anomaly.hpp"
#include "decode/decode_options.hpp"
#include "decode/decode_stats.hpp"

namespace spanwatch::decode {

struct FragmentKey {
  core::IpAddress src;
  core::IpAddress dst;
  std::uint32_t id = 0;
  std::uint16_t vlan[2] = {0, 0};
  std::uint8_t protocol = 0;  // IPv4 protocol field; 0 for IPv6 (RFC 8200 keys on src, dst, id)
  std::uint8_t version = 4;

  bool operator==(const FragmentKey&) const = default;
};

struct Fragment {
  FragmentKey key;
  core::Timestamp ts;
  std::uint32_t offset = 0;  // bytes from the start of the fragmentable part
  core::Bytes data;
  bool more = false;           // more-fragments flag
  std::uint8_t next_protocol = 0;  // protocol / next header of the fragmentable part (used from offset 0)
  std::uint8_t ttl = 0;
};

enum class DefragOutcome : std::uint8_t { held, complete, dropped };

struct DefragResult {
  DefragOutcome outcome = DefragOutcome::held;
  DecodeAnomaly anomaly = DecodeAnomaly::none;
  core::Bytes datagram;  // on complete: the fragmentable part, put together
  std::uint8_t next_protocol = 0;
  std::uint8_t ttl = 0;
};

class Defragmenter {
 public:
  explicit Defragmenter(const DefragOptions& options);
  Defragmenter(const Defragmenter&) = delete;
  Defragmenter& operator=(const Defragmenter&) = delete;

  // The caller has checked offset + size <= 65535 (frag_pkt_too_large) before.
  DefragResult add(const Fragment& fragment, DefragStats& stats);
  // Drops trackers idle for the timeout or longer.
  void expire(core::Timestamp now, DefragStats& stats);
  std::uint32_t active_trackers() const { return active_; }

  static constexpr std::uint32_t block_size = 2048;
  static constexpr std::uint32_t max_datagram = 65535;
  static constexpr std::uint32_t blocks_per_tracker = (max_datagram + block_size) / block_size;

 private:
  static constexpr std::uint32_t npos = 0xffffffffu;
  struct Interval {
    std::uint16_t begin;
    std::uint16_t end;  // exclusive; ≤ 65535 by the caller's check
  };
  struct Tracker {
    FragmentKey key;
    core::Timestamp last_seen;
    std::uint32_t hash = 0;
    std::uint32_t hash_next = npos;
    std::uint32_t lru_prev = npos;
    std::uint32_t lru_next = npos;
    std::uint32_t total_length = 0;
    std::uint16_t interval_count = 0;
    std::uint16_t fragment_count = 0;
    bool total_known = false;
    bool have_first = false;
    std::uint8_t next_protocol = 0;
    std::uint8_t ttl = 0;
  };

  std::uint32_t hash_of(const FragmentKey& key) const;
  std::uint32_t find(const FragmentKey& key, std::uint32_t hash) const;
  std::uint32_t acquire(const Fragment& fragment, std::uint32_t hash, DefragStats& stats);
  void release(std::uint32_t index, DefragStats& stats);
  void lru_unlink(std::uint32_t index);
  void lru_push_back(std::uint32_t index);
  DecodeAnomaly anomaly(const Tracker& t, DecodeAnomaly v4, DecodeAnomaly v6) const;
  // Copies the bytes of [begin, end) that no earlier fragment supplied; false when storage ran out.
  bool store(std::uint32_t index, std::uint32_t begin, const std::uint8_t* data, std::uint32_t size,
             DefragStats& stats);
  bool copy_range(std::uint32_t index, std::uint32_t begin, const std::uint8_t* data, std::uint32_t size,
                  DefragStats& stats);
  void add_interval(Tracker& t, std::uint32_t index, std::uint32_t begin, std::uint32_t end);
  core::Bytes assemble(std::uint32_t index);

  DefragOptions options_;
  std::vector<Tracker> trackers_;
  std::vector<std::uint32_t> buckets_;  // hash → first tracker index
  std::uint32_t bucket_mask_ = 0;
  std::vector<Interval> intervals_;     // max_fragments_per_datagram per tracker, sorted and merged
  std::vector<std::uint32_t> tracker_blocks_;  // blocks_per_tracker per tracker, npos when unused
  std::vector<std::uint32_t> free_blocks_;     // a stack of free block indices
  std::uint32_t free_block_count_ = 0;
  std::unique_ptr<std::uint8_t[]> block_storage_;
  std::uint32_t free_tracker_ = npos;  // free trackers chained through hash_next
  std::uint32_t lru_head_ = npos;      // least recently seen
  std::uint32_t lru_tail_ = npos;
  std::uint32_t active_ = 0;
  std::unique_ptr<std::uint8_t[]> output_;  // the last completed datagram
};

}  // namespace spanwatch::decode

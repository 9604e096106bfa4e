#include "decode/defragmenter.hpp"

#include <algorithm>
#include <cstring>

namespace spanwatch::decode {

namespace {

std::uint32_t round_up_power_of_two(std::uint32_t n) {
  std::uint32_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

std::uint64_t load64(const std::uint8_t* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace

Defragmenter::Defragmenter(const DefragOptions& options) : options_(options) {
  // Interval counts are 16-bit and a datagram holds at most 8192 eight-byte units.
  options_.max_fragments_per_datagram = std::min<std::uint32_t>(options_.max_fragments_per_datagram, 8192);
  const std::uint32_t tracker_count = options_.max_trackers;
  trackers_.resize(tracker_count);
  intervals_.resize(static_cast<std::size_t>(tracker_count) * options_.max_fragments_per_datagram);
  tracker_blocks_.assign(static_cast<std::size_t>(tracker_count) * blocks_per_tracker, npos);
  const std::uint32_t bucket_count = round_up_power_of_two(std::max<std::uint32_t>(2 * tracker_count, 2));
  buckets_.assign(bucket_count, npos);
  bucket_mask_ = bucket_count - 1;
  for (std::uint32_t i = tracker_count; i-- > 0;) {
    trackers_[i].hash_next = free_tracker_;
    free_tracker_ = i;
  }
  const std::size_t block_count = options_.memcap_bytes / block_size;
  free_blocks_.resize(block_count);
  for (std::size_t i = 0; i < block_count; ++i) free_blocks_[i] = static_cast<std::uint32_t>(block_count - 1 - i);
  free_block_count_ = static_cast<std::uint32_t>(block_count);
  // Left uninitialised on purpose: pages are touched only when fragments arrive.
  block_storage_ = std::make_unique_for_overwrite<std::uint8_t[]>(block_count * block_size);
  output_ = std::make_unique_for_overwrite<std::uint8_t[]>(max_datagram);
}

std::uint32_t Defragmenter::hash_of(const FragmentKey& key) const {
  std::uint64_t h = 0x9e3779b97f4a7c15ull ^ key.version;
  const auto mix = [&h](std::uint64_t v) {
    h ^= v;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  };
  mix(load64(key.src.data()));
  mix(load64(key.src.data() + 8));
  mix(load64(key.dst.data()));
  mix(load64(key.dst.data() + 8));
  mix((std::uint64_t{key.id} << 32) | (std::uint64_t{key.vlan[0]} << 16) | key.vlan[1]);
  mix(key.protocol);
  return static_cast<std::uint32_t>(h);
}

std::uint32_t Defragmenter::find(const FragmentKey& key, std::uint32_t hash) const {
  for (std::uint32_t i = buckets_[hash & bucket_mask_]; i != npos; i = trackers_[i].hash_next) {
    if (trackers_[i].hash == hash && trackers_[i].key == key) return i;
  }
  return npos;
}

void Defragmenter::lru_unlink(std::uint32_t index) {
  Tracker& t = trackers_[index];
  if (t.lru_prev != npos) trackers_[t.lru_prev].lru_next = t.lru_next;
  else lru_head_ = t.lru_next;
  if (t.lru_next != npos) trackers_[t.lru_next].lru_prev = t.lru_prev;
  else lru_tail_ = t.lru_prev;
  t.lru_prev = t.lru_next = npos;
}

void Defragmenter::lru_push_back(std::uint32_t index) {
  Tracker& t = trackers_[index];
  t.lru_prev = lru_tail_;
  t.lru_next = npos;
  if (lru_tail_ != npos) trackers_[lru_tail_].lru_next = index;
  else lru_head_ = index;
  lru_tail_ = index;
}

std::uint32_t Defragmenter::acquire(const Fragment& fragment, std::uint32_t hash, DefragStats& stats) {
  if (free_tracker_ == npos && lru_head_ != npos &&
      core::seconds_between(trackers_[lru_head_].last_seen, fragment.ts) >= options_.timeout_seconds) {
    // The oldest tracker has timed out already: reuse it rather than refuse the new datagram.
    const std::uint32_t oldest = lru_head_;
    ++(trackers_[oldest].key.version == 4 ? stats.ipv4_timeouts : stats.ipv6_timeouts);
    release(oldest, stats);
  }
  if (free_tracker_ == npos) {
    ++stats.max_trackers_reached;
    return npos;
  }
  const std::uint32_t index = free_tracker_;
  Tracker& t = trackers_[index];
  free_tracker_ = t.hash_next;
  t = Tracker{};
  t.key = fragment.key;
  t.hash = hash;
  t.hash_next = buckets_[hash & bucket_mask_];
  buckets_[hash & bucket_mask_] = index;
  lru_push_back(index);
  ++active_;
  return index;
}

void Defragmenter::release(std::uint32_t index, DefragStats& stats) {
  Tracker& t = trackers_[index];
  std::uint32_t* blocks = &tracker_blocks_[static_cast<std::size_t>(index) * blocks_per_tracker];
  for (std::uint32_t i = 0; i < blocks_per_tracker; ++i) {
    if (blocks[i] == npos) continue;
    free_blocks_[free_block_count_++] = blocks[i];
    blocks[i] = npos;
    stats.memuse -= block_size;
  }
  std::uint32_t* link = &buckets_[t.hash & bucket_mask_];
  while (*link != index) link = &trackers_[*link].hash_next;
  *link = t.hash_next;
  lru_unlink(index);
  t.hash_next = free_tracker_;
  free_tracker_ = index;
  --active_;
}

DecodeAnomaly Defragmenter::anomaly(const Tracker& t, DecodeAnomaly v4, DecodeAnomaly v6) const {
  return t.key.version == 4 ? v4 : v6;
}

bool Defragmenter::copy_range(std::uint32_t index, std::uint32_t begin, const std::uint8_t* data, std::uint32_t size,
                              DefragStats& stats) {
  std::uint32_t* blocks = &tracker_blocks_[static_cast<std::size_t>(index) * blocks_per_tracker];
  while (size > 0) {
    const std::uint32_t slot = begin / block_size;
    const std::uint32_t within = begin % block_size;
    const std::uint32_t n = std::min(size, block_size - within);
    if (blocks[slot] == npos) {
      if (free_block_count_ == 0) return false;
      blocks[slot] = free_blocks_[--free_block_count_];
      stats.memuse += block_size;
    }
    std::memcpy(&block_storage_[static_cast<std::size_t>(blocks[slot]) * block_size + within], data, n);
    begin += n;
    data += n;
    size -= n;
  }
  return true;
}

void Defragmenter::add_interval(Tracker& t, std::uint32_t index, std::uint32_t begin, std::uint32_t end) {
  Interval* list = &intervals_[static_cast<std::size_t>(index) * options_.max_fragments_per_datagram];
  std::uint32_t at = 0;
  while (at < t.interval_count && list[at].begin < begin) ++at;
  std::copy_backward(list + at, list + t.interval_count, list + t.interval_count + 1);
  list[at] = {static_cast<std::uint16_t>(begin), static_cast<std::uint16_t>(end)};
  ++t.interval_count;
  // Merge touching or overlapping neighbours so a complete datagram is a single [0, total) interval.
  std::uint32_t out = 0;
  for (std::uint32_t i = 1; i < t.interval_count; ++i) {
    if (list[i].begin <= list[out].end) {
      list[out].end = std::max(list[out].end, list[i].end);
    } else {
      list[++out] = list[i];
    }
  }
  t.interval_count = static_cast<std::uint16_t>(out + 1);
}

bool Defragmenter::store(std::uint32_t index, std::uint32_t begin, const std::uint8_t* data, std::uint32_t size,
                         DefragStats& stats) {
  // First wins: only the gaps between bytes already held are copied.
  const Tracker& t = trackers_[index];
  const Interval* list = &intervals_[static_cast<std::size_t>(index) * options_.max_fragments_per_datagram];
  const std::uint32_t end = begin + size;
  std::uint32_t cursor = begin;
  for (std::uint32_t i = 0; i < t.interval_count && cursor < end; ++i) {
    if (list[i].end <= cursor) continue;
    if (list[i].begin >= end) break;
    if (list[i].begin > cursor &&
        !copy_range(index, cursor, data + (cursor - begin), list[i].begin - cursor, stats)) {
      return false;
    }
    cursor = std::max<std::uint32_t>(cursor, list[i].end);
  }
  if (cursor < end && !copy_range(index, cursor, data + (cursor - begin), end - cursor, stats)) return false;
  return true;
}

core::Bytes Defragmenter::assemble(std::uint32_t index) {
  const Tracker& t = trackers_[index];
  const std::uint32_t* blocks = &tracker_blocks_[static_cast<std::size_t>(index) * blocks_per_tracker];
  for (std::uint32_t at = 0; at < t.total_length; at += block_size) {
    const std::uint32_t n = std::min(block_size, t.total_length - at);
    std::memcpy(&output_[at], &block_storage_[static_cast<std::size_t>(blocks[at / block_size]) * block_size], n);
  }
  return {output_.get(), t.total_length};
}

DefragResult Defragmenter::add(const Fragment& fragment, DefragStats& stats) {
  DefragResult result;
  ++(fragment.key.version == 4 ? stats.ipv4_fragments : stats.ipv6_fragments);
  const auto ignored = [&result, &fragment] {
    result.outcome = DefragOutcome::dropped;
    result.anomaly =
        fragment.key.version == 4 ? DecodeAnomaly::ipv4_frag_ignored : DecodeAnomaly::ipv6_frag_ignored;
    return result;
  };
  const auto size = static_cast<std::uint32_t>(fragment.data.size());
  const std::uint32_t begin = fragment.offset;
  const std::uint32_t end = begin + size;
  if (size == 0 || end > max_datagram) return ignored();

  const std::uint32_t hash = hash_of(fragment.key);
  std::uint32_t index = find(fragment.key, hash);
  if (index == npos) index = acquire(fragment, hash, stats);
  if (index == npos) return ignored();
  Tracker& t = trackers_[index];
  t.last_seen = fragment.ts;
  lru_unlink(index);
  lru_push_back(index);

  // A fragment that contradicts the datagram length already known is dropped; the tracker goes on.
  const Interval* list = &intervals_[static_cast<std::size_t>(index) * options_.max_fragments_per_datagram];
  if (!fragment.more) {
    const bool data_beyond = t.interval_count > 0 && list[t.interval_count - 1].end > end;
    if ((t.total_known && t.total_length != end) || data_beyond) return ignored();
  } else if (t.total_known && end > t.total_length) {
    return ignored();
  }
  if (t.fragment_count >= options_.max_fragments_per_datagram) {
    ++stats.max_frags_reached;
    release(index, stats);
    return ignored();
  }

  bool overlap = false;
  for (std::uint32_t i = 0; i < t.interval_count; ++i) {
    if (list[i].begin < end && list[i].end > begin) {
      overlap = true;
      break;
    }
  }
  if (!store(index, begin, fragment.data.data(), size, stats)) {
    ++stats.memcap_reached;
    release(index, stats);
    return ignored();
  }
  ++t.fragment_count;
  add_interval(t, index, begin, end);
  if (!fragment.more) {
    t.total_known = true;
    t.total_length = end;
  }
  if (begin == 0 && !t.have_first) {
    t.have_first = true;
    t.next_protocol = fragment.next_protocol;
    t.ttl = fragment.ttl;
  }
  if (overlap) result.anomaly = anomaly(t, DecodeAnomaly::ipv4_frag_overlap, DecodeAnomaly::ipv6_frag_overlap);

  if (t.total_known && t.interval_count == 1 && list[0].begin == 0 && list[0].end == t.total_length) {
    result.outcome = DefragOutcome::complete;
    result.datagram = assemble(index);
    result.next_protocol = t.next_protocol;
    result.ttl = t.ttl;
    ++(t.key.version == 4 ? stats.ipv4_reassembled : stats.ipv6_reassembled);
    release(index, stats);
  }
  return result;
}

void Defragmenter::expire(core::Timestamp now, DefragStats& stats) {
  while (lru_head_ != npos &&
         core::seconds_between(trackers_[lru_head_].last_seen, now) >= options_.timeout_seconds) {
    const std::uint32_t oldest = lru_head_;
    ++(trackers_[oldest].key.version == 4 ? stats.ipv4_timeouts : stats.ipv6_timeouts);
    release(oldest, stats);
  }
}

}  // namespace spanwatch::decode

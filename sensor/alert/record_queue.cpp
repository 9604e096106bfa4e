#include "alert/record_queue.hpp"

#include <chrono>
#include <cstring>
#include <thread>
#include <type_traits>

namespace spanwatch::alert {
namespace {

// A slot: this header, then the strings back to back, padded to 8 bytes. A slot never wraps
// around the ring's end: when it would, a padding slot (kind == padding) fills the end instead.
enum class SlotKind : std::uint32_t { padding = 0, record = 1, alert = 2 };

struct SlotHeader {
  std::uint32_t size;  // of the whole slot, padded
  SlotKind kind;
  core::Timestamp timestamp;
  std::uint32_t event_type_size;
  std::uint32_t line_size;
  // Alerts only.
  std::uint32_t signature_id;
  std::uint32_t rev;
  core::IpAddress src_ip;
  core::IpAddress dest_ip;
  std::uint16_t src_port;
  std::uint16_t dest_port;
  std::uint8_t severity;
  std::uint8_t text_sizes[5];  // signature, category, app_proto, proto, community_id (each <= 255)
};
static_assert(std::is_trivially_copyable_v<SlotHeader>);

constexpr std::size_t align8(std::size_t n) { return (n + 7) & ~std::size_t{7}; }
constexpr std::size_t short_text_limit = 255;

std::size_t round_up_power_of_two(std::size_t n) {
  std::size_t p = 4096;
  while (p < n) p <<= 1;
  return p;
}

std::string_view clip(std::string_view text) { return text.substr(0, short_text_limit); }

}  // namespace

RecordQueue::RecordQueue(RecordQueueOptions options)
    : options_(options), mask_(round_up_power_of_two(options.bytes) - 1),
      ring_memory_(mask_ + 1),  // pages faulted in ahead of the producer's first lap (write())
      ring_(static_cast<std::byte*>(ring_memory_.data())) {}

std::size_t RecordQueue::free_bytes(std::size_t head) {
  return capacity() - (head - tail_cache_);
}

bool RecordQueue::write(const Record& record) {
  std::string_view texts[5];
  if (record.alert != nullptr) {
    const AlertSummary& a = *record.alert;
    texts[0] = clip(a.signature);
    texts[1] = clip(a.category);
    texts[2] = clip(a.app_proto);
    texts[3] = clip(a.proto);
    texts[4] = clip(a.community_id);
  }
  std::size_t payload = record.event_type.size() + record.line.size();
  for (const auto& text : texts) payload += text.size();
  const std::size_t size = align8(sizeof(SlotHeader) + payload);
  if (size > capacity() / 2) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }

  const std::size_t head = head_.load(std::memory_order_relaxed);
  const std::size_t offset = head & mask_;
  const std::size_t to_end = capacity() - offset;
  const std::size_t needed = size <= to_end ? size : to_end + size;  // a padding slot first
  bool waited = false;
  while (free_bytes(head) < needed) {
    tail_cache_ = tail_.load(std::memory_order_acquire);
    if (free_bytes(head) >= needed) break;
    if (options_.when_full == FullQueuePolicy::drop) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    if (!waited) waits_.fetch_add(1, std::memory_order_relaxed);
    waited = true;
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }

  std::size_t at = head;
  if (size > to_end) {
    // Only the first 8 bytes (size, kind): to_end may be shorter than a whole header.
    const std::uint32_t padding[2] = {static_cast<std::uint32_t>(to_end), static_cast<std::uint32_t>(SlotKind::padding)};
    std::memcpy(ring_ + offset, padding, sizeof padding);
    at += to_end;
  }
  SlotHeader header{};
  header.size = static_cast<std::uint32_t>(size);
  header.kind = record.alert != nullptr ? SlotKind::alert : SlotKind::record;
  header.timestamp = record.timestamp;
  header.event_type_size = static_cast<std::uint32_t>(record.event_type.size());
  header.line_size = static_cast<std::uint32_t>(record.line.size());
  if (record.alert != nullptr) {
    const AlertSummary& a = *record.alert;
    header.signature_id = a.signature_id;
    header.rev = a.rev;
    header.src_ip = a.src_ip;
    header.dest_ip = a.dest_ip;
    header.src_port = a.src_port;
    header.dest_port = a.dest_port;
    header.severity = a.severity;
    for (std::size_t i = 0; i < 5; ++i) header.text_sizes[i] = static_cast<std::uint8_t>(texts[i].size());
  }
  // The first time round, the ring's next pages are faulted in ahead of the producer.
  ring_memory_.prefault_ahead(at + size);
  std::byte* out = ring_ + (at & mask_);
  std::memcpy(out, &header, sizeof header);
  std::byte* cursor = out + sizeof header;
  auto append = [&cursor](std::string_view text) {
    if (!text.empty()) std::memcpy(cursor, text.data(), text.size());
    cursor += text.size();
  };
  append(record.event_type);
  append(record.line);
  for (const auto& text : texts) append(text);
  head_.store(at + size, std::memory_order_release);
  written_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

std::size_t RecordQueue::peek(Record& record, AlertSummary& alert) {
  std::size_t tail = tail_.load(std::memory_order_relaxed);
  const std::size_t head = head_.load(std::memory_order_acquire);
  if (tail == head) return 0;
  std::uint32_t first[2];  // size, kind
  std::memcpy(first, ring_ + (tail & mask_), sizeof first);
  if (static_cast<SlotKind>(first[1]) == SlotKind::padding) {
    tail += first[0];
    tail_.store(tail, std::memory_order_release);
    if (tail == head) return 0;
  }
  SlotHeader header;
  std::memcpy(&header, ring_ + (tail & mask_), sizeof header);
  const char* cursor = reinterpret_cast<const char*>(ring_ + (tail & mask_) + sizeof header);
  auto take = [&cursor](std::size_t size) {
    const std::string_view text(cursor, size);
    cursor += size;
    return text;
  };
  record.event_type = take(header.event_type_size);
  record.timestamp = header.timestamp;
  record.line = take(header.line_size);
  record.alert = nullptr;
  if (header.kind == SlotKind::alert) {
    alert.signature_id = header.signature_id;
    alert.rev = header.rev;
    alert.severity = header.severity;
    alert.src_ip = header.src_ip;
    alert.dest_ip = header.dest_ip;
    alert.src_port = header.src_port;
    alert.dest_port = header.dest_port;
    alert.signature = take(header.text_sizes[0]);
    alert.category = take(header.text_sizes[1]);
    alert.app_proto = take(header.text_sizes[2]);
    alert.proto = take(header.text_sizes[3]);
    alert.community_id = take(header.text_sizes[4]);
    record.alert = &alert;
  }
  return header.size;
}

void RecordQueue::release(std::size_t size) {
  tail_.store(tail_.load(std::memory_order_relaxed) + size, std::memory_order_release);
}

}  // namespace spanwatch::alert

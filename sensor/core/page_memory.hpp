#pragma once
// Anonymous memory for the sensor's large arrays: reserved whole up front, backed by the kernel only
// where it is first touched, and zero there (so an array of types whose all-zero bytes are a valid
// empty value needs no start-up pass). A page fault is the dearest thing these arrays cost: under a
// hypervisor one measured 12 us per 4 KiB page, so the memory asks for transparent huge pages, which
// the kernel then faults 2 MiB at a time where it is configured to (`madvise` mode included). The
// arrays are filled front to back (flow records, the output ring) or soon touched all over (the rule
// state tables, keyed per flow among others), so the 2 MiB granule costs little resident memory.
#include <cstddef>

namespace spanwatch::core {

class PageMemory {
 public:
  PageMemory() = default;
  // Throws std::bad_alloc when the address space cannot be reserved. `bytes` may be 0.
  explicit PageMemory(std::size_t bytes);
  PageMemory(PageMemory&& other) noexcept;
  PageMemory& operator=(PageMemory&& other) noexcept;
  PageMemory(const PageMemory&) = delete;
  PageMemory& operator=(const PageMemory&) = delete;
  ~PageMemory();

  void* data() const { return data_; }
  std::size_t bytes() const { return bytes_; }

  // For memory used front to back: keeps the next prefault_step bytes after `used_bytes` being
  // faulted in ahead of use on the background thread (core::prefault_async). Cheap enough to call
  // on every use; `used_bytes` may pass bytes() (a ring going round).
  void prefault_ahead(std::size_t used_bytes) {
    if (prefaulted_ < bytes_ && used_bytes + prefault_step > prefaulted_) request_prefault(used_bytes);
  }
  static constexpr std::size_t prefault_step = std::size_t{2} << 20;  // one huge page

 private:
  void request_prefault(std::size_t used_bytes);

  void* mapping_ = nullptr;  // what mmap returned (longer than bytes_ when aligned for huge pages)
  std::size_t mapping_bytes_ = 0;
  void* data_ = nullptr;
  std::size_t bytes_ = 0;
  std::size_t prefaulted_ = 0;  // bytes from the start already asked for
};

}  // namespace spanwatch::core

#include "core/page_memory.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <new>
#include <utility>

#include "core/page_prefaulter.hpp"

namespace spanwatch::core {
namespace {

constexpr std::size_t huge_page_bytes = std::size_t{2} << 20;

}  // namespace

PageMemory::PageMemory(std::size_t bytes) : bytes_(bytes) {
  if (bytes == 0) return;
  // Huge pages only fill 2 MiB-aligned stretches: reserve one more so the array can start on one.
  const bool huge = bytes >= huge_page_bytes;
  mapping_bytes_ = huge ? bytes + huge_page_bytes : bytes;
  mapping_ = ::mmap(nullptr, mapping_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mapping_ == MAP_FAILED) {
    mapping_ = nullptr;
    throw std::bad_alloc();
  }
  data_ = mapping_;
  start_prefaulter();  // here, so that prefault_ahead never allocates
  if (huge) {
    const auto start = reinterpret_cast<std::uintptr_t>(mapping_);
    data_ = reinterpret_cast<void*>((start + huge_page_bytes - 1) & ~(huge_page_bytes - 1));
    // Advice only: a kernel without transparent huge pages (or with them off) refuses it, and the
    // memory works the same in small pages.
    ::madvise(data_, bytes, MADV_HUGEPAGE);
  }
}

PageMemory::PageMemory(PageMemory&& other) noexcept
    : mapping_(std::exchange(other.mapping_, nullptr)),
      mapping_bytes_(std::exchange(other.mapping_bytes_, 0)),
      data_(std::exchange(other.data_, nullptr)),
      bytes_(std::exchange(other.bytes_, 0)),
      prefaulted_(std::exchange(other.prefaulted_, 0)) {}

PageMemory& PageMemory::operator=(PageMemory&& other) noexcept {
  if (this != &other) {
    if (mapping_ != nullptr) ::munmap(mapping_, mapping_bytes_);
    mapping_ = std::exchange(other.mapping_, nullptr);
    mapping_bytes_ = std::exchange(other.mapping_bytes_, 0);
    data_ = std::exchange(other.data_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
    prefaulted_ = std::exchange(other.prefaulted_, 0);
  }
  return *this;
}

void PageMemory::request_prefault(std::size_t used_bytes) {
  // Steps start at multiples of prefault_step from a page-aligned start: madvise takes them as they are.
  while (prefaulted_ < bytes_ && used_bytes + prefault_step > prefaulted_) {
    const std::size_t length = std::min(prefault_step, bytes_ - prefaulted_);
    prefault_async(static_cast<char*>(data_) + prefaulted_, length);
    prefaulted_ += length;
  }
}

PageMemory::~PageMemory() {
  if (mapping_ != nullptr) ::munmap(mapping_, mapping_bytes_);
}

}  // namespace spanwatch::core

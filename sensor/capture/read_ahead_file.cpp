#include "capture/read_ahead_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace spanwatch::capture {

ReadAheadFile::ReadAheadFile(int fd)
    : fd_(fd), memory_(std::make_unique_for_overwrite<std::uint8_t[]>(block_count * block_bytes)) {
  try {
    reader_ = std::thread([this] { reader_loop(); });
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

ReadAheadFile::~ReadAheadFile() {
  stop_.store(true, std::memory_order_release);
  // Wakes a reader waiting for a free block; it sees stop_ and ends (nothing reads the blocks now).
  released_.fetch_add(block_count, std::memory_order_release);
  released_.notify_all();
  reader_.join();
  ::close(fd_);
}

std::FILE* ReadAheadFile::open_stream(char* buffer, std::size_t size) {
  const cookie_io_functions_t functions{&ReadAheadFile::read_cookie, nullptr, &ReadAheadFile::seek_cookie,
                                        &ReadAheadFile::close_cookie};
  std::FILE* stream = ::fopencookie(this, "rb", functions);
  // Buffered, not unbuffered: glibc serves a cookie FILE's fread byte by byte through its buffer
  // when it has none (20 times slower). The buffer also keeps FileLookahead working as it does on
  // a plain FILE.
  if (stream != nullptr) std::setvbuf(stream, buffer, _IOFBF, size);
  return stream;
}

ssize_t ReadAheadFile::read_cookie(void* cookie, char* buffer, std::size_t size) {
  auto& self = *static_cast<ReadAheadFile*>(cookie);
  const std::size_t copied = self.read(buffer, size);
  if (copied == 0 && self.current_error_ != 0) {
    errno = self.current_error_;
    return -1;
  }
  return static_cast<ssize_t>(copied);
}

int ReadAheadFile::seek_cookie(void* cookie, off64_t* offset, int whence) {
  if (whence != SEEK_CUR || *offset != 0) {
    errno = ESPIPE;
    return -1;
  }
  *offset = static_cast<off64_t>(static_cast<ReadAheadFile*>(cookie)->handed_out_);
  return 0;
}

int ReadAheadFile::close_cookie(void*) { return 0; }

std::size_t ReadAheadFile::read(char* buffer, std::size_t size) {
  std::size_t copied = 0;
  while (copied < size) {
    if (position_in_block_ == current_size_) {
      if (current_last_) break;
      next_block();
      continue;
    }
    const std::size_t n = std::min(size - copied, current_size_ - position_in_block_);
    std::memcpy(buffer + copied, current_ + position_in_block_, n);
    position_in_block_ += n;
    copied += n;
  }
  handed_out_ += copied;
  return copied;
}

void ReadAheadFile::next_block() {
  if (current_ != nullptr) {
    released_.store(consumed_blocks_, std::memory_order_release);
    released_.notify_one();
  }
  std::uint64_t filled = filled_.load(std::memory_order_acquire);
  while (filled <= consumed_blocks_) {
    filled_.wait(filled, std::memory_order_acquire);
    filled = filled_.load(std::memory_order_acquire);
  }
  const std::size_t slot = consumed_blocks_ % block_count;
  current_ = memory_.get() + slot * block_bytes;
  current_size_ = blocks_[slot].size;
  current_last_ = blocks_[slot].last;
  current_error_ = blocks_[slot].error;
  position_in_block_ = 0;
  ++consumed_blocks_;
}

void ReadAheadFile::reader_loop() {
  for (std::uint64_t block = 0;; ++block) {
    std::uint64_t released = released_.load(std::memory_order_acquire);
    while (block - released >= block_count && !stop_.load(std::memory_order_acquire)) {
      released_.wait(released, std::memory_order_acquire);
      released = released_.load(std::memory_order_acquire);
    }
    if (stop_.load(std::memory_order_acquire)) return;
    const std::size_t slot = block % block_count;
    std::uint8_t* data = memory_.get() + slot * block_bytes;
    BlockState state;
    // A block is filled whole (a regular file's read() is short only at its end), so consecutive
    // blocks hold consecutive file bytes.
    while (state.size < block_bytes) {
      const ssize_t n = ::read(fd_, data + state.size, block_bytes - state.size);
      if (n > 0) {
        state.size += static_cast<std::size_t>(n);
      } else if (n == 0) {
        state.last = true;
        break;
      } else if (errno != EINTR) {
        state.last = true;
        state.error = errno;
        break;
      }
    }
    blocks_[slot] = state;
    filled_.store(block + 1, std::memory_order_release);
    filled_.notify_one();
    if (state.last) return;
  }
}

}  // namespace spanwatch::capture

#pragma once
// Offline only: a capture file read by a thread of its own into a ring of blocks (4 x 512 KiB),
// ahead of the packet thread, and handed to libpcap as a FILE (fopencookie) whose buffer is refilled
// from those blocks. Reading the file through stdio made the packet thread wait in read() while the
// kernel copied every megabyte out of the page cache: most of a bare pcap_next_ex loop's time. Here
// that system call and copy run on the reader thread (on another core when there is one), and the
// packet thread's refill is a memcpy from a block that is already there.
//
// Regular files only: a read() of one never waits on anybody, so stopping the reader is prompt.
// One consumer: the FILE is read by the thread that dispatches the capture.
#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <thread>

namespace spanwatch::capture {

class ReadAheadFile {
 public:
  static constexpr std::size_t block_bytes = std::size_t{512} << 10;
  static constexpr std::size_t block_count = 4;

  // Takes `fd` (an open regular file, read from its current offset) and starts the reader thread.
  explicit ReadAheadFile(int fd);
  ReadAheadFile(const ReadAheadFile&) = delete;
  ReadAheadFile& operator=(const ReadAheadFile&) = delete;
  // Stops the reader thread and closes the descriptor. Close the stream first.
  ~ReadAheadFile();

  // A read-only FILE over the blocks, buffered in `buffer` (nullptr if the C library refuses one).
  // Closing it (pcap_close does) leaves this object alone.
  std::FILE* open_stream(char* buffer, std::size_t size);

 private:
  struct BlockState {
    std::size_t size = 0;
    bool last = false;  // end of file or a read error after these bytes
    int error = 0;      // errno of that read error, 0 at end of file
  };

  static ssize_t read_cookie(void* cookie, char* buffer, std::size_t size);
  // Answers ftell's question only (where the reads are: at the bytes handed to the FILE so far);
  // any real seek fails with ESPIPE, as on a pipe.
  static int seek_cookie(void* cookie, off64_t* offset, int whence);
  static int close_cookie(void* cookie);
  std::size_t read(char* buffer, std::size_t size);
  // Consumer: gives the current block back (if any) and waits for the next one.
  void next_block();
  void reader_loop();

  int fd_;
  std::unique_ptr<std::uint8_t[]> memory_;  // block_count blocks of block_bytes, back to back
  BlockState blocks_[block_count];
  // Blocks the reader has filled, and blocks the consumer has given back, since the start: block
  // n lives at memory_ + (n % block_count) * block_bytes.
  alignas(64) std::atomic<std::uint64_t> filled_{0};
  alignas(64) std::atomic<std::uint64_t> released_{0};
  std::atomic<bool> stop_{false};

  // Consumer state.
  std::uint64_t consumed_blocks_ = 0;  // blocks taken by the consumer (the current one included)
  const std::uint8_t* current_ = nullptr;
  std::size_t current_size_ = 0;
  std::size_t position_in_block_ = 0;
  bool current_last_ = false;
  int current_error_ = 0;
  std::uint64_t handed_out_ = 0;

  std::thread reader_;
};

}  // namespace spanwatch::capture

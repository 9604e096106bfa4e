#pragma once
// The EVE log file: lines appended into a large user-space buffer and handed to the kernel with
// write(2) on an O_APPEND descriptor when the buffer fills or flush() is called. A failed write
// (disk full, EIO) is counted, its lines are dropped and it is logged once per outage (and at most
// once per failure_log_interval); nothing here throws and nothing is fatal, so capture goes on. A
// short write that ended inside a line is cut back (ftruncate) to the last whole line, so the file
// never holds a torn line and the lines written once space returns parse. reopen() serves log
// rotation: with logrotate `create` the renamed file keeps what was written before, the new one
// gets the rest; with `copytruncate` O_APPEND makes the next write land at the truncated file's new
// end.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "alert/record.hpp"

namespace spanwatch::alert {

struct EveFileOptions {
  std::size_t buffer_bytes = 1 << 20;  // also the longest line accepted (minus its newline)
  unsigned file_mode = 0640;           // for a file open() creates
  // A new outage this soon after the last one that was logged is counted (unlogged_outages) but not
  // logged: a disk hovering at full must not flood the journal. Zero: log every outage.
  std::chrono::seconds failure_log_interval{60};
};

class EveFile final : public RecordSink {
 public:
  explicit EveFile(EveFileOptions options = {});
  ~EveFile();  // flushes and closes
  EveFile(const EveFile&) = delete;
  EveFile& operator=(const EveFile&) = delete;

  // Opens `path` for appending (created if missing; the directory must exist). False on failure,
  // with the reason in last_error(); the path is kept so a later flush() or reopen() retries.
  bool open(std::string_view path);
  // Flushes to the current file, closes it and opens the same path again.
  bool reopen();
  // Flushes and closes; later lines are dropped until open().
  void close();
  bool is_open() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }

  // Copies `line` plus '\n' into the buffer, flushing first when it would not fit. A line longer
  // than the buffer is dropped and counted (oversized_lines and dropped_lines).
  void write(std::string_view line);
  // RecordSink: writes the record's line; false when it was dropped.
  bool write(const Record& record) override;
  // Hands every buffered byte to the kernel; false if some were lost (counted, buffer emptied).
  bool flush();

  std::uint64_t written_lines() const { return written_lines_; }  // handed to the kernel whole
  std::uint64_t write_errors() const { return write_errors_; }    // failed write(2)/open(2) attempts
  std::uint64_t dropped_lines() const { return dropped_lines_; }  // lost: errors, no file, oversized
  std::uint64_t oversized_lines() const { return oversized_lines_; }
  std::uint64_t outages() const { return outages_; }  // runs of failures (each ends at a successful write)
  std::uint64_t unlogged_outages() const { return unlogged_outages_; }  // of those, not logged (interval)
  // Short writes whose torn last line was cut back off the file; when that is impossible (not a
  // regular file) the fragment stays and the next bytes start with '\n' instead (fragments_left).
  std::uint64_t fragments_cut() const { return fragments_cut_; }
  std::uint64_t fragments_left() const { return fragments_left_; }
  std::size_t buffered_bytes() const { return used_; }
  int last_error() const { return last_error_; }  // errno of the last failure, 0 if none

 private:
  bool open_descriptor();
  void drop_buffer();
  bool cut_back(std::size_t bytes);
  void report_failure(const char* what, int error);
  void report_recovery();

  EveFileOptions options_;
  std::unique_ptr<char[]> buffer_;
  std::size_t used_ = 0;
  std::uint64_t buffered_lines_ = 0;
  std::string path_;
  int fd_ = -1;
  bool wanted_open_ = false;  // open()/reopen() asked for the file: flush() retries a failed open
  // A failed write left part of a line in a file that cannot be cut back (not a regular file): the
  // next bytes start with '\n' so that the fragment stays one broken line and the lines after it parse.
  bool fragment_in_file_ = false;
  bool separator_at_start_ = false;  // the buffer begins with that '\n'
  bool failing_ = false;         // an outage is in progress
  bool outage_logged_ = false;   // ... and its start was logged (so its end is too)
  bool ever_logged_ = false;
  std::chrono::steady_clock::time_point last_failure_log_{};
  std::uint64_t dropped_at_outage_start_ = 0;
  std::uint64_t outages_ = 0;
  std::uint64_t unlogged_outages_ = 0;
  std::uint64_t unlogged_at_last_log_ = 0;
  std::uint64_t fragments_cut_ = 0;
  std::uint64_t fragments_left_ = 0;
  std::uint64_t written_lines_ = 0;
  std::uint64_t write_errors_ = 0;
  std::uint64_t dropped_lines_ = 0;
  std::uint64_t oversized_lines_ = 0;
  int last_error_ = 0;
};

}  // namespace spanwatch::alert

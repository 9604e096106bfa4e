#include "alert/eve_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <system_error>

#include <spdlog/spdlog.h>

namespace spanwatch::alert {

namespace {

EveFileOptions checked(EveFileOptions options) {
  options.buffer_bytes = std::max<std::size_t>(options.buffer_bytes, 2);  // a newline and one byte
  return options;
}

}  // namespace

EveFile::EveFile(EveFileOptions options) : options_(checked(options)), buffer_(new char[options_.buffer_bytes]) {}

EveFile::~EveFile() { close(); }

bool EveFile::open(std::string_view path) {
  close();
  fragment_in_file_ = false;  // a fragment, if any, stays in the previous file
  path_.assign(path);
  wanted_open_ = true;
  return open_descriptor();
}

bool EveFile::open_descriptor() {
  int fd = -1;
  do {
    fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, options_.file_mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    ++write_errors_;
    report_failure("open", errno);
    return false;
  }
  fd_ = fd;
  return true;
}

bool EveFile::reopen() {
  const bool flushed = flush();
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  fragment_in_file_ = false;  // a fragment, if any, stays in the renamed file
  if (path_.empty()) return false;
  wanted_open_ = true;
  return open_descriptor() && flushed;
}

void EveFile::close() {
  flush();
  wanted_open_ = false;
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

void EveFile::write(std::string_view line) {
  // +2: the newline, and room for the separator after a fragment.
  if (line.size() + 2 > options_.buffer_bytes) {
    ++oversized_lines_;
    ++dropped_lines_;
    return;
  }
  if (used_ + line.size() + 1 > options_.buffer_bytes) flush();
  if (fragment_in_file_ && used_ == 0) {
    buffer_[used_++] = '\n';
    separator_at_start_ = true;
  }
  std::memcpy(buffer_.get() + used_, line.data(), line.size());
  used_ += line.size();
  buffer_[used_++] = '\n';
  ++buffered_lines_;
}

bool EveFile::write(const Record& record) {
  const std::uint64_t dropped_before = dropped_lines_;
  write(record.line);
  return dropped_lines_ == dropped_before;
}

bool EveFile::flush() {
  if (used_ == 0) return true;
  if (fd_ < 0 && (!wanted_open_ || !open_descriptor())) {
    drop_buffer();
    return false;
  }
  std::size_t done = 0;
  int error = 0;
  while (done < used_) {
    const ssize_t n = ::write(fd_, buffer_.get() + done, used_ - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    error = n < 0 ? errno : EIO;  // a zero-byte write of a non-empty buffer makes no progress
    break;
  }
  if (error == 0) {
    written_lines_ += buffered_lines_;
    used_ = 0;
    buffered_lines_ = 0;
    separator_at_start_ = false;
    fragment_in_file_ = false;
    report_recovery();
    return true;
  }
  // Only the failure path counts newlines: lines before the last '\n' that reached the file are
  // whole; the rest of the buffer is lost.
  auto whole = static_cast<std::uint64_t>(std::count(buffer_.get(), buffer_.get() + done, '\n'));
  if (separator_at_start_ && done > 0) --whole;  // that newline ended an earlier fragment, not a line
  whole = std::min(whole, buffered_lines_);
  written_lines_ += whole;
  buffered_lines_ -= whole;
  if (done > 0 && buffer_[done - 1] != '\n') {
    // The write stopped inside a line: cut that fragment back off the file so that it never holds
    // a torn line; if the file cannot be cut, the next bytes start with '\n' instead.
    const char* begin = buffer_.get();
    const char* last_newline =
        std::find(std::make_reverse_iterator(begin + done), std::make_reverse_iterator(begin), '\n').base();
    const auto fragment = static_cast<std::size_t>(begin + done - last_newline);
    fragment_in_file_ = !cut_back(fragment);
    ++(fragment_in_file_ ? fragments_left_ : fragments_cut_);
  } else if (done > 0) {
    fragment_in_file_ = false;
  }
  ++write_errors_;
  report_failure("write", error);
  drop_buffer();
  return false;
}

void EveFile::drop_buffer() {
  dropped_lines_ += buffered_lines_;
  buffered_lines_ = 0;
  used_ = 0;
  separator_at_start_ = false;
}

// Shrinks the file by `bytes` (the torn tail this descriptor just appended). Only a regular file
// can be cut; O_APPEND means our bytes are the file's last ones.
bool EveFile::cut_back(std::size_t bytes) {
  struct stat status {};
  if (fd_ < 0 || ::fstat(fd_, &status) != 0 || !S_ISREG(status.st_mode)) return false;
  if (status.st_size < static_cast<off_t>(bytes)) return false;
  return ::ftruncate(fd_, status.st_size - static_cast<off_t>(bytes)) == 0;
}

void EveFile::report_failure(const char* what, int error) {
  last_error_ = error;
  if (failing_) return;
  failing_ = true;
  ++outages_;
  dropped_at_outage_start_ = dropped_lines_;
  const auto now = std::chrono::steady_clock::now();
  outage_logged_ = !ever_logged_ || now - last_failure_log_ >= options_.failure_log_interval;
  if (!outage_logged_) {
    ++unlogged_outages_;
    return;
  }
  ever_logged_ = true;
  last_failure_log_ = now;
  const std::uint64_t unlogged = unlogged_outages_ - unlogged_at_last_log_;
  unlogged_at_last_log_ = unlogged_outages_;
  spdlog::error("eve: {} of {} failed: {}; dropping lines until it works again (counted){}", what, path_,
                std::error_code(error, std::generic_category()).message(),
                unlogged == 0 ? std::string() : fmt::format(" ({} shorter outages since the last message)", unlogged));
}

void EveFile::report_recovery() {
  if (!failing_) return;
  failing_ = false;
  if (outage_logged_)
    spdlog::warn("eve: writing {} works again; {} lines were dropped", path_, dropped_lines_ - dropped_at_outage_start_);
}

}  // namespace spanwatch::alert

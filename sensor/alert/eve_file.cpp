#include "alert/eve_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
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
  if (done > 0) fragment_in_file_ = buffer_[done - 1] != '\n';
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

void EveFile::report_failure(const char* what, int error) {
  last_error_ = error;
  if (failing_) return;
  failing_ = true;
  dropped_at_outage_start_ = dropped_lines_;
  spdlog::error("eve: {} of {} failed: {}; dropping lines until it works again (counted)", what, path_,
                std::error_code(error, std::generic_category()).message());
}

void EveFile::report_recovery() {
  if (!failing_) return;
  failing_ = false;
  spdlog::warn("eve: writing {} works again; {} lines were dropped", path_, dropped_lines_ - dropped_at_outage_start_);
}

}  // namespace spanwatch::alert

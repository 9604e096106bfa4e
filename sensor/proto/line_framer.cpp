#include "proto/line_framer.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>

namespace spanwatch::proto {

namespace {
std::function<std::unique_ptr<std::vector<char>>()> buffers_of(std::size_t size) {
  return [size] { return std::make_unique<std::vector<char>>(size); };
}
}  // namespace

LineBuffers::LineBuffers(std::size_t max_line, std::size_t preallocated)
    : short_lines(buffers_of(std::min(short_line_bytes, std::max<std::size_t>(max_line, 1) + 1)), preallocated),
      full_lines(buffers_of(std::max<std::size_t>(max_line, 1) + 1), 0) {}

std::shared_ptr<LineBuffers> make_line_buffers(std::size_t max_line, std::size_t preallocated) {
  return std::make_shared<LineBuffers>(max_line, preallocated);
}

LineFramer::LineFramer(std::size_t max_line, std::shared_ptr<LineBuffers> buffers)
    : max_line_(std::max<std::size_t>(max_line, 1)), buffer_size_(max_line_ + 1),
      buffers_(buffers ? std::move(buffers) : make_line_buffers(max_line_, 0)) {}

LineFramer::~LineFramer() { release(); }

void LineFramer::release() {
  if (buffer_ == nullptr) return;
  (full_buffer_ ? buffers_->full_lines : buffers_->short_lines).give_back(buffer_);
  buffer_ = nullptr;
}

void LineFramer::reset() {
  release();
  used_ = 0;
  buffer_returned_ = false;
  state_ = State::in_line;
  lines_too_long_ = 0;
}

void LineFramer::gap() {
  release();
  used_ = 0;
  buffer_returned_ = false;
  state_ = State::discarding;
}

Line LineFramer::finish(std::string_view text, bool too_long, bool terminated) {
  if (terminated && !text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (too_long) ++lines_too_long_;
  return Line{text, too_long, terminated};
}

void LineFramer::append(std::string_view part) {
  if (buffer_ == nullptr) {
    buffer_ = buffers_->short_lines.take();
    full_buffer_ = false;
  }
  if (!full_buffer_ && used_ + part.size() > buffer_->size() && buffer_->size() < buffer_size_) {
    // Outgrown: the line so far moves to a full-size buffer.
    std::vector<char>* full = buffers_->full_lines.take();
    // Only a pool built for a shorter max_line is short (never the engine's): allocation is then fine.
    if (full->size() < buffer_size_) full->resize(buffer_size_);
    std::memcpy(full->data(), buffer_->data(), used_);
    buffers_->short_lines.give_back(buffer_);
    buffer_ = full;
    full_buffer_ = true;
  }
  const std::size_t n = std::min(part.size(), std::min(buffer_->size(), buffer_size_) - used_);
  std::memcpy(buffer_->data() + used_, part.data(), n);
  used_ += n;
}

bool LineFramer::next(core::Bytes input, std::size_t& offset, Line& line) {
  if (buffer_returned_) {
    used_ = 0;
    buffer_returned_ = false;
  }
  if (used_ == 0) release();  // the last line was delivered (or none was split): hold nothing
  const std::size_t max = max_line_;
  while (offset < input.size()) {
    const std::string_view rest = core::as_chars(input.subspan(offset));
    const std::size_t lf = rest.find('\n');
    if (lf == std::string_view::npos) {
      offset = input.size();
      if (state_ == State::discarding) return false;
      // A CR kept at the cut is fine: it is stripped once the LF arrives.
      const bool ends_in_cr = rest.back() == '\r';
      if (used_ + rest.size() - (ends_in_cr ? 1 : 0) <= max) {
        append(rest);
        return false;
      }
      append(rest.substr(0, max - std::min(max, used_)));  // fills the buffer up to max_line
      state_ = State::discarding;
      buffer_returned_ = true;
      line = finish({buffer_->data(), used_}, true, false);
      return true;
    }
    offset += lf + 1;
    if (state_ == State::discarding) {
      state_ = State::in_line;
      continue;  // the over-long line (or the one a gap cut) was already dealt with
    }
    std::string_view piece = rest.substr(0, lf);
    if (used_ == 0) {
      // A whole line inside this call: a view, no copy. The CR does not count against the limit.
      const std::size_t length = (!piece.empty() && piece.back() == '\r') ? piece.size() - 1 : piece.size();
      if (length > max) {
        line = finish(piece.substr(0, max), true, true);
        return true;
      }
      line = finish(piece, false, true);
      return true;
    }
    const bool overflow = used_ + piece.size() > buffer_size_;
    append(piece);
    const bool ends_in_cr = (*buffer_)[used_ - 1] == '\r';
    const bool too_long = overflow || used_ - (ends_in_cr ? 1 : 0) > max;
    buffer_returned_ = true;
    std::string_view text{buffer_->data(), used_};
    if (too_long) {
      line = finish(text.substr(0, std::min(text.size(), max)), true, true);
      return true;
    }
    line = finish(text, false, true);
    return true;
  }
  return false;
}

namespace {
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

VerbAndRest split_verb(std::string_view line) {
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos) return {line, {}};
  return {line.substr(0, space), line.substr(space + 1)};
}

std::string_view first_line(std::string_view bytes, bool& complete) {
  const std::size_t lf = bytes.find('\n');
  complete = lf != std::string_view::npos;
  std::string_view line = complete ? bytes.substr(0, lf) : bytes;
  if (complete && !line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace spanwatch::proto

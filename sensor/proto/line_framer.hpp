#pragma once
// Finds CRLF-terminated lines in one direction's in-order bytes (FTP, POP3, SMTP, IMAP). A line
// that lies whole inside one feed call is returned as a view of that call's bytes (no copy); only
// the tail of a line split across calls is copied, into a buffer taken from the worker's LineBuffers
// when the split is met and given back once the line is delivered (or on gap()/reset()), so an
// idle framer holds no buffer.
// A line longer than `max_line` is returned once, cut at max_line and flagged `too_long`; the rest
// of it, up to its terminator, is discarded. A bare LF also ends a line (servers send them);
// a trailing CR is stripped.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "proto/worker_pool.hpp"

namespace spanwatch::proto {

struct Line {
  std::string_view text;  // without CR/LF; valid until the next call on the framer or the feed returns
  bool too_long = false;  // cut at max_line; the remainder of the line is skipped
  bool terminated = true; // false only for a too-long line reported before its terminator
};

// Buffers for lines split across segments, shared by the framers of one protocol in one worker. A
// split line starts in a short buffer (nearly every line fits) and moves to a full one (max_line + 1
// bytes) only if it outgrows it: a session in the middle of a message body is split mid-line at
// almost every segment, and the worker then keeps a short buffer per such session, not a page.
// Not thread-safe.
constexpr std::size_t short_line_bytes = 256;
struct LineBuffers {
  LineBuffers(std::size_t max_line, std::size_t preallocated);  // `preallocated` short ones built at once
  std::size_t in_use() const { return short_lines.in_use() + full_lines.in_use(); }
  std::size_t created() const { return short_lines.created() + full_lines.created(); }

  WorkerPool<std::vector<char>> short_lines;  // min(short_line_bytes, max_line + 1) bytes each
  WorkerPool<std::vector<char>> full_lines;   // max_line + 1 bytes each
};
std::shared_ptr<LineBuffers> make_line_buffers(std::size_t max_line, std::size_t preallocated);

class LineFramer {
 public:
  // `buffers` must hold buffers for this max_line (make_line_buffers); null: the framer makes its own.
  explicit LineFramer(std::size_t max_line, std::shared_ptr<LineBuffers> buffers = nullptr);
  ~LineFramer();
  LineFramer(const LineFramer&) = delete;
  LineFramer& operator=(const LineFramer&) = delete;

  // The next line in `input` from `offset` on. Advances `offset` past what it used (a line's
  // terminator, or all of `input` when no terminator is left). Returns false when `input` holds no
  // further complete line (a partial one is kept for the next call).
  bool next(core::Bytes input, std::size_t& offset, Line& line);

  // Bytes were lost: drop the partial line and skip to the next terminator.
  void gap();
  void reset();

  bool has_partial() const { return used_ > 0 && !buffer_returned_; }
  bool holds_buffer() const { return buffer_ != nullptr; }
  std::size_t max_line() const { return max_line_; }
  std::uint64_t lines_too_long() const { return lines_too_long_; }

 private:
  enum class State : std::uint8_t { in_line, discarding };

  Line finish(std::string_view text, bool too_long, bool terminated);
  void append(std::string_view part);
  void release();  // gives the buffer back, if held


  std::size_t max_line_;
  std::size_t buffer_size_;  // max_line + 1 bytes (room for a CR cut from its LF)
  std::shared_ptr<LineBuffers> buffers_;
  std::vector<char>* buffer_ = nullptr;  // taken from buffers_ while a split line is held or delivered
  bool full_buffer_ = false;             // buffer_ is from full_lines
  std::size_t used_ = 0;
  bool buffer_returned_ = false;  // the last line was a view of buffer_: clear it on the next call
  State state_ = State::in_line;
  std::uint64_t lines_too_long_ = 0;
};

// Text helpers shared by the line protocols.
bool iequals(std::string_view a, std::string_view b);        // ASCII case-insensitive
bool istarts_with(std::string_view text, std::string_view prefix);
struct VerbAndRest {
  std::string_view verb;  // up to the first space
  std::string_view rest;  // after that space (empty if none)
};
VerbAndRest split_verb(std::string_view line);
// The first line of `bytes` (up to LF, CR stripped) and whether its terminator was seen.
std::string_view first_line(std::string_view bytes, bool& complete);

}  // namespace spanwatch::proto

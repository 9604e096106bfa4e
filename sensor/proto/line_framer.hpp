#pragma once
// Finds CRLF-terminated lines in one direction's in-order bytes (FTP, POP3, SMTP, IMAP). A line
// that lies whole inside one feed call is returned as a view of that call's bytes (no copy); only
// the tail of a line split across calls is copied, into a buffer allocated once at construction.
// A line longer than `max_line` is returned once, cut at max_line and flagged `too_long`; the rest
// of it, up to its terminator, is discarded. A bare LF also ends a line (servers send them);
// a trailing CR is stripped.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"

namespace spanwatch::proto {

struct Line {
  std::string_view text;  // without CR/LF; valid until the next call on the framer or the feed returns
  bool too_long = false;  // cut at max_line; the remainder of the line is skipped
  bool terminated = true; // false only for a too-long line reported before its terminator
};

class LineFramer {
 public:
  explicit LineFramer(std::size_t max_line);

  // The next line in `input` from `offset` on. Advances `offset` past what it used (a line's
  // terminator, or all of `input` when no terminator is left). Returns false when `input` holds no
  // further complete line (a partial one is kept for the next call).
  bool next(core::Bytes input, std::size_t& offset, Line& line);

  // Bytes were lost: drop the partial line and skip to the next terminator.
  void gap();
  void reset();

  bool has_partial() const { return used_ > 0 && !buffer_returned_; }
  std::size_t max_line() const { return max_line_; }
  std::uint64_t lines_too_long() const { return lines_too_long_; }

 private:
  enum class State : std::uint8_t { in_line, discarding };

  Line finish(std::string_view text, bool too_long, bool terminated);
  void append(std::string_view part);

  std::size_t max_line_;
  std::size_t buffer_size_;  // max_line + 1 bytes (room for a CR cut from its LF), allocated once
  std::unique_ptr<char[]> buffer_;
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

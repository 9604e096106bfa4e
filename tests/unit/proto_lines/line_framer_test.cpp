#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "proto/line_framer.hpp"

using spanwatch::core::as_bytes;
using spanwatch::proto::Line;
using spanwatch::proto::LineFramer;

namespace {

std::vector<std::string> lines_of(LineFramer& framer, const std::vector<std::string>& chunks) {
  std::vector<std::string> out;
  for (const auto& chunk : chunks) {
    std::size_t offset = 0;
    Line line;
    while (framer.next(as_bytes(chunk), offset, line))
      out.push_back(std::string(line.text) + (line.too_long ? "|long" : "") + (line.terminated ? "" : "|open"));
    REQUIRE(offset == chunk.size());
  }
  return out;
}

}  // namespace

TEST_CASE("lines end at CRLF or a bare LF, split anywhere") {
  const std::string stream = "USER a\r\nPASS b\nNOOP\r\n\r\nQUIT\r\n";
  const std::vector<std::string> expected = {"USER a", "PASS b", "NOOP", "", "QUIT"};
  for (std::size_t at = 0; at <= stream.size(); ++at) {
    LineFramer framer(64);
    INFO("split at " << at);
    CHECK(lines_of(framer, {stream.substr(0, at), stream.substr(at)}) == expected);
  }
  LineFramer framer(64);
  std::vector<std::string> bytes;
  for (char c : stream) bytes.emplace_back(1, c);
  CHECK(lines_of(framer, bytes) == expected);
}

TEST_CASE("an over-long line is reported once, cut at max_line, and the rest skipped") {
  LineFramer framer(8);
  CHECK(lines_of(framer, {"0123456789abcdef\r\nok\r\n"}) == std::vector<std::string>{"01234567|long", "ok"});
  LineFramer split(8);
  CHECK(lines_of(split, {"0123", "456789", "abc", "def\r\nok\r\n"}) ==
        std::vector<std::string>{"01234567|long|open", "ok"});
  CHECK(split.lines_too_long() == 1);
}

TEST_CASE("a line of exactly max_line bytes is not too long, wherever it is cut") {
  for (std::size_t at = 0; at <= 10; ++at) {
    LineFramer framer(8);
    const std::string stream = "01234567\r\n";
    CHECK(lines_of(framer, {stream.substr(0, at), stream.substr(at)}) == std::vector<std::string>{"01234567"});
  }
}

TEST_CASE("after a gap the partial line is dropped and framing resumes after the next terminator") {
  LineFramer framer(64);
  CHECK(lines_of(framer, {"USER a\r\nPA"}) == std::vector<std::string>{"USER a"});
  framer.gap();
  CHECK(lines_of(framer, {"SS lost\r\nNOOP\r\n"}) == std::vector<std::string>{"NOOP"});
}

TEST_CASE("a 10 MB line without a terminator keeps memory bounded and reports once") {
  LineFramer framer(1024);
  const std::string chunk(1 << 16, 'x');
  std::size_t reported = 0;
  for (int i = 0; i < 160; ++i) {
    std::size_t offset = 0;
    Line line;
    while (framer.next(as_bytes(chunk), offset, line)) ++reported;
  }
  CHECK(reported == 1);
  CHECK(framer.max_line() == 1024);
}

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

TEST_CASE("framers sharing a pool hold a buffer only while a line is split, and reuse it") {
  const auto pool = spanwatch::proto::make_line_buffers(16, 0);
  LineFramer a(16, pool), b(16, pool);
  CHECK(lines_of(a, {"one\r\ntwo\r\n"}) == std::vector<std::string>{"one", "two"});
  CHECK(pool->created() == 0);  // whole lines are views: no buffer
  CHECK(lines_of(a, {"thr"}).empty());
  CHECK(a.holds_buffer());
  CHECK(lines_of(b, {"fo"}).empty());
  CHECK(pool->in_use() == 2);
  CHECK(lines_of(a, {"ee\r\n"}) == std::vector<std::string>{"three"});
  CHECK_FALSE(a.holds_buffer());  // given back once the line was delivered
  CHECK(lines_of(a, {"five"}).empty());
  CHECK(pool->created() == 2);  // taken again from the pool, not grown
  a.gap();
  CHECK(pool->in_use() == 1);
  b.reset();
  CHECK(pool->in_use() == 0);
  CHECK(lines_of(a, {"x\nsix\r\n"}) == std::vector<std::string>{"six"});  // the gap's remainder is skipped
  {
    LineFramer c(16, pool);
    CHECK(lines_of(c, {"0123456789abcdefXYZ"}) == std::vector<std::string>{"0123456789abcdef|long|open"});
    CHECK(pool->in_use() == 0);  // the cut line was a view of the buffer until the next call
    CHECK(lines_of(c, {"\r\npart"}).empty());
    CHECK(pool->in_use() == 1);
  }
  CHECK(pool->in_use() == 0);  // a framer destroyed holding a buffer gives it back
}

TEST_CASE("a framer given a pool of shorter buffers still frames lines up to its max_line") {
  const auto pool = spanwatch::proto::make_line_buffers(4, 1);
  LineFramer framer(32, pool);
  CHECK(lines_of(framer, {"a line spl", "it in two\r\n"}) == std::vector<std::string>{"a line split in two"});
}

TEST_CASE("a split line starts in a short buffer and moves to a full one only when it outgrows it") {
  const auto pool = spanwatch::proto::make_line_buffers(300, 0);
  LineFramer framer(300, pool);
  const std::string head(100, 'a');
  const std::string tail(180, 'b');
  CHECK(lines_of(framer, {"+OK 120 octets\r\n" + head}) == std::vector<std::string>{"+OK 120 octets"});
  CHECK(pool->short_lines.in_use() == 1);
  CHECK(lines_of(framer, {"xyz"}).empty());
  CHECK(pool->full_lines.created() == 0);  // 103 bytes: still the short buffer
  CHECK(lines_of(framer, {tail}).empty());
  CHECK(pool->short_lines.in_use() == 0);  // outgrown: given back, its bytes moved
  CHECK(pool->full_lines.in_use() == 1);
  CHECK(lines_of(framer, {"\r\nnext\r\n"}) == std::vector<std::string>{head + "xyz" + tail, "next"});
  CHECK(pool->in_use() == 0);
  CHECK(lines_of(framer, {head, tail, tail}) == std::vector<std::string>{head + tail + tail.substr(0, 20) + "|long|open"});
  CHECK(lines_of(framer, {"rest\r\nok\r\n"}) == std::vector<std::string>{"ok"});  // the long line's rest is skipped
  CHECK(pool->in_use() == 0);
  CHECK(pool->short_lines.created() == 1);
  CHECK(pool->full_lines.created() == 1);
}

#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>

#include "alert/eve_file.hpp"
#include "eve_test_support.hpp"

using namespace spanwatch::alert;
using namespace spanwatch::alert::testing;

namespace {

std::vector<std::string> numbered_lines(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back(numbered(i));
  return out;
}

}  // namespace

TEST_CASE("lines are buffered until flush and appended after what the file already holds") {
  ScratchDir dir;
  const std::string path = dir.file("eve.json");
  std::FILE* seed = std::fopen(path.c_str(), "w");
  std::fputs("{\"old\":1}\n", seed);
  std::fclose(seed);

  EveFile file;
  REQUIRE(file.open(path));
  file.write(numbered(0));
  file.write(numbered(1));
  CHECK(read_lines(path).size() == 1);  // still in user space
  CHECK(file.buffered_bytes() == 2 * (numbered(0).size() + 1));
  REQUIRE(file.flush());
  CHECK(read_lines(path) == std::vector<std::string>{"{\"old\":1}", numbered(0), numbered(1)});
  CHECK(file.written_lines() == 2);
  CHECK(file.dropped_lines() == 0);
  CHECK(file.write_errors() == 0);
}

TEST_CASE("a full buffer is flushed before the line that does not fit") {
  ScratchDir dir;
  const std::string path = dir.file("eve.json");
  EveFile file(EveFileOptions{.buffer_bytes = 32});
  REQUIRE(file.open(path));
  for (int i = 0; i < 10; ++i) file.write(numbered(i));  // 7 bytes + newline each: 4 per buffer
  CHECK(read_lines(path) == numbered_lines(0, 8));
  CHECK(file.written_lines() == 8);
  file.close();
  CHECK(read_lines(path) == numbered_lines(0, 10));
  CHECK(file.written_lines() == 10);
}

TEST_CASE("a line longer than the buffer is dropped and counted, the next ones are written") {
  ScratchDir dir;
  const std::string path = dir.file("eve.json");
  EveFile file(EveFileOptions{.buffer_bytes = 32});
  REQUIRE(file.open(path));
  file.write(std::string(40, 'x'));
  file.write(numbered(1));
  REQUIRE(file.flush());
  CHECK(read_lines(path) == std::vector<std::string>{numbered(1)});
  CHECK(file.oversized_lines() == 1);
  CHECK(file.dropped_lines() == 1);
}

TEST_CASE("reopen after logrotate renames the file loses and duplicates no line") {
  ScratchDir dir;
  const std::string path = dir.file("eve.json");
  const std::string rotated = dir.file("eve.json.1");
  EveFile file;
  REQUIRE(file.open(path));
  for (int i = 0; i < 3; ++i) file.write(numbered(i));
  REQUIRE(file.flush());
  std::filesystem::rename(path, rotated);
  for (int i = 3; i < 5; ++i) file.write(numbered(i));  // buffered while the file is renamed
  REQUIRE(file.reopen());                                // SIGHUP: these still go to the old file
  for (int i = 5; i < 8; ++i) file.write(numbered(i));
  REQUIRE(file.flush());

  CHECK(read_lines(rotated) == numbered_lines(0, 5));
  CHECK(read_lines(path) == numbered_lines(5, 8));
  CHECK(file.written_lines() == 8);
  CHECK(file.dropped_lines() == 0);
}

TEST_CASE("after copytruncate the next lines land at the start of the truncated file") {
  ScratchDir dir;
  const std::string path = dir.file("eve.json");
  EveFile file;
  REQUIRE(file.open(path));
  for (int i = 0; i < 3; ++i) file.write(numbered(i));
  REQUIRE(file.flush());
  std::filesystem::resize_file(path, 0);
  file.write(numbered(3));
  REQUIRE(file.flush());
  CHECK(read_all(path) == numbered(3) + "\n");  // no hole of zero bytes before it
  REQUIRE(file.reopen());
  file.write(numbered(4));
  REQUIRE(file.flush());
  CHECK(read_lines(path) == numbered_lines(3, 5));
}

TEST_CASE("write errors on a full device are counted and the lines dropped, without throwing") {
  EveFile file;
  REQUIRE(file.open("/dev/full"));
  for (int i = 0; i < 5; ++i) file.write(numbered(i));
  CHECK_NOTHROW(file.flush());
  CHECK(file.write_errors() == 1);
  CHECK(file.dropped_lines() == 5);
  CHECK(file.written_lines() == 0);
  CHECK(file.last_error() == ENOSPC);
  CHECK(file.buffered_bytes() == 0);

  file.write(numbered(5));
  CHECK_FALSE(file.flush());
  CHECK(file.write_errors() == 2);
  CHECK(file.dropped_lines() == 6);
}

TEST_CASE("a file that cannot be opened drops lines and counts it, and open is retried on flush") {
  ScratchDir dir;
  const std::string path = dir.file("missing-dir/eve.json");
  EveFile file;
  CHECK_FALSE(file.open(path));
  CHECK(file.write_errors() == 1);
  CHECK(file.last_error() == ENOENT);
  file.write(numbered(0));
  CHECK_FALSE(file.flush());
  CHECK(file.dropped_lines() == 1);
  CHECK(file.write_errors() == 2);

  std::filesystem::create_directory(dir.file("missing-dir"));  // the operator fixes the directory
  file.write(numbered(1));
  REQUIRE(file.flush());
  CHECK(read_lines(path) == std::vector<std::string>{numbered(1)});
  CHECK(file.written_lines() == 1);
}

TEST_CASE("a short write is cut back to its last whole line, and lines after it parse") {
  ScratchDir dir;
  const std::string path = dir.file("eve.json");
  EveFile file;
  REQUIRE(file.open(path));
  {
    FileSizeLimit limit(18);  // two whole lines (16 bytes) and two bytes of the third
    for (int i = 0; i < 4; ++i) file.write(numbered(i));
    CHECK_FALSE(file.flush());
    limit.lift();
  }
  CHECK(file.written_lines() == 2);
  CHECK(file.dropped_lines() == 2);
  CHECK(file.write_errors() == 1);
  CHECK(file.last_error() == EFBIG);

  file.write(numbered(4));
  REQUIRE(file.flush());
  const auto lines = read_lines(path);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == numbered(0));
  CHECK(lines[1] == numbered(1));
  CHECK(lines[2] == numbered(4));  // the torn two bytes of line 2 were truncated away
  CHECK(file.written_lines() == 3);
  CHECK(file.fragments_cut() == 1);
}

TEST_CASE("after close, lines are dropped and counted until the file is opened again") {
  ScratchDir dir;
  const std::string path = dir.file("eve.json");
  EveFile file;
  REQUIRE(file.open(path));
  file.write(numbered(0));
  file.close();  // flushes first
  CHECK_FALSE(file.is_open());
  file.write(numbered(1));
  CHECK_FALSE(file.flush());
  CHECK(file.dropped_lines() == 1);
  REQUIRE(file.open(path));
  file.write(numbered(2));
  REQUIRE(file.flush());
  CHECK(read_lines(path) == std::vector<std::string>{numbered(0), numbered(2)});
}

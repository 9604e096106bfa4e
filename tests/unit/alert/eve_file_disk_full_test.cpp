// EveFile on a filling disk: a short write never leaves a torn line in eve.json (the fragment is cut
// back to the last whole line), lines written once space returns parse, and an outage is logged
// once (and a new one soon after not at all) while every failure is counted.
#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include "alert/eve_file.hpp"
#include "eve_test_support.hpp"

using namespace spanwatch::alert;
using namespace spanwatch::alert::testing;

namespace {

// The default logger replaced by a ring buffer for the scope, to count what was logged.
class CapturedLog {
 public:
  CapturedLog()
      : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(256)), previous_(spdlog::default_logger()) {
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("eve-file-test", sink_));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;
  int count(const std::string& text) const {
    int n = 0;
    for (const auto& line : sink_->last_formatted())
      if (line.find(text) != std::string::npos) ++n;
    return n;
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

bool every_line_parses(const std::vector<std::string>& lines) {
  for (const auto& line : lines)
    if (parse_line(line).HasParseError()) return false;
  return true;
}

}  // namespace

TEST_CASE("a short write inside a line is cut back so the file ends with the last whole line") {
  ScratchDir dir;
  const std::string path = dir.file("eve.json");
  EveFile file;
  REQUIRE(file.open(path));
  {
    FileSizeLimit full(18);  // two whole lines (16 bytes) and two bytes of the third
    for (int i = 0; i < 4; ++i) file.write(numbered(i));
    CHECK_FALSE(file.flush());
  }
  CHECK(read_lines(path) == std::vector<std::string>{numbered(0), numbered(1)});
  CHECK(std::filesystem::file_size(path) == 16);
  CHECK(file.fragments_cut() == 1);
  CHECK(file.fragments_left() == 0);
  CHECK(file.written_lines() == 2);
  CHECK(file.dropped_lines() == 2);
  CHECK(file.write_errors() == 1);

  file.write(numbered(4));  // space has returned
  REQUIRE(file.flush());
  CHECK(read_lines(path) == std::vector<std::string>{numbered(0), numbered(1), numbered(4)});
  CHECK(file.written_lines() == 3);
}

TEST_CASE("wherever the disk fills, the lines written after it returns are whole and parse") {
  for (rlim_t limit = 8; limit <= 32; ++limit) {
    CAPTURE(limit);
    ScratchDir dir;
    const std::string path = dir.file("eve.json");
    EveFile file;
    REQUIRE(file.open(path));
    {
      FileSizeLimit full(limit);
      for (int i = 0; i < 5; ++i) file.write(numbered(i));
      CHECK_FALSE(file.flush());
      file.write(numbered(5));  // still full: nothing more reaches the file
      CHECK_FALSE(file.flush());
    }
    file.write(numbered(6));
    REQUIRE(file.flush());
    const auto lines = read_lines(path);
    const auto whole = static_cast<int>(limit / 8);  // lines that fitted before the disk was full
    REQUIRE(lines.size() == static_cast<std::size_t>(whole + 1));
    CHECK(every_line_parses(lines));
    for (int i = 0; i < whole; ++i) CHECK(lines[i] == numbered(i));
    CHECK(lines.back() == numbered(6));
    CHECK(file.written_lines() == static_cast<std::uint64_t>(whole + 1));
    CHECK(file.dropped_lines() == static_cast<std::uint64_t>(6 - whole));
    // Each flush into the still-full disk wrote a fragment and cut it back.
    CHECK(file.fragments_cut() == (limit % 8 == 0 ? 0u : 2u));
  }
}

TEST_CASE("a long outage is logged once and every failed write is counted") {
  CapturedLog log;
  EveFile file;
  REQUIRE(file.open("/dev/full"));
  for (int i = 0; i < 50; ++i) {
    file.write(numbered(i));
    CHECK_FALSE(file.flush());
  }
  CHECK(file.write_errors() == 50);
  CHECK(file.dropped_lines() == 50);
  CHECK(file.outages() == 1);
  CHECK(log.count("eve: write of /dev/full failed: No space left on device") == 1);
}

TEST_CASE("an outage soon after a logged one is counted but not logged") {
  CapturedLog log;
  ScratchDir dir;
  const std::string path = dir.file("eve.json");
  auto outage_then_recovery = [&path](EveFile& file, int line) {
    {
      FileSizeLimit full(std::filesystem::file_size(path));
      file.write(numbered(line));
      CHECK_FALSE(file.flush());
    }
    file.write(numbered(line + 1));
    CHECK(file.flush());
  };

  SECTION("within the interval") {
    EveFile file;  // failure_log_interval: 60 s
    REQUIRE(file.open(path));
    outage_then_recovery(file, 0);
    outage_then_recovery(file, 2);
    outage_then_recovery(file, 4);
    CHECK(file.outages() == 3);
    CHECK(file.unlogged_outages() == 2);
    CHECK(log.count("dropping lines until it works again") == 1);
    CHECK(log.count("works again; 1 lines were dropped") == 1);  // only a logged outage's end is logged
    CHECK(read_lines(path) == std::vector<std::string>{numbered(1), numbered(3), numbered(5)});
  }
  SECTION("with no interval every outage is logged") {
    EveFileOptions options;
    options.failure_log_interval = std::chrono::seconds(0);
    EveFile file(options);
    REQUIRE(file.open(path));
    outage_then_recovery(file, 0);
    outage_then_recovery(file, 2);
    CHECK(file.outages() == 2);
    CHECK(file.unlogged_outages() == 0);
    CHECK(log.count("dropping lines until it works again") == 2);
    CHECK(log.count("works again; ") == 2);
  }
}

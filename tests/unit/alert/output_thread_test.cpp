#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "alert/eve_output.hpp"
#include "alert/output_thread.hpp"

using namespace spanwatch;

namespace {

struct Log {
  std::vector<std::string> lines;
  std::vector<std::thread::id> threads;
  int flushes = 0, reopens = 0;
  bool stop_begun = false;
};

class RecordingOutput final : public alert::Output {
 public:
  RecordingOutput(Log& log, bool drains = true) : log_(log), drains_(drains) {}
  std::string_view name() const override { return "recording"; }
  void write(const alert::Record& record) override {
    log_.lines.emplace_back(record.line);
    log_.threads.push_back(std::this_thread::get_id());
  }
  void flush() override { ++log_.flushes; }
  void reopen() override { ++log_.reopens; }
  void begin_stop() override { log_.stop_begun = true; }
  bool drained() const override { return drains_; }
  alert::OutputCounters counters() const override { return {.written = log_.lines.size(), .backlog = drains_ ? 0u : 1u}; }

 private:
  Log& log_;
  bool drains_;
};

}  // namespace

TEST_CASE("the output thread delivers every queued record to every output, in order, on its own thread") {
  Log a, b;
  alert::OutputThread outputs;
  auto& queue = outputs.add_queue({.bytes = 4096, .when_full = alert::FullQueuePolicy::wait});
  outputs.add_output(std::make_unique<RecordingOutput>(a));
  outputs.add_output(std::make_unique<RecordingOutput>(b));
  outputs.start();
  for (int i = 0; i < 20000; ++i) queue.write(alert::Record{"flow", {}, std::to_string(i), nullptr});
  outputs.reopen();
  outputs.stop();  // drains what is still queued
  REQUIRE(a.lines.size() == 20000);
  REQUIRE(b.lines.size() == 20000);
  bool in_order = true;
  for (int i = 0; i < 20000; ++i) in_order = in_order && a.lines[i] == std::to_string(i);
  CHECK(in_order);
  CHECK(a.threads.front() != std::this_thread::get_id());
  CHECK(a.reopens == 1);
  CHECK(a.flushes >= 1);  // at least the one at stop
  CHECK(a.stop_begun);
  CHECK(outputs.records() == 20000);
  CHECK(outputs.queue_drops() == 0);
}

TEST_CASE("an output that never drains holds the stop only for the stop budget") {
  Log log;
  alert::OutputThread outputs({.stop_budget = std::chrono::milliseconds(200)});
  outputs.add_output(std::make_unique<RecordingOutput>(log, false));
  outputs.start();
  const auto before = std::chrono::steady_clock::now();
  outputs.stop();
  const auto took = std::chrono::steady_clock::now() - before;
  CHECK(took >= std::chrono::milliseconds(200));
  CHECK(took < std::chrono::seconds(5));
  CHECK(log.stop_begun);
}

TEST_CASE("the eve.json output writes only the event types it is configured for") {
  const std::string path = "/tmp/spanwatch-eve-types-" + std::to_string(::getpid()) + ".json";
  std::remove(path.c_str());
  {
    alert::EveFileOutput eve(path, {"alert", "smb"});
    eve.write(alert::Record{"smb", {}, "{\"event_type\":\"smb\"}", nullptr});
    eve.write(alert::Record{"stats", {}, "{\"event_type\":\"stats\"}", nullptr});
    eve.write(alert::Record{"alert", {}, "{\"event_type\":\"alert\"}", nullptr});
    eve.flush();
    CHECK(eve.counters().written == 2);
  }
  std::ifstream in(path);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(all == "{\"event_type\":\"smb\"}\n{\"event_type\":\"alert\"}\n");
  std::remove(path.c_str());
}

TEST_CASE("every stats record is followed by an engine record per output with its delivery counters") {
  Log a, b;
  alert::OutputThreadOptions options;
  options.report_outputs = true;
  options.report_context.host = "lab-sensor";
  alert::OutputThread outputs(options);
  auto& queue = outputs.add_queue({.bytes = 4096, .when_full = alert::FullQueuePolicy::wait});
  outputs.add_output(std::make_unique<RecordingOutput>(a));
  outputs.add_output(std::make_unique<RecordingOutput>(b, false));
  outputs.start();
  queue.write(alert::Record{"alert", {}, "first", nullptr});
  queue.write(alert::Record{"stats", {}, "stats", nullptr});
  queue.write(alert::Record{"alert", {}, "last", nullptr});
  outputs.stop();
  REQUIRE(a.lines.size() == 5);
  CHECK(a.lines == b.lines);
  CHECK(a.lines[0] == "first");
  CHECK(a.lines[1] == "stats");
  // Output a had taken "first" and "stats" when it was asked; b (never drains) reports its backlog.
  CHECK(a.lines[2] ==
        R"({"timestamp":"1970-01-01T00:00:00.000000+0000","event_type":"engine","host":"lab-sensor","log_level":"Info",)"
        R"("engine":{"module":"output.recording","message":"written=2 dropped=0 overflow=0 errors=0 backlog=0"}})");
  CHECK(a.lines[3].find(R"("message":"written=3 dropped=0 overflow=0 errors=0 backlog=1")") != std::string::npos);
  CHECK(a.lines[4] == "last");
  CHECK(outputs.records() == 5);
}

TEST_CASE("without report_outputs a stats record is delivered alone") {
  Log log;
  alert::OutputThread outputs;
  auto& queue = outputs.add_queue({.bytes = 4096, .when_full = alert::FullQueuePolicy::wait});
  outputs.add_output(std::make_unique<RecordingOutput>(log));
  outputs.start();
  queue.write(alert::Record{"stats", {}, "stats", nullptr});
  outputs.stop();
  CHECK(log.lines == std::vector<std::string>{"stats"});
}

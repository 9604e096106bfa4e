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

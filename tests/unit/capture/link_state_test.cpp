// A live handle across link changes: down, no carrier, up again, deleted. The interfaces live in a
// network namespace of a helper thread's own (unshare(CLONE_NEWNET) applies to the calling thread
// only, and `ip` started from it inherits it), so the host and the other tests never see them.
// Needs root and iproute2; without them the test says so and skips.
#include <catch2/catch.hpp>

#include <sched.h>

#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "capture/capture_error.hpp"
#include "capture/packet_source.hpp"
#include "capture_test_support.hpp"

using namespace spanwatch::capture;
using spanwatch::capture::test::Collector;

namespace {

// What one dispatch saw, recorded on the helper thread and checked on Catch's.
struct Step {
  std::string action;
  DispatchStatus status;
  LinkState link;
};

bool shell(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()) == 0; }

// Dispatches up to `tries` times until something other than packets or a timeout comes back (the
// kernel's own IPv6 neighbour discovery may bring packets); timeout if nothing did.
DispatchStatus next_event(PacketSource& source, Collector& collector, int tries = 20) {
  for (int i = 0; i < tries; ++i) {
    const DispatchStatus status = source.dispatch(-1, &Collector::on_packet, &collector).status;
    if (status != DispatchStatus::timeout && status != DispatchStatus::packets) return status;
  }
  return DispatchStatus::timeout;
}

struct LinkRun {
  std::string skipped;  // why not, if it could not run
  std::vector<Step> steps;
  CaptureStats stats;
  std::string error;
  InterfaceDownPolicy policy = InterfaceDownPolicy::wait;
};

LinkRun run_link_changes() {
  LinkRun run;
  if (::unshare(CLONE_NEWNET) != 0) {
    run.skipped = "cannot create a network namespace (needs root)";
    return run;
  }
  if (!shell("ip link add swlinka type veth peer name swlinkb") || !shell("ip link set swlinka up") ||
      !shell("ip link set swlinkb up")) {
    run.skipped = "cannot create a veth pair (iproute2, root)";
    return run;
  }
  LiveOptions options;
  options.timeout_ms = 20;
  options.buffer_size_mib = 1;
  options.on_interface_down = InterfaceDownPolicy::exit;
  std::unique_ptr<PacketSource> source;
  try {
    source = open_live("swlinka", 0, options);
  } catch (const CaptureError& error) {
    run.skipped = std::string("cannot capture: ") + error.what();
    return run;
  }
  run.policy = source->on_interface_down();
  Collector collector;
  auto step = [&](const std::string& action, DispatchStatus status) {
    run.steps.push_back({action, status, source->link_state()});
  };
  step("idle while up", next_event(*source, collector, 3));
  shell("ip link set swlinka down");
  step("after down", next_event(*source, collector));
  step("still down", next_event(*source, collector, 3));
  shell("ip link set swlinka up");
  step("after up", next_event(*source, collector));
  shell("ip link set swlinkb down");  // the peer: swlinka loses its carrier
  step("after the peer went down", next_event(*source, collector));
  shell("ip link set swlinkb up");
  step("after the peer came back", next_event(*source, collector));
  shell("ip link del swlinka");
  step("after deletion", next_event(*source, collector));
  run.stats = source->stats();
  run.error = std::string(source->last_error());
  return run;
}

}  // namespace

TEST_CASE("a live handle reports its link going down and up once each, counts it, and dies with its interface") {
  LinkRun run;
  std::thread helper([&run] { run = run_link_changes(); });  // its own network namespace
  helper.join();
  if (!run.skipped.empty()) {
    WARN("skipping: " << run.skipped);
    return;
  }
  REQUIRE(run.steps.size() == 7);
  CHECK(run.policy == InterfaceDownPolicy::exit);  // the option travels with the handle
  CHECK(run.steps[0].status == DispatchStatus::timeout);
  CHECK(run.steps[0].link == LinkState::up);
  CHECK(run.steps[1].status == DispatchStatus::link_down);
  CHECK(run.steps[1].link == LinkState::down);
  CHECK(run.steps[2].status == DispatchStatus::timeout);  // reported once, not at every call
  CHECK(run.steps[3].status == DispatchStatus::link_up);
  CHECK(run.steps[3].link == LinkState::up);
  CHECK(run.steps[4].status == DispatchStatus::link_down);
  CHECK(run.steps[4].link == LinkState::no_carrier);
  CHECK(run.steps[5].status == DispatchStatus::link_up);
  CHECK(run.steps[6].status == DispatchStatus::error);
  CHECK_FALSE(run.error.empty());
  CHECK(run.stats.link_downs == 2);
  CHECK(run.stats.errors >= 3);  // two link losses and the deletion
}

// Counts global heap allocations to prove records are formatted and buffered without touching the
// heap once the buffers have grown (this replaces operator new for the whole unit_alert binary;
// counting is all it adds).
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

#include "alert/anomaly_record.hpp"
#include "alert/stats_record.hpp"
#include "eve_test_support.hpp"

namespace {
std::atomic<std::size_t> allocations{0};
}

void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

using namespace spanwatch;
using namespace spanwatch::alert;
using namespace spanwatch::alert::testing;

TEST_CASE("formatting and buffering records allocates nothing after warm-up") {
  ScratchDir dir;
  EveFile file(EveFileOptions{.buffer_bytes = 4096});
  REQUIRE(file.open(dir.file("eve.json")));
  EveWriter writer(EveContext{"sensor", "eth0", ""});
  StatsSnapshot snapshot;
  snapshot.add("decoder.pkts", 1);
  snapshot.add("decoder.event.ipv4.trunc_pkt", 2);
  snapshot.add("tcp.syn", 3);
  FlowHeader flow;
  flow.src_ip = ip("2001:db8::1");
  flow.dest_ip = ip("2001:db8::2");
  flow.has_ports = true;
  flow.ip_protocol = 17;
  flow.vlan_count = 1;
  flow.vlan[0] = 7;

  auto one_round = [&](int i) {
    write_anomaly(writer, file, {i, 0}, &flow, "decode", "ipv4.trunc_pkt");
    write_anomaly(writer, file, {i, 0}, nullptr, "stream", "pkt_invalid_ack", "stream");
    writer.begin("test", {i, 0}, &flow);
    writer.field("text", "not utf-8: \xff\xfe");
    writer.end();
    file.write(writer.line());
    write_stats(writer, file, {i, 0}, snapshot);
  };
  const std::size_t at_start = allocations.load();
  for (int i = 0; i < 10; ++i) one_round(i);  // warm-up: buffers reach their working size
  REQUIRE(allocations.load() > at_start);     // the counter sees the writer's first growth

  const std::size_t before = allocations.load();
  for (int i = 0; i < 1000; ++i) one_round(i);  // includes flushes when the 4 KiB buffer fills
  CHECK(allocations.load() - before == 0);
  CHECK(file.dropped_lines() == 0);
}

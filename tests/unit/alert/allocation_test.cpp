// Counts global heap allocations to prove records are formatted and buffered without touching the
// heap once the buffers have grown (unit_alert links spanwatch_allocation_counter, which replaces
// operator new for the whole binary; counting is all it adds).
#include <catch2/catch.hpp>

#include "alert/eve_file.hpp"
#include "alert/anomaly_record.hpp"
#include "alert/record_queue.hpp"
#include "alert/stats_record.hpp"
#include "eve_test_support.hpp"
#include "support/allocation_counter.hpp"

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
  const std::uint64_t at_start = spanwatch::testing::heap_allocations();
  for (int i = 0; i < 10; ++i) one_round(i);  // warm-up: buffers reach their working size
  REQUIRE(spanwatch::testing::heap_allocations() > at_start);     // the counter sees the writer's first growth

  const std::uint64_t before = spanwatch::testing::heap_allocations();
  for (int i = 0; i < 1000; ++i) one_round(i);  // includes flushes when the 4 KiB buffer fills
  CHECK(spanwatch::testing::heap_allocations() - before == 0);
  CHECK(file.dropped_lines() == 0);
}

TEST_CASE("handing records to the output thread's queue allocates nothing") {
  RecordQueue queue({.bytes = 1 << 16, .when_full = FullQueuePolicy::drop});
  EveWriter writer(EveContext{"sensor", "eth0", ""});
  FlowHeader flow;
  flow.src_ip = ip("192.0.2.1");
  flow.dest_ip = ip("192.0.2.2");
  flow.has_ports = true;
  flow.ip_protocol = 6;
  AlertSummary summary;
  summary.signature_id = 9100003;
  summary.signature = "FTP credentials in cleartext";
  summary.proto = "TCP";
  for (int i = 0; i < 10; ++i) write_anomaly(writer, queue, {i, 0}, &flow, "decode", "ipv4.trunc_pkt");
  queue.drain([](const Record&) {});
  const std::uint64_t before = spanwatch::testing::heap_allocations();
  std::size_t delivered = 0;
  for (int i = 0; i < 1000; ++i) {
    write_anomaly(writer, queue, {i, 0}, &flow, "decode", "ipv4.trunc_pkt");
    queue.write(Record{"alert", {i, 0}, "{}", &summary});
    if (i % 100 == 99) delivered += queue.drain([](const Record&) {});
  }
  CHECK(spanwatch::testing::heap_allocations() - before == 0);
  CHECK(delivered == 2000);
  CHECK(queue.dropped() == 0);
}

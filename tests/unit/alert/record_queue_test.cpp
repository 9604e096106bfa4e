#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "alert/record_queue.hpp"

using namespace spanwatch;
using alert::FullQueuePolicy;
using alert::Record;
using alert::RecordQueue;

namespace {

std::string line_for(std::size_t i) {
  // Sizes vary so that slots end at every offset of the ring and wrap around it.
  return "{\"n\":" + std::to_string(i) + ",\"pad\":\"" + std::string(i % 97, 'x') + "\"}";
}

struct Taken {
  std::string event_type, line, signature, category, app_proto, proto, community_id;
  bool alert = false;
  std::uint32_t sid = 0;
  std::uint16_t src_port = 0, dest_port = 0;
  core::IpAddress src_ip;
  core::Timestamp ts;
};

Taken take(const Record& r) {
  Taken t;
  t.event_type = r.event_type;
  t.line = r.line;
  t.ts = r.timestamp;
  if (r.alert != nullptr) {
    t.alert = true;
    t.sid = r.alert->signature_id;
    t.signature = r.alert->signature;
    t.category = r.alert->category;
    t.app_proto = r.alert->app_proto;
    t.proto = r.alert->proto;
    t.community_id = r.alert->community_id;
    t.src_port = r.alert->src_port;
    t.dest_port = r.alert->dest_port;
    t.src_ip = r.alert->src_ip;
  }
  return t;
}

}  // namespace

TEST_CASE("a record queue hands over records and alert summaries unchanged, in order") {
  RecordQueue queue({.bytes = 4096});
  alert::AlertSummary summary;
  summary.signature_id = 9100001;
  summary.signature = "SMB logon failure burst";
  summary.category = "Attempted Administrator Privilege Gain";
  summary.app_proto = "smb";
  summary.proto = "TCP";
  summary.community_id = "1:abc=";
  summary.src_ip = core::IpAddress::v4(0x0a000001u);
  summary.src_port = 51000;
  summary.dest_port = 445;
  REQUIRE(queue.write(Record{"smb", {10, 5}, "{\"a\":1}", nullptr}));
  REQUIRE(queue.write(Record{"alert", {11, 6}, "{\"alert\":{}}", &summary}));
  std::vector<Taken> taken;
  CHECK(queue.drain([&](const Record& r) { taken.push_back(take(r)); }) == 2);
  REQUIRE(taken.size() == 2);
  CHECK(taken[0].event_type == "smb");
  CHECK(taken[0].line == "{\"a\":1}");
  CHECK(taken[0].ts == core::Timestamp{10, 5});
  CHECK_FALSE(taken[0].alert);
  CHECK(taken[1].alert);
  CHECK(taken[1].sid == 9100001);
  CHECK(taken[1].signature == "SMB logon failure burst");
  CHECK(taken[1].category == "Attempted Administrator Privilege Gain");
  CHECK(taken[1].app_proto == "smb");
  CHECK(taken[1].proto == "TCP");
  CHECK(taken[1].community_id == "1:abc=");
  CHECK(taken[1].src_ip == core::IpAddress::v4(0x0a000001u));
  CHECK(taken[1].src_port == 51000);
  CHECK(taken[1].dest_port == 445);
  CHECK(queue.empty());
}

TEST_CASE("a full record queue with the drop policy refuses and counts, and takes records again once drained") {
  RecordQueue queue({.bytes = 4096, .when_full = FullQueuePolicy::drop});
  std::size_t accepted = 0;
  for (std::size_t i = 0; i < 1000; ++i) accepted += queue.write(Record{"flow", {}, line_for(i), nullptr}) ? 1 : 0;
  CHECK(accepted < 1000);
  CHECK(queue.written() == accepted);
  CHECK(queue.dropped() == 1000 - accepted);
  std::size_t n = 0;
  queue.drain([&](const Record& r) { CHECK(r.line == line_for(n++)); });
  CHECK(n == accepted);
  CHECK(queue.write(Record{"flow", {}, "{}", nullptr}));
}

TEST_CASE("a record larger than half the queue is dropped, not wedged") {
  RecordQueue queue({.bytes = 4096});
  CHECK_FALSE(queue.write(Record{"stats", {}, std::string(3000, 'a'), nullptr}));
  CHECK(queue.dropped() == 1);
  CHECK(queue.empty());
}

TEST_CASE("with the wait policy a producer outrunning the consumer loses nothing, across many wrap-arounds") {
  RecordQueue queue({.bytes = 4096, .when_full = FullQueuePolicy::wait});
  constexpr std::size_t count = 50000;
  std::thread producer([&] {
    for (std::size_t i = 0; i < count; ++i) queue.write(Record{"tls", {static_cast<std::int64_t>(i), 0}, line_for(i), nullptr});
  });
  std::size_t next = 0;
  bool in_order = true;
  while (next < count) {
    queue.drain([&](const Record& r) {
      in_order = in_order && r.line == line_for(next) && r.timestamp.seconds == static_cast<std::int64_t>(next);
      ++next;
    });
  }
  producer.join();
  CHECK(in_order);
  CHECK(queue.dropped() == 0);
  CHECK(queue.written() == count);
  CHECK(queue.waits() > 0);  // 50000 records of ~60 bytes cannot fit in 4 KiB without waiting
}

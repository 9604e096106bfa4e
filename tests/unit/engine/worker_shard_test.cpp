// Several workers over one capture: each keeps its shard (a symmetric hash of the IP address pair),
// and between them they see every flow exactly once, as one worker would.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "alert/record.hpp"
#include "engine/worker.hpp"
#include "support/packet_builder.hpp"

using namespace spanwatch;
using namespace spanwatch::testing;

namespace {

// Keeps every record line, without its flow_id (ids are drawn per worker).
class LineSink final : public alert::RecordSink {
 public:
  bool write(const alert::Record& record) override {
    static const std::regex flow_id(R"("flow_id":[0-9]+,)");
    lines[std::regex_replace(std::string(record.line), flow_id, "")]++;
    return true;
  }
  std::map<std::string, int> lines;
};

struct ShardedWorker {
  explicit ShardedWorker(std::uint16_t index, std::uint16_t count) {
    options.flow.max_flows = 1024;
    options.stream.memcap_bytes = 1u << 20;
    options.shard_index = index;
    options.shard_count = count;
    worker.emplace(options, eve, sink);
  }
  engine::EngineOptions options;
  alert::EveWriter eve;
  LineSink sink;
  std::optional<engine::Worker> worker;
};

void feed(engine::Worker& worker, const Frame& f, std::int64_t second) {
  core::PacketView view;
  view.ts = core::Timestamp::from_micros(second, 0);
  view.caplen = view.wirelen = static_cast<std::uint32_t>(f.size());
  view.linktype = 1;
  view.data = {f.data(), f.size()};
  worker.on_packet(view);
}

// An FTP login between every client and server (IPv4 and IPv6, some VLAN-tagged), then a few
// frames without IP; the same frames for every worker.
std::vector<Frame> capture() {
  std::vector<Frame> frames;
  std::uint16_t port = 40000;
  auto login = [&](const Address& c, const Address& s, const EthernetOptions& eth) {
    const std::uint16_t p = port++;
    std::uint32_t cs = 100, ss = 900;
    auto to_server = [&](std::uint8_t flags, const std::string& text) {
      const Frame data = bytes_of(text);
      frames.push_back(tcp_frame(c, s, {p, 21, cs, ss, flags, 65535, {}, data}, eth));
      cs += static_cast<std::uint32_t>(data.size()) + ((flags & tcp_flags::syn) ? 1 : 0);
    };
    auto to_client = [&](std::uint8_t flags, const std::string& text) {
      const Frame data = bytes_of(text);
      frames.push_back(tcp_frame(s, c, {21, p, ss, cs, flags, 65535, {}, data}, eth));
      ss += static_cast<std::uint32_t>(data.size()) + ((flags & tcp_flags::syn) ? 1 : 0);
    };
    to_server(tcp_flags::syn, "");
    to_client(tcp_flags::syn | tcp_flags::ack, "");
    to_client(tcp_flags::ack, "220 ready\r\n");
    to_server(tcp_flags::ack, "USER alice\r\n");
    to_client(tcp_flags::ack, "331 password\r\n");
    to_server(tcp_flags::ack, "PASS secret\r\n");
    to_client(tcp_flags::ack, "230 welcome\r\n");
  };
  for (std::uint8_t c = 1; c <= 8; ++c)
    for (std::uint8_t s = 1; s <= 4; ++s) {
      login(Address::v4(10, 0, 1, c), Address::v4(10, 0, 2, s), {});
      login(Address::v6_simple(0x2001, c), Address::v6_simple(0x2001, 0x100 + s), EthernetOptions{{7}});
    }
  Frame arp = ethernet(Frame(28, 0), 0x0806);
  for (int i = 0; i < 3; ++i) frames.push_back(arp);
  return frames;
}

}  // namespace

TEST_CASE("Workers sharing a capture by IP pair see disjoint flows that add up to what one worker sees") {
  const std::vector<Frame> frames = capture();
  ShardedWorker whole(0, 1);
  ShardedWorker first(0, 2), second(1, 2);
  for (ShardedWorker* w : {&whole, &first, &second}) {
    for (std::size_t i = 0; i < frames.size(); ++i) feed(*w->worker, frames[i], 100 + static_cast<std::int64_t>(i));
    w->worker->finish();
  }
  const std::uint64_t flows = whole.worker->flow_stats().total;
  REQUIRE(flows == 64);
  CHECK(first.worker->flow_stats().total + second.worker->flow_stats().total == flows);
  // Both shards have work (32 address pairs over 2 shards), and each packet is kept exactly once.
  CHECK(first.worker->flow_stats().total > 0);
  CHECK(second.worker->flow_stats().total > 0);
  CHECK(first.worker->stats().packets + second.worker->stats().packets == frames.size());
  CHECK(first.worker->stats().other_shard == second.worker->stats().packets);
  CHECK(second.worker->stats().other_shard == first.worker->stats().packets);

  // The records (one login per flow, which needs both directions) are split without overlap.
  REQUIRE(!whole.sink.lines.empty());
  std::map<std::string, int> together = first.sink.lines;
  for (const auto& [line, count] : second.sink.lines) {
    CHECK(first.sink.lines.count(line) == 0);
    together[line] += count;
  }
  CHECK(together == whole.sink.lines);
  const auto& app = whole.worker->app_layer_stats();
  const auto ftp = static_cast<std::size_t>(events::Protocol::ftp);
  CHECK(app.flows[ftp] == 64);
  CHECK(first.worker->app_layer_stats().flows[ftp] + second.worker->app_layer_stats().flows[ftp] == 64);
  CHECK(first.worker->app_layer_stats().tx[ftp] + second.worker->app_layer_stats().tx[ftp] == app.tx[ftp]);
}

TEST_CASE("Frames without IP belong to the first shard") {
  ShardedWorker first(0, 2), second(1, 2);
  const Frame arp = ethernet(Frame(28, 0), 0x0806);
  for (ShardedWorker* w : {&first, &second}) feed(*w->worker, arp, 1);
  CHECK(first.worker->stats().packets == 1);
  CHECK(second.worker->stats().packets == 0);
  CHECK(second.worker->stats().other_shard == 1);
}

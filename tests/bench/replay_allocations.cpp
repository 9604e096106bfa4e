// Heap allocations on the packet path after warm-up, on a real capture (the benchmark's "must be
// zero"): replays CAPTURE through one engine::Worker with the default options and the shipped rules,
// twice. The first pass warms the pools up to the capture's high-water mark; the second, with every
// timestamp a day later (so every flow is new and the first pass's flows have timed out), counts the
// global operator new calls. Prints one JSON line.
//
//   spanwatch-replay-allocations CAPTURE [RULES_DIR]
#include <cstdio>
#include <cstdint>
#include <memory>

#include <pcap/pcap.h>

#include "alert/eve_writer.hpp"
#include "alert/record.hpp"
#include "engine/worker.hpp"
#include "rules/rule_set.hpp"
#include "rules/rule_set_holder.hpp"
#include "support/allocation_counter.hpp"

namespace {

using namespace spanwatch;

class CountingSink final : public alert::RecordSink {
 public:
  bool write(const alert::Record&) override {
    ++records;
    return true;
  }
  std::uint64_t records = 0;
};

// Feeds every packet of `path` to `worker`, `shift_seconds` later than captured; false if unreadable.
bool replay(const char* path, engine::Worker& worker, std::int64_t shift_seconds, std::uint64_t& packets) {
  char error[PCAP_ERRBUF_SIZE];
  pcap_t* handle = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, error);
  if (handle == nullptr) {
    std::fprintf(stderr, "spanwatch-replay-allocations: %s\n", error);
    return false;
  }
  const int linktype = pcap_datalink(handle);
  pcap_pkthdr* header = nullptr;
  const std::uint8_t* data = nullptr;
  while (pcap_next_ex(handle, &header, &data) == 1) {
    core::PacketView view;
    view.ts = {header->ts.tv_sec + shift_seconds, static_cast<std::uint32_t>(header->ts.tv_usec)};
    view.caplen = header->caplen;
    view.wirelen = header->len;
    view.linktype = linktype;
    view.data = {data, header->caplen};
    worker.on_packet(view);
    ++packets;
  }
  pcap_close(handle);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: spanwatch-replay-allocations CAPTURE [RULES_DIR]\n");
    return 2;
  }
  std::unique_ptr<rules::RuleSetHolder> holder;
  if (argc == 3) holder = std::make_unique<rules::RuleSetHolder>(rules::load_rules(argv[2]));
  const engine::EngineOptions options;
  alert::EveWriter eve;
  CountingSink sink;
  engine::Worker worker(options, eve, sink, holder.get());

  std::uint64_t warm_packets = 0, packets = 0;
  if (!replay(argv[1], worker, 0, warm_packets)) return 1;
  const std::uint64_t warm_records = sink.records;
  const std::uint64_t before = testing::heap_allocations();
  if (!replay(argv[1], worker, 86400, packets)) return 1;
  const std::uint64_t allocations = testing::heap_allocations() - before;
  std::printf("{\"packets\":%llu,\"records\":%llu,\"allocations_after_warm_up\":%llu}\n",
              static_cast<unsigned long long>(packets), static_cast<unsigned long long>(sink.records - warm_records),
              static_cast<unsigned long long>(allocations));
  return allocations == 0 ? 0 : 1;
}

#pragma once
// Everything one packet worker needs to be told, gathered from each layer's own options.
#include <cstddef>
#include <cstdint>

#include "decode/decode_options.hpp"
#include "engine/app_layer_options.hpp"
#include "flow/flow_table_options.hpp"
#include "flow/tcp/reassembly_options.hpp"

namespace spanwatch::engine {

struct EngineOptions {
  decode::DecodeOptions decode;
  flow::FlowTableOptions flow;
  // Reassembly hands the application layer at most 1 MiB per direction (Suricata's default
  // stream.reassembly.depth); protocol dissectors stop far earlier on their own.
  flow::tcp::ReassemblyOptions stream = [] {
    flow::tcp::ReassemblyOptions options;
    options.depth = 1u << 20;
    return options;
  }();
  AppLayerOptions app;
  bool anomaly_records = true;  // write an EVE anomaly record per malformed packet / stream anomaly
  // Several workers reading the same packets (offline: each its own handle on the file) each keep
  // the packets of their shard: a symmetric hash of the IP address pair, so both directions of a
  // flow, its fragments, and every flow between two hosts land on one worker. Packets without IP
  // belong to shard 0.
  std::uint16_t shard_index = 0;
  std::uint16_t shard_count = 1;
};

}  // namespace spanwatch::engine

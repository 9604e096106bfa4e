#pragma once
// The capture profiles spanwatch-gen writes. Each is deterministic for a given seed.
#include <cstdint>

#include "capture_sink.hpp"
#include "rng.hpp"

namespace spanwatch::tools {

// ~1.5k packets exercising the packet path: every link/IP/TCP corner the decoder and reassembly meet.
void generate_foundation(CaptureSink& sink, Rng& rng);

// A few hundred packets of the traffic the sensor's rules detect, protocol-correct byte for byte.
void generate_demo(CaptureSink& sink, Rng& rng);

struct MixedOptions {
  std::uint64_t target_bytes = 200ull << 20;
  std::uint32_t concurrency = 0;  // sessions open at once; 0 picks from the target size
};
// The benchmark mix: many concurrent sessions, mostly TLS, until about target_bytes are written.
void generate_mixed(CaptureSink& sink, Rng& rng, const MixedOptions& options);

}  // namespace spanwatch::tools

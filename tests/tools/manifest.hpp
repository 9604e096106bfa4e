#pragma once
// The ground-truth manifest written next to a generated capture (--manifest), as flat JSON so an
// end-to-end test can compare each key with the sensor's stats counters.
#include <cstdint>
#include <string>

#include "capture_sink.hpp"

namespace spanwatch::tools {

struct ManifestHeader {
  std::string profile;
  std::uint64_t seed = 0;
  std::string format;
};

// Throws std::runtime_error when the file cannot be written.
void write_manifest(const std::string& path, const ManifestHeader& header, const CaptureSink& sink);

}  // namespace spanwatch::tools

// spanwatch-gen: writes a deterministic synthetic capture (and optionally its ground-truth manifest)
// for the demo, end-to-end tests and benchmarks. See README.md for the profiles.
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include "capture_sink.hpp"
#include "manifest.hpp"
#include "profiles.hpp"

namespace {

using spanwatch::testing::PcapWriter;
using namespace spanwatch::tools;

// 2024-03-01 09:00:00 UTC: a fixed start so the same seed gives the same bytes.
constexpr std::uint64_t capture_start_ns = 1709283600ull * 1000000000ull;

struct Arguments {
  std::string profile;
  std::string out;
  std::string manifest;
  std::string format = "pcap";
  std::uint64_t seed = 1;
  std::uint64_t size_mb = 200;
  std::uint32_t concurrency = 0;
};

int usage(const char* error) {
  if (*error != '\0') std::fprintf(stderr, "spanwatch-gen: %s\n", error);
  std::fprintf(stderr,
               "usage: spanwatch-gen --profile foundation|demo|mixed --out FILE.pcap [--seed N] [--size-mb M]\n"
               "                     [--concurrency N] [--manifest FILE.json] [--format pcap|pcapng|pcap-ns]\n");
  return *error == '\0' ? 0 : 2;
}

bool parse_number(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return false;
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9' || value > (UINT64_MAX - 9) / 10) return false;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  out = value;
  return true;
}

// Returns an error message, "" for --help, or nullptr when the arguments are complete and valid.
const char* parse(int argc, char** argv, Arguments& a) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view key = argv[i];
    if (key == "--help" || key == "-h") return "";
    if (i + 1 >= argc) return "missing value after an option";
    const std::string_view value = argv[++i];
    std::uint64_t number = 0;
    if (key == "--profile") {
      a.profile = value;
    } else if (key == "--out") {
      a.out = value;
    } else if (key == "--manifest") {
      a.manifest = value;
    } else if (key == "--format") {
      a.format = value;
    } else if (key == "--seed") {
      if (!parse_number(value, a.seed)) return "--seed wants a non-negative integer";
    } else if (key == "--size-mb") {
      if (!parse_number(value, number) || number == 0 || number > 1000000) return "--size-mb wants 1..1000000";
      a.size_mb = number;
    } else if (key == "--concurrency") {
      if (!parse_number(value, number) || number == 0 || number > 1000000) return "--concurrency wants 1..1000000";
      a.concurrency = static_cast<std::uint32_t>(number);
    } else {
      return "unknown option";
    }
  }
  if (a.profile.empty() || a.out.empty()) return "--profile and --out are required";
  if (a.profile != "foundation" && a.profile != "demo" && a.profile != "mixed") return "unknown profile";
  if (a.format != "pcap" && a.format != "pcapng" && a.format != "pcap-ns") return "unknown format";
  return nullptr;
}

PcapWriter::Format format_of(const std::string& name) {
  if (name == "pcapng") return PcapWriter::Format::pcapng;
  if (name == "pcap-ns") return PcapWriter::Format::pcap_nanos;
  return PcapWriter::Format::pcap_micros;
}

}  // namespace

int main(int argc, char** argv) {
  Arguments args;
  if (const char* error = parse(argc, argv, args)) return usage(error);
  try {
    CaptureSink sink(args.out, format_of(args.format), capture_start_ns);
    Rng rng(args.seed);
    if (args.profile == "foundation") {
      generate_foundation(sink, rng);
    } else if (args.profile == "demo") {
      generate_demo(sink, rng);
    } else {
      MixedOptions options;
      options.target_bytes = args.size_mb << 20;
      options.concurrency = args.concurrency;
      generate_mixed(sink, rng, options);
    }
    sink.close();
    if (!args.manifest.empty()) write_manifest(args.manifest, {args.profile, args.seed, args.format}, sink);
    std::fprintf(stderr, "spanwatch-gen: %s: %llu packets, %llu bytes\n", args.out.c_str(),
                 static_cast<unsigned long long>(sink.tally().packets),
                 static_cast<unsigned long long>(sink.tally().bytes));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "spanwatch-gen: %s\n", e.what());
    return 1;
  }
  return 0;
}

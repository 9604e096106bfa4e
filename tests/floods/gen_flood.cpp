// spanwatch-gen-flood SCENARIO --out FILE.pcap [--count N] [--seed N] [--no-flood]
// Writes one of the flood / pathological captures (see README.md) and prints
// {"packets": P, "count": N} on stdout.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "scenarios.hpp"

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: spanwatch-gen-flood flood|ftp-commands|smb-outstanding|tls-huge-hello --out FILE.pcap\n"
               "       [--count N] [--seed N] [--no-flood]\n"
               "  flood            N flood flows (default 1000000) + SMB brute force; --no-flood: brute force only\n"
               "  ftp-commands     N pipelined FTP commands on one connection (default 1000000)\n"
               "  smb-outstanding  N unanswered SMB2 SESSION_SETUP requests (default 100000)\n"
               "  tls-huge-hello   a ClientHello of N bytes in 16 KiB records (default 16777215)\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace spanwatch::floods;
  if (argc < 2) return usage();
  const std::string_view scenario = argv[1];
  std::string out;
  std::uint64_t count = 0, seed = 1;
  bool flood = true;
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--no-flood") {
      flood = false;
    } else if (i + 1 < argc && arg == "--out") {
      out = argv[++i];
    } else if (i + 1 < argc && arg == "--count") {
      count = std::strtoull(argv[++i], nullptr, 10);
    } else if (i + 1 < argc && arg == "--seed") {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else {
      return usage();
    }
  }
  if (out.empty()) return usage();
  try {
    std::uint64_t packets = 0;
    if (scenario == "flood") {
      FloodSpec spec;
      if (count != 0) spec.flows = count;
      spec.flood = flood;
      spec.seed = seed;
      count = spec.flows;
      packets = write_flood(out, spec);
    } else if (scenario == "ftp-commands") {
      if (count == 0) count = 1000000;
      packets = write_ftp_commands(out, count, seed);
    } else if (scenario == "smb-outstanding") {
      if (count == 0) count = 100000;
      packets = write_smb_outstanding(out, count, seed);
    } else if (scenario == "tls-huge-hello") {
      if (count == 0 || count > 0xffffff) count = 0xffffff;
      packets = write_tls_huge_client_hello(out, static_cast<std::uint32_t>(count), seed);
    } else {
      return usage();
    }
    std::printf("{\"packets\": %llu, \"count\": %llu}\n", static_cast<unsigned long long>(packets),
                static_cast<unsigned long long>(count));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "spanwatch-gen-flood: %s\n", e.what());
    return 1;
  }
  return 0;
}

// spanwatch-check-capture FILE MANIFEST.json: reads a generated capture back with libpcap and checks it
// against its manifest (packet count, captured and wire bytes) and that timestamps never go back.
// Exit 0 when everything matches, 1 with a message per mismatch otherwise.
#include <pcap/pcap.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <rapidjson/document.h>

namespace {

struct Totals {
  std::uint64_t packets = 0, bytes = 0, wire_bytes = 0, backwards = 0;
};

bool read_capture(const char* path, Totals& t) {
  char error[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, error);
  if (p == nullptr) {
    std::fprintf(stderr, "check-capture: %s\n", error);
    return false;
  }
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  std::uint64_t last_ns = 0;
  int rc = 0;
  while ((rc = pcap_next_ex(p, &header, &data)) == 1) {
    ++t.packets;
    t.bytes += header->caplen;
    t.wire_bytes += header->len;
    const std::uint64_t ns = static_cast<std::uint64_t>(header->ts.tv_sec) * 1000000000u +
                             static_cast<std::uint64_t>(header->ts.tv_usec);  // ns with NANO precision
    if (ns < last_ns) ++t.backwards;
    last_ns = ns;
  }
  const bool ok = rc == PCAP_ERROR_BREAK;
  if (!ok) std::fprintf(stderr, "check-capture: read error: %s\n", pcap_geterr(p));
  pcap_close(p);
  return ok;
}

bool expect(const rapidjson::Document& manifest, const char* key, std::uint64_t actual) {
  if (!manifest.HasMember(key) || !manifest[key].IsUint64()) {
    std::fprintf(stderr, "check-capture: manifest has no %s\n", key);
    return false;
  }
  const std::uint64_t expected = manifest[key].GetUint64();
  if (expected == actual) return true;
  std::fprintf(stderr, "check-capture: %s: manifest %llu, capture %llu\n", key,
               static_cast<unsigned long long>(expected), static_cast<unsigned long long>(actual));
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: spanwatch-check-capture FILE.pcap MANIFEST.json\n");
    return 2;
  }
  std::ifstream in(argv[2]);
  std::stringstream text;
  text << in.rdbuf();
  rapidjson::Document manifest;
  if (!in || manifest.Parse(text.str().c_str()).HasParseError() || !manifest.IsObject()) {
    std::fprintf(stderr, "check-capture: cannot parse %s\n", argv[2]);
    return 1;
  }
  Totals t;
  if (!read_capture(argv[1], t)) return 1;
  bool ok = expect(manifest, "packets", t.packets);
  ok = expect(manifest, "bytes", t.bytes) && ok;
  ok = expect(manifest, "wire_bytes", t.wire_bytes) && ok;
  if (t.backwards != 0) {
    std::fprintf(stderr, "check-capture: %llu timestamps go backwards\n", static_cast<unsigned long long>(t.backwards));
    ok = false;
  }
  if (ok) std::printf("check-capture: %llu packets match the manifest\n", static_cast<unsigned long long>(t.packets));
  return ok ? 0 : 1;
}

// spanwatch-bare-loop FILE [--dispatch] [--stdio-buffer]: the floor every sensor run is compared
// with. Reads a capture with nothing but libpcap, touching each packet's first byte so the loop
// cannot be optimised away, and prints one JSON line:
//   {"mode":"next_ex","packets":N,"bytes":N,"seconds":S,"mpps":M,"first_byte_sum":X}
// bytes are captured bytes (caplen). seconds covers open, read and close.
#include <pcap/pcap.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

namespace {

struct Totals {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::uint64_t first_byte_sum = 0;
};

void count_packet(Totals& totals, const pcap_pkthdr* header, const unsigned char* data) {
  ++totals.packets;
  totals.bytes += header->caplen;
  if (header->caplen > 0) totals.first_byte_sum += data[0];
}

void on_packet(unsigned char* user, const pcap_pkthdr* header, const unsigned char* data) {
  count_packet(*reinterpret_cast<Totals*>(user), header, data);
}

// Returns false (after printing why) when libpcap reports an error.
bool read_with_next_ex(pcap_t* handle, Totals& totals) {
  pcap_pkthdr* header = nullptr;
  const unsigned char* data = nullptr;
  int rc = 0;
  while ((rc = pcap_next_ex(handle, &header, &data)) == 1) count_packet(totals, header, data);
  if (rc == PCAP_ERROR_BREAK) return true;  // end of file
  std::fprintf(stderr, "spanwatch-bare-loop: %s\n", pcap_geterr(handle));
  return false;
}

bool read_with_dispatch(pcap_t* handle, Totals& totals) {
  int rc = 0;
  while ((rc = pcap_dispatch(handle, 4096, on_packet, reinterpret_cast<unsigned char*>(&totals))) > 0) {
  }
  if (rc == 0) return true;  // end of file
  std::fprintf(stderr, "spanwatch-bare-loop: %s\n", pcap_geterr(handle));
  return false;
}

int usage() {
  std::fprintf(stderr,
               "usage: spanwatch-bare-loop FILE [--dispatch] [--stdio-buffer]\n"
               "  --dispatch      read with pcap_dispatch instead of pcap_next_ex\n"
               "  --stdio-buffer  give the FILE a 1 MiB stdio buffer (as spanwatch does)\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  bool dispatch = false;
  bool stdio_buffer = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--dispatch") == 0) {
      dispatch = true;
    } else if (std::strcmp(argv[i], "--stdio-buffer") == 0) {
      stdio_buffer = true;
    } else if (argv[i][0] == '-' || path != nullptr) {
      return usage();
    } else {
      path = argv[i];
    }
  }
  if (path == nullptr) return usage();

  const auto start = std::chrono::steady_clock::now();
  constexpr std::size_t buffer_bytes = std::size_t{1} << 20;
  std::unique_ptr<char[]> buffer;
  std::FILE* file = std::fopen(path, "rb");
  if (file == nullptr) {
    std::fprintf(stderr, "spanwatch-bare-loop: cannot open %s: %s\n", path, std::strerror(errno));
    return 1;
  }
  if (stdio_buffer) {
    buffer = std::make_unique<char[]>(buffer_bytes);
    std::setvbuf(file, buffer.get(), _IOFBF, buffer_bytes);
  }
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* handle = pcap_fopen_offline(file, errbuf);
  if (handle == nullptr) {
    std::fclose(file);
    std::fprintf(stderr, "spanwatch-bare-loop: cannot open %s: %s\n", path, errbuf);
    return 1;
  }
  Totals totals;
  const bool ok = dispatch ? read_with_dispatch(handle, totals) : read_with_next_ex(handle, totals);
  pcap_close(handle);  // closes the FILE before its buffer goes away
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!ok) return 1;

  std::printf("{\"mode\":\"%s\",\"packets\":%llu,\"bytes\":%llu,\"seconds\":%.6f,\"mpps\":%.4f,\"first_byte_sum\":%llu}\n",
              dispatch ? "dispatch" : "next_ex", static_cast<unsigned long long>(totals.packets),
              static_cast<unsigned long long>(totals.bytes), seconds,
              seconds > 0 ? static_cast<double>(totals.packets) / seconds / 1e6 : 0.0,
              static_cast<unsigned long long>(totals.first_byte_sum));
  return 0;
}

// open_offline(): a pcap or pcapng file read through a stdio buffer we own.
#include <pcap/pcap.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <system_error>

#include "capture/bpf_filter.hpp"
#include "capture/capture_error.hpp"
#include "capture/packet_source.hpp"

namespace spanwatch::capture {
namespace {

// Looking ahead reads the FILE's unread range (glibc's _IO_read_ptr/_IO_read_end, as gnulib's
// freadptr does); elsewhere the engine just goes without prefetching.
std::optional<FileLookahead> lookahead_for(std::FILE* file) {
#if defined(__GLIBC__)
  unsigned char magic[4];
  if (::pread(fileno(file), magic, sizeof magic, 0) != static_cast<ssize_t>(sizeof magic)) return std::nullopt;
  return FileLookahead::for_magic(magic);
#else
  (void)file;
  return std::nullopt;
#endif
}

}  // namespace

std::unique_ptr<PacketSource> open_offline(const std::string& path, std::uint16_t source_index,
                                           const OfflineOptions& options) {
  std::unique_ptr<PacketSource> source(new PacketSource(PacketSource::Kind::offline, source_index, path));
  source->offline_batch_ = std::max(1, options.batch_packets);
  source->stdio_buffer_ = std::make_unique<char[]>(PacketSource::stdio_buffer_bytes);

  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) throw CaptureError("cannot open " + path + ": " + std::generic_category().message(errno));
  // Must come before the first read of the FILE.
  std::setvbuf(file, source->stdio_buffer_.get(), _IOFBF, PacketSource::stdio_buffer_bytes);
  source->file_ = file;
  source->lookahead_ = lookahead_for(file);
  struct stat info {};
  if (fstat(fileno(file), &info) == 0 && info.st_size > 0) source->file_size_ = static_cast<std::uint64_t>(info.st_size);

  char errbuf[PCAP_ERRBUF_SIZE] = {};
  ::pcap* handle = pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (handle == nullptr) {
    std::fclose(file);  // on failure libpcap leaves the FILE to us
    throw CaptureError("cannot open " + path + ": " + errbuf);
  }
  source->handle_.reset(handle);  // from here pcap_close closes the FILE
  source->subsecond_scale_ = pcap_get_tstamp_precision(handle) == PCAP_TSTAMP_PRECISION_NANO ? 1 : 1000;
  source->linktype_ = pcap_datalink(handle);
  install_bpf_filter(handle, options.bpf, path);
  return source;
}

}  // namespace spanwatch::capture

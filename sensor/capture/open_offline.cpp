// open_offline(): a pcap or pcapng file, read ahead on a thread of its own (ReadAheadFile) when it is
// a regular file, through a stdio buffer we own otherwise.
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio_ext.h>
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

std::unique_ptr<PacketSource> open_offline(const std::string& path, std::uint16_t source_index,
                                           const OfflineOptions& options) {
  std::unique_ptr<PacketSource> source(new PacketSource(PacketSource::Kind::offline, source_index, path));
  source->offline_batch_ = std::max(1, options.batch_packets);

  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw CaptureError("cannot open " + path + ": " + std::generic_category().message(errno));
  struct stat info {};
  const bool regular = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode);
  source->stdio_buffer_ = std::make_unique_for_overwrite<char[]>(PacketSource::stdio_buffer_bytes);
  std::FILE* file = nullptr;
  if (regular) {
    if (info.st_size > 0) source->file_size_ = static_cast<std::uint64_t>(info.st_size);
    unsigned char magic[4];
    if (::pread(fd, magic, sizeof magic, 0) == static_cast<ssize_t>(sizeof magic))
      source->lookahead_ = FileLookahead::for_magic(magic);
    source->read_ahead_ = std::make_unique<ReadAheadFile>(fd);  // owns fd from here
    file = source->read_ahead_->open_stream(source->stdio_buffer_.get(), PacketSource::stdio_buffer_bytes);
  } else {
    // A pipe or device: read through stdio on this thread (a reader blocked on a pipe could not be
    // stopped promptly).
    file = ::fdopen(fd, "rb");
    if (file == nullptr) {
      const int error = errno;
      ::close(fd);
      errno = error;
    } else {
      std::setvbuf(file, source->stdio_buffer_.get(), _IOFBF, PacketSource::stdio_buffer_bytes);  // before any read
    }
  }
  if (file == nullptr) throw CaptureError("cannot open " + path + ": " + std::generic_category().message(errno));
  // Only the dispatching thread reads the FILE: stdio need not lock it for each of the two freads
  // per packet (it does once the process has a second thread).
  ::__fsetlocking(file, FSETLOCKING_BYCALLER);

  char errbuf[PCAP_ERRBUF_SIZE] = {};
  ::pcap* handle = pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (handle == nullptr) {
    std::fclose(file);  // on failure libpcap leaves the FILE to us
    throw CaptureError("cannot open " + path + ": " + errbuf);
  }
  source->file_ = file;
  source->handle_.reset(handle);  // from here pcap_close closes the FILE
  source->subsecond_scale_ = pcap_get_tstamp_precision(handle) == PCAP_TSTAMP_PRECISION_NANO ? 1 : 1000;
  source->linktype_ = pcap_datalink(handle);
  install_bpf_filter(handle, options.bpf, path);
  return source;
}

}  // namespace spanwatch::capture

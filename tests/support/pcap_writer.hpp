#pragma once
// Writes classic pcap files (µs or ns timestamps) and minimal pcapng files, for captures the tests
// and tools generate. Header-only; buffered through stdio.
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace spanwatch::testing {

class PcapWriter {
 public:
  enum class Format { pcap_micros, pcap_nanos, pcapng };

  PcapWriter(const std::string& path, int linktype = 1, Format format = Format::pcap_micros,
             std::uint32_t snaplen = 262144)
      : format_(format) {
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr) throw std::runtime_error("cannot write " + path);
    std::setvbuf(file_, buffer_.data(), _IOFBF, buffer_.size());
    if (format_ == Format::pcapng) {
      write_section_header();
      write_interface(linktype, snaplen);
    } else {
      put32(format_ == Format::pcap_nanos ? 0xa1b23c4d : 0xa1b2c3d4);
      put16(2);
      put16(4);
      put32(0);
      put32(0);
      put32(snaplen);
      put32(static_cast<std::uint32_t>(linktype));
    }
  }
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;
  ~PcapWriter() { close(); }

  // `nanos` is the fraction of the second in nanoseconds; µs files keep nanos / 1000.
  void write(std::int64_t seconds, std::uint32_t nanos, const std::vector<std::uint8_t>& frame) {
    write(seconds, nanos, frame.data(), static_cast<std::uint32_t>(frame.size()));
  }
  void write(std::int64_t seconds, std::uint32_t nanos, const std::uint8_t* data, std::uint32_t length,
             std::uint32_t wire_length = 0) {
    if (wire_length == 0) wire_length = length;
    if (format_ == Format::pcapng) {
      const std::uint32_t padded = (length + 3) & ~3u;
      const std::uint32_t total = 32 + padded;
      const std::uint64_t ticks = static_cast<std::uint64_t>(seconds) * 1000000u + nanos / 1000u;  // default µs
      put32(6);
      put32(total);
      put32(0);
      put32(static_cast<std::uint32_t>(ticks >> 32));
      put32(static_cast<std::uint32_t>(ticks));
      put32(length);
      put32(wire_length);
      std::fwrite(data, 1, length, file_);
      for (std::uint32_t i = length; i < padded; ++i) std::fputc(0, file_);
      put32(total);
    } else {
      put32(static_cast<std::uint32_t>(seconds));
      put32(format_ == Format::pcap_nanos ? nanos : nanos / 1000u);
      put32(length);
      put32(wire_length);
      std::fwrite(data, 1, length, file_);
    }
    ++packets_;
  }
  std::uint64_t packets() const { return packets_; }
  void close() {
    // exchange first: g++ 12 -O2 otherwise warns (-Wuse-after-free) about the reset after fclose.
    if (std::FILE* file = std::exchange(file_, nullptr)) std::fclose(file);
  }

 private:
  // Host byte order, as libpcap accepts both and this is what tcpdump writes.
  void put32(std::uint32_t v) { std::fwrite(&v, 4, 1, file_); }
  void put16(std::uint16_t v) { std::fwrite(&v, 2, 1, file_); }
  void write_section_header() {
    put32(0x0a0d0d0a);
    put32(28);
    put32(0x1a2b3c4d);
    put16(1);
    put16(0);
    put32(0xffffffff);
    put32(0xffffffff);
    put32(28);
  }
  void write_interface(int linktype, std::uint32_t snaplen) {
    put32(1);
    put32(20);
    put16(static_cast<std::uint16_t>(linktype));
    put16(0);
    put32(snaplen);
    put32(20);
  }

  Format format_;
  std::FILE* file_ = nullptr;
  std::vector<char> buffer_ = std::vector<char>(1 << 20);
  std::uint64_t packets_ = 0;
};

}  // namespace spanwatch::testing

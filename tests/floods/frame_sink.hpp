#pragma once
// Where the flood generator's frames go, with the capture clock. `PcapSink` writes a capture;
// `RecordingSink` keeps timestamped frames in memory so a slow conversation can be laid out first
// and then interleaved, in time order, with a flood written packet by packet.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "support/pcap_writer.hpp"

namespace spanwatch::floods {

// 2024-03-01 09:00:00 UTC, as spanwatch-gen, so captures from both tools line up.
constexpr std::int64_t capture_epoch_ns = 1709283600LL * 1000000000LL;

class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual void write(std::int64_t ns, std::span<const std::uint8_t> frame) = 0;

  // The clock the conversation writers use; a sink never moves it by itself.
  std::int64_t now_ns() const { return now_ns_; }
  void advance_ns(std::int64_t ns) { now_ns_ += ns; }
  void set_now_ns(std::int64_t ns) { now_ns_ = ns; }
  void write_now(std::span<const std::uint8_t> frame) { write(now_ns_, frame); }

 private:
  std::int64_t now_ns_ = capture_epoch_ns;
};

class PcapSink final : public FrameSink {
 public:
  explicit PcapSink(const std::string& path) : writer_(path) {}
  void write(std::int64_t ns, std::span<const std::uint8_t> frame) override {
    writer_.write(ns / 1000000000LL, static_cast<std::uint32_t>(ns % 1000000000LL), frame.data(),
                  static_cast<std::uint32_t>(frame.size()));
  }
  std::uint64_t packets() const { return writer_.packets(); }

 private:
  testing::PcapWriter writer_;
};

struct TimedFrame {
  std::int64_t ns = 0;
  std::vector<std::uint8_t> bytes;
};

class RecordingSink final : public FrameSink {
 public:
  void write(std::int64_t ns, std::span<const std::uint8_t> frame) override {
    frames_.push_back({ns, std::vector<std::uint8_t>(frame.begin(), frame.end())});
  }
  const std::vector<TimedFrame>& frames() const { return frames_; }

 private:
  std::vector<TimedFrame> frames_;
};

}  // namespace spanwatch::floods

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string_view>
#include <thread>

#include "capture/capture_error.hpp"
#include "capture/packet_source.hpp"
#include "capture_test_support.hpp"

using namespace spanwatch::capture;
using Catch::Matchers::Contains;
using spanwatch::capture::test::Collector;

namespace {

constexpr int linktype_ethernet = 1;  // Linux presents lo as Ethernet

// Opens lo or returns null after a WARN, so an environment without capture rights skips, visibly.
std::unique_ptr<PacketSource> open_loopback(const LiveOptions& options) {
  try {
    return open_live("lo", 3, options);
  } catch (const CaptureError& error) {
    WARN("skipping live capture on lo: " << error.what());
    return nullptr;
  }
}

// A UDP socket bound to an ephemeral port on 127.0.0.1; closes on scope exit.
class LoopbackUdp {
 public:
  LoopbackUdp() : fd_(::socket(AF_INET, SOCK_DGRAM, 0)) {
    REQUIRE(fd_ >= 0);
    address_.sin_family = AF_INET;
    address_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address_), sizeof address_) == 0);
    socklen_t length = sizeof address_;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address_), &length) == 0);
  }
  LoopbackUdp(const LoopbackUdp&) = delete;
  LoopbackUdp& operator=(const LoopbackUdp&) = delete;
  ~LoopbackUdp() { ::close(fd_); }
  std::uint16_t port() const { return ntohs(address_.sin_port); }
  void send_to_self(std::string_view payload) const {
    REQUIRE(::sendto(fd_, payload.data(), payload.size(), 0, reinterpret_cast<const sockaddr*>(&address_),
                     sizeof address_) == static_cast<ssize_t>(payload.size()));
  }

 private:
  int fd_;
  sockaddr_in address_{};
};

bool contains_bytes(const std::vector<std::uint8_t>& haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

}  // namespace

TEST_CASE("Live capture on lo opens with a pollable descriptor and working statistics") {
  auto source = open_loopback({});
  if (!source) return;
  CHECK(source->kind() == PacketSource::Kind::live);
  CHECK(source->name() == "lo");
  CHECK(source->linktype() == linktype_ethernet);
  CHECK(source->selectable_fd() >= 0);
  CHECK(source->snaplen() == 262144);
  CHECK(source->file_size() == 0);
  CHECK(source->file_position() == 0);
  INFO("warnings: " << source->warnings());
  const CaptureStats stats = source->stats();
  CHECK(stats.packets == 0);
  CHECK(stats.kernel_drops == 0);
}

TEST_CASE("Live capture on lo delivers a datagram sent to itself, filtered by BPF") {
  LoopbackUdp socket;
  LiveOptions options;
  options.bpf = "udp dst port " + std::to_string(socket.port());
  options.buffer_size_mib = 4;
  auto source = open_loopback(options);
  if (!source) return;

  constexpr std::string_view payload = "spanwatch live capture test";
  const auto before = std::chrono::system_clock::now();
  socket.send_to_self(payload);
  Collector seen;
  // The kernel hands over a TPACKET_V3 block when it fills or its timeout expires (100 ms).
  for (int round = 0; round < 50 && seen.packets.empty(); ++round) {
    const auto result = source->dispatch(-1, &Collector::on_packet, &seen);
    REQUIRE(result.status != DispatchStatus::error);
  }
  REQUIRE(seen.packets.size() == 1);
  const auto& packet = seen.packets[0];
  CHECK(packet.source == 3);
  CHECK(packet.linktype == linktype_ethernet);
  CHECK(packet.caplen == 14 + 20 + 8 + payload.size());
  CHECK(packet.wirelen == packet.caplen);
  CHECK(contains_bytes(packet.data, payload));
  const auto seconds_before = std::chrono::duration_cast<std::chrono::seconds>(before.time_since_epoch()).count();
  CHECK(packet.ts.seconds >= seconds_before - 1);
  CHECK(packet.ts.seconds <= seconds_before + 10);

  const CaptureStats stats = source->stats();
  CHECK(stats.packets == 1);
  CHECK(stats.bytes == packet.caplen);
  CHECK(stats.kernel_packets >= 1);
  CHECK(stats.kernel_drops == 0);
}

TEST_CASE("A live dispatch on an idle interface returns timeout after about timeout_ms") {
  LiveOptions options;
  options.bpf = "udp dst port 9 and udp src port 9";  // nothing on lo matches
  options.timeout_ms = 50;
  auto source = open_loopback(options);
  if (!source) return;
  Collector seen;
  const auto start = std::chrono::steady_clock::now();
  const auto result = source->dispatch(-1, &Collector::on_packet, &seen);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(result.status == DispatchStatus::timeout);
  CHECK(result.count == 0);
  CHECK(elapsed >= std::chrono::milliseconds(40));
  CHECK(elapsed < std::chrono::seconds(2));
}

TEST_CASE("break_loop stops a live dispatch, called before it or from another thread while it waits") {
  LiveOptions options;
  options.bpf = "udp dst port 9 and udp src port 9";  // nothing on lo matches
  options.timeout_ms = 200;
  auto source = open_loopback(options);
  if (!source) return;
  Collector seen;

  source->break_loop();
  const auto before = source->dispatch(-1, &Collector::on_packet, &seen);
  CHECK(before.status == DispatchStatus::stopped);
  CHECK(before.count == 0);

  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    source->break_loop();
  });
  // The break lands while dispatch waits in poll (timeout 200 ms), so its second read reports it.
  const auto during = source->dispatch(-1, &Collector::on_packet, &seen);
  stopper.join();
  CHECK(during.status == DispatchStatus::stopped);
  CHECK(seen.packets.empty());
}

TEST_CASE("break_loop from the callback stops a live dispatch after that packet and the rest follow") {
  LoopbackUdp socket;
  LiveOptions options;
  options.bpf = "udp dst port " + std::to_string(socket.port());
  options.buffer_size_mib = 4;
  auto source = open_loopback(options);
  if (!source) return;
  for (int i = 0; i < 3; ++i) socket.send_to_self("datagram " + std::to_string(i));

  Collector seen;
  seen.stop_after_first = source.get();
  DispatchResult first;
  for (int round = 0; round < 50 && seen.packets.empty(); ++round) first = source->dispatch(-1, &Collector::on_packet, &seen);
  CHECK(first.status == DispatchStatus::stopped);
  CHECK(first.count == 1);
  REQUIRE(seen.packets.size() == 1);
  CHECK(contains_bytes(seen.packets[0].data, "datagram 0"));

  seen.stop_after_first = nullptr;
  for (int round = 0; round < 50 && seen.packets.size() < 3; ++round) {
    const auto result = source->dispatch(-1, &Collector::on_packet, &seen);
    REQUIRE(result.status != DispatchStatus::stopped);  // the break was consumed by the call it stopped
    REQUIRE(result.status != DispatchStatus::error);
  }
  REQUIRE(seen.packets.size() == 3);
  CHECK(contains_bytes(seen.packets[2].data, "datagram 2"));
  CHECK(source->stats().packets == 3);
}

TEST_CASE("An invalid BPF filter on an interface is reported with the filter text") {
  LiveOptions options;
  options.bpf = "port 99999999";
  std::string message;
  try {
    open_live("lo", 0, options);
    FAIL("no CaptureError thrown");
  } catch (const CaptureError& error) {
    message = error.what();
  }
  if (message.find("BPF") == std::string::npos) {
    WARN("skipping: lo cannot be opened here: " << message);
    return;
  }
  CHECK_THAT(message, Contains("lo: cannot compile BPF filter 'port 99999999': "));
}

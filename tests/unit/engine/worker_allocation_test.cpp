// The packet path allocates nothing per packet after warm-up (ARCHITECTURE.md): replay a mix of
// traffic once to warm up, then replay it again with fresh flows and count operator new calls.
#include <catch2/catch.hpp>

#include "alert/eve_file.hpp"
#include "engine/worker.hpp"
#include "support/allocation_counter.hpp"
#include "support/packet_builder.hpp"
#include "support/protocol_builders.hpp"

// Every global operator new in this binary is counted (spanwatch_allocation_counter).

namespace {

using namespace spanwatch;
using namespace spanwatch::testing;

// One round of traffic: FTP logins with PORT and TLS handshakes over IPv4, IPv6 and VLAN, with an
// out-of-order segment and a retransmission, fragmented UDP, and a malformed frame. `round` shifts
// ports so every flow is new.
std::vector<Frame> traffic(std::uint16_t round) {
  std::vector<Frame> out;
  const Address c4 = Address::v4(10, 0, 0, 1), s4 = Address::v4(10, 0, 0, 2);
  const Address c6 = Address::v6_simple(0xfd00, 1), s6 = Address::v6_simple(0xfd00, 2);
  const Frame banner = line("220 ready"), user = line("USER alice"), ask = line("331 password"),
              pass = line("PASS secret"), ok = line("230 ok"), port = ftp_port_command(c4, 50000);
  tls::ClientHelloSpec hello;
  hello.server_name = "example.test";
  const Frame client_hello = tls::record(tls::ContentType::handshake, tls::version::tls10, tls::client_hello(hello));
  const Frame server_hello = tls::record(tls::ContentType::handshake, tls::version::tls12, tls::server_hello({}));
  for (int i = 0; i < 50; ++i) {
    const bool v6 = i % 5 == 0, is_tls = i % 2 == 0;
    const Address& c = v6 ? c6 : c4;
    const Address& s = v6 ? s6 : s4;
    EthernetOptions eth;
    if (i % 3 == 0) eth.vlans = {static_cast<std::uint16_t>(100 + i % 7)};
    const std::uint16_t sport = static_cast<std::uint16_t>(20000 + round * 100 + i);
    const std::uint16_t dport = is_tls ? 443 : 21;
    std::uint32_t cs = 1000, ss = 50000;
    auto to_server = [&](const Frame& data, std::uint8_t flags = tcp_flags::ack) {
      out.push_back(tcp_frame(c, s, {sport, dport, cs, ss, flags, 65535, {}, data}, eth));
      cs += static_cast<std::uint32_t>(data.size());
    };
    auto to_client = [&](const Frame& data, std::uint8_t flags = tcp_flags::ack) {
      out.push_back(tcp_frame(s, c, {dport, sport, ss, cs, flags, 65535, {}, data}, eth));
      ss += static_cast<std::uint32_t>(data.size());
    };
    out.push_back(tcp_frame(c, s, {sport, dport, cs++, 0, tcp_flags::syn, 65535, {}, {}}, eth));
    out.push_back(tcp_frame(s, c, {dport, sport, ss++, cs, tcp_flags::syn | tcp_flags::ack, 65535, {}, {}}, eth));
    to_server({});
    if (is_tls) {
      // The hello in two segments, the second captured first; then a retransmission of the first.
      const Frame first(client_hello.begin(), client_hello.begin() + 40), second(client_hello.begin() + 40, client_hello.end());
      out.push_back(tcp_frame(c, s, {sport, dport, cs + 40, ss, tcp_flags::ack, 65535, {}, second}, eth));
      to_server(first);
      out.push_back(out.back());
      cs += static_cast<std::uint32_t>(second.size());
      to_client(server_hello);
    } else {
      to_client(banner);
      to_server(user);
      to_client(ask);
      to_server(pass);
      to_client(ok);
      to_server(port);
    }
    to_server({}, tcp_flags::fin | tcp_flags::ack);
    ++cs;
    to_client({}, tcp_flags::fin | tcp_flags::ack);
    ++ss;
    to_server({});
  }
  const Frame big(3000, 'u');
  for (auto& f : ipv4_fragments(Address::v4(10, 0, 0, 3), Address::v4(10, 0, 0, 4), 17,
                                udp_bytes(Address::v4(10, 0, 0, 3), Address::v4(10, 0, 0, 4), 5353, 53, big), 1400,
                                static_cast<std::uint16_t>(round)))
    out.push_back(f);
  Frame truncated = tcp_frame(c4, s4, {1, 2, 3, 4, tcp_flags::ack, 1, {}, {}});
  truncated.resize(30);
  out.push_back(truncated);
  return out;
}

void replay(engine::Worker& worker, const std::vector<Frame>& frames, std::int64_t second) {
  std::uint32_t micros = 0;
  for (const auto& f : frames) {
    core::PacketView view;
    view.ts = core::Timestamp::from_micros(second, micros += 10);
    view.caplen = view.wirelen = static_cast<std::uint32_t>(f.size());
    view.linktype = 1;
    view.data = {f.data(), f.size()};
    worker.on_packet(view);
  }
}

}  // namespace

TEST_CASE("The packet path allocates nothing per packet after warm-up") {
  engine::EngineOptions options;
  options.flow.max_flows = 4096;
  options.stream.memcap_bytes = 4u << 20;
  options.decode.defrag.memcap_bytes = 1u << 20;
  alert::EveFile eve_file;
  REQUIRE(eve_file.open("/dev/null"));
  alert::EveWriter eve;
  engine::Worker worker(options, eve, eve_file);

  const auto warm_up = traffic(0);
  const auto steady = traffic(1);
  replay(worker, warm_up, 1'700'000'000);
  const std::uint64_t before = spanwatch::testing::heap_allocations();
  replay(worker, steady, 1'700'000'200);  // after the first round's flows timed out: pools are warm
  const std::uint64_t during = spanwatch::testing::heap_allocations() - before;

  // The replay did real work: new flows, reassembly, recognition, FTP and TLS parsing (with EVE
  // records), defragmentation and an anomaly record.
  CHECK(worker.flow_stats().total >= 100);
  CHECK(worker.decode_stats().defrag.ipv4_reassembled == 2);
  CHECK(worker.stats().malformed == 2);
  const auto& app = worker.app_layer_stats();
  CHECK(app.flows[static_cast<std::size_t>(events::Protocol::ftp)] == 50);
  CHECK(app.flows[static_cast<std::size_t>(events::Protocol::tls)] == 50);
  CHECK(app.tx[static_cast<std::size_t>(events::Protocol::ftp)] > 0);
  CHECK(app.records > 100);
  CHECK(during == 0);
}

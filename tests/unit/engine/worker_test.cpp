#include <catch2/catch.hpp>

#include "alert/eve_file.hpp"
#include "engine/worker.hpp"
#include "support/packet_builder.hpp"
#include "support/protocol_builders.hpp"

using namespace spanwatch;
using namespace spanwatch::testing;

namespace {

void feed(engine::Worker& worker, const Frame& f, std::int64_t second, std::uint32_t micros) {
  core::PacketView view;
  view.ts = core::Timestamp::from_micros(second, micros);
  view.caplen = view.wirelen = static_cast<std::uint32_t>(f.size());
  view.linktype = 1;
  view.data = {f.data(), f.size()};
  worker.on_packet(view);
}

}  // namespace

TEST_CASE("A flow's reassembled bytes reach the recognised parser once, in order, both ways") {
  engine::EngineOptions options;
  options.flow.max_flows = 64;
  options.stream.memcap_bytes = 1u << 20;
  alert::EveFile eve_file;
  alert::EveWriter eve;
  engine::Worker worker(options, eve, eve_file);
  const Address c = Address::v4(192, 168, 1, 10), s = Address::v4(192, 168, 1, 20);
  feed(worker, tcp_frame(c, s, {40000, 21, 100, 0, tcp_flags::syn, 65535, {}, {}}), 10, 0);
  feed(worker, tcp_frame(s, c, {21, 40000, 900, 101, tcp_flags::syn | tcp_flags::ack, 65535, {}, {}}), 10, 1);
  feed(worker, tcp_frame(s, c, {21, 40000, 901, 101, tcp_flags::ack, 65535, {}, bytes_of("220 hi\r\n")}), 10, 2);
  feed(worker, tcp_frame(c, s, {40000, 21, 101, 909, tcp_flags::ack, 65535, {}, bytes_of("USER x\r\n")}), 10, 3);
  worker.finish();
  const auto& app = worker.app_layer_stats();
  CHECK(app.bytes[0] == 8);
  CHECK(app.bytes[1] == 8);
  CHECK(app.flows[static_cast<std::size_t>(events::Protocol::ftp)] == 1);
  CHECK(app.tx[static_cast<std::size_t>(events::Protocol::ftp)] >= 1);  // USER with its login pending
  CHECK(worker.flow_stats().total == 1);
}

TEST_CASE("Flows that end by timeout give their reassembly state back") {
  engine::EngineOptions options;
  options.flow.max_flows = 8;
  options.flow.timeouts.tcp_new = 30;
  options.stream.memcap_bytes = 1u << 20;
  alert::EveFile eve_file;
  alert::EveWriter eve;
  engine::Worker worker(options, eve, eve_file);
  const Address c = Address::v4(10, 1, 1, 1), s = Address::v4(10, 1, 1, 2);
  // Far more flows than the table holds, each a lone SYN, spread over time so most time out.
  for (std::uint16_t i = 0; i < 200; ++i)
    feed(worker, tcp_frame(c, s, {static_cast<std::uint16_t>(1000 + i), 80, 1, 0, tcp_flags::syn, 1, {}, {}}),
         100 + i * 5, 0);
  CHECK(worker.stats().no_stream_state == 0);
  CHECK(worker.flow_stats().total == 200);
  CHECK(worker.flow_stats().active <= 8);
  CHECK(worker.stream_stats().active_sessions == worker.flow_stats().active);
}

TEST_CASE("A flow no parser recognises is bypassed after both sides spoke") {
  engine::EngineOptions options;
  options.app.late_tls_window = 0;  // no watching for TLS behind a prologue: bypass at once
  options.flow.max_flows = 8;
  options.stream.memcap_bytes = 1u << 20;
  alert::EveFile eve_file;
  alert::EveWriter eve;
  engine::Worker worker(options, eve, eve_file);
  const Address c = Address::v4(10, 2, 2, 1), s = Address::v4(10, 2, 2, 2);
  feed(worker, tcp_frame(c, s, {40001, 80, 100, 0, tcp_flags::syn, 65535, {}, {}}), 10, 0);
  feed(worker, tcp_frame(s, c, {80, 40001, 900, 101, tcp_flags::syn | tcp_flags::ack, 65535, {}, {}}), 10, 1);
  const Frame get = bytes_of("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  const Frame reply = bytes_of("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody");
  feed(worker, tcp_frame(c, s, {40001, 80, 101, 901, tcp_flags::ack, 65535, {}, get}), 10, 2);
  feed(worker, tcp_frame(s, c, {80, 40001, 901, 101 + static_cast<std::uint32_t>(get.size()), tcp_flags::ack, 65535, {}, reply}), 10, 3);
  // Later bytes are not delivered: the flow is bypassed.
  feed(worker, tcp_frame(s, c, {80, 40001, 901 + static_cast<std::uint32_t>(reply.size()), 101, tcp_flags::ack, 65535, {}, reply}), 10, 4);
  const auto& app = worker.app_layer_stats();
  CHECK(app.unrecognised == 1);
  CHECK(app.bytes[1] == reply.size());
  CHECK(worker.stream_stats().bypassed == 1);
}

TEST_CASE("TLS that starts after a plain prologue is still parsed (IRC STARTTLS on 6667)") {
  engine::EngineOptions options;
  options.flow.max_flows = 8;
  options.stream.memcap_bytes = 1u << 20;
  alert::EveFile eve_file;
  alert::EveWriter eve;
  engine::Worker worker(options, eve, eve_file);
  const Address c = Address::v4(10, 3, 3, 1), s = Address::v4(10, 3, 3, 2);
  const Frame starttls = bytes_of("STARTTLS\r\n");
  const Frame go_ahead = bytes_of(":irc.example.test 670  :STARTTLS successful, go ahead with TLS handshake\r\n");
  tls::ClientHelloSpec spec;
  spec.server_name = "irc.example.test";
  const Frame hello = tls::record(tls::ContentType::handshake, tls::version::tls10, tls::client_hello(spec));
  std::uint32_t cs = 100, ss = 900;
  feed(worker, tcp_frame(c, s, {40002, 6667, cs++, 0, tcp_flags::syn, 65535, {}, {}}), 10, 0);
  feed(worker, tcp_frame(s, c, {6667, 40002, ss++, cs, tcp_flags::syn | tcp_flags::ack, 65535, {}, {}}), 10, 1);
  feed(worker, tcp_frame(c, s, {40002, 6667, cs, ss, tcp_flags::ack, 65535, {}, starttls}), 10, 2);
  cs += static_cast<std::uint32_t>(starttls.size());
  feed(worker, tcp_frame(s, c, {6667, 40002, ss, cs, tcp_flags::ack, 65535, {}, go_ahead}), 10, 3);
  ss += static_cast<std::uint32_t>(go_ahead.size());
  feed(worker, tcp_frame(c, s, {40002, 6667, cs, ss, tcp_flags::ack, 65535, {}, hello}), 10, 4);
  worker.finish();
  const auto& app = worker.app_layer_stats();
  CHECK(app.late_tls == 1);
  CHECK(app.flows[static_cast<std::size_t>(events::Protocol::tls)] == 1);
  CHECK(app.flows[static_cast<std::size_t>(events::Protocol::smtp)] == 0);
  CHECK(app.tx[static_cast<std::size_t>(events::Protocol::tls)] >= 1);
}

// The worker gives per-flow resources back as soon as a flow needs them no more, not when the flow
// times out: a parser when its TCP session is closed and fully delivered, the cold state when the
// flow is bypassed.
#include <catch2/catch.hpp>

#include "alert/eve_file.hpp"
#include "engine/worker.hpp"
#include "support/packet_builder.hpp"

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

// An FTP control session from `port` that logs in with USER and closes with FINs from both sides
// and the last ACK, all within second `second`.
void closed_ftp_session(engine::Worker& worker, const Address& c, const Address& s, std::uint16_t port,
                        std::int64_t second) {
  const Frame banner = bytes_of("220 hi\r\n");
  const Frame user = bytes_of("USER x\r\n");
  const Frame reply = bytes_of("331 pass\r\n");
  std::uint32_t cs = 100, ss = 900;
  std::uint32_t t = 0;
  feed(worker, tcp_frame(c, s, {port, 21, cs++, 0, tcp_flags::syn, 65535, {}, {}}), second, t++);
  feed(worker, tcp_frame(s, c, {21, port, ss++, cs, tcp_flags::syn | tcp_flags::ack, 65535, {}, {}}), second, t++);
  feed(worker, tcp_frame(s, c, {21, port, ss, cs, tcp_flags::ack, 65535, {}, banner}), second, t++);
  ss += static_cast<std::uint32_t>(banner.size());
  feed(worker, tcp_frame(c, s, {port, 21, cs, ss, tcp_flags::ack, 65535, {}, user}), second, t++);
  cs += static_cast<std::uint32_t>(user.size());
  feed(worker, tcp_frame(s, c, {21, port, ss, cs, tcp_flags::ack, 65535, {}, reply}), second, t++);
  ss += static_cast<std::uint32_t>(reply.size());
  feed(worker, tcp_frame(c, s, {port, 21, cs++, ss, tcp_flags::fin | tcp_flags::ack, 65535, {}, {}}), second, t++);
  feed(worker, tcp_frame(s, c, {21, port, ss++, cs, tcp_flags::fin | tcp_flags::ack, 65535, {}, {}}), second, t++);
  feed(worker, tcp_frame(c, s, {port, 21, cs, ss, tcp_flags::ack, 65535, {}, {}}), second, t++);
}

}  // namespace

TEST_CASE("A closed, fully delivered flow hands its parser back before the flow times out") {
  engine::EngineOptions options;
  options.flow.max_flows = 16;
  options.flow.timeouts.tcp_closed = 60;
  options.stream.memcap_bytes = 1u << 20;
  options.app.max_ftp = 1;  // one FTP parser: the second session needs the first one's
  alert::EveFile eve_file;
  alert::EveWriter eve;
  engine::Worker worker(options, eve, eve_file);
  const Address c = Address::v4(10, 4, 4, 1), s = Address::v4(10, 4, 4, 2);
  closed_ftp_session(worker, c, s, 40010, 10);
  // Both FINs and the last ACK were seen: the session ended although its flow is still in the table.
  CHECK(worker.flow_stats().active == 1);
  CHECK(worker.stream_stats().active_sessions == 0);
  closed_ftp_session(worker, c, s, 40011, 11);  // well within the first flow's closed timeout
  const auto& app = worker.app_layer_stats();
  const auto ftp = static_cast<std::size_t>(events::Protocol::ftp);
  CHECK(app.pool_exhausted[ftp] == 0);
  CHECK(app.flows[ftp] == 2);
  // The second session's USER was parsed (a request and its reply per session).
  CHECK(app.tx[ftp] >= 4);
  worker.finish();
  CHECK(worker.flow_stats().total == 2);
}

TEST_CASE("A session with a FIN but bytes still missing keeps its parser until the flow ends") {
  engine::EngineOptions options;
  options.flow.max_flows = 16;
  options.stream.memcap_bytes = 1u << 20;
  options.app.max_ftp = 1;
  alert::EveFile eve_file;
  alert::EveWriter eve;
  engine::Worker worker(options, eve, eve_file);
  const Address c = Address::v4(10, 5, 5, 1), s = Address::v4(10, 5, 5, 2);
  const Frame banner = bytes_of("220 hi\r\n");
  feed(worker, tcp_frame(c, s, {40020, 21, 100, 0, tcp_flags::syn, 65535, {}, {}}), 10, 0);
  feed(worker, tcp_frame(s, c, {21, 40020, 900, 101, tcp_flags::syn | tcp_flags::ack, 65535, {}, {}}), 10, 1);
  feed(worker, tcp_frame(s, c, {21, 40020, 901, 101, tcp_flags::ack, 65535, {}, banner}), 10, 2);
  // The client's FIN comes 8 bytes after a segment the capture lost: that direction is not done.
  feed(worker, tcp_frame(c, s, {40020, 21, 109, 909, tcp_flags::fin | tcp_flags::ack, 65535, {}, {}}), 10, 3);
  feed(worker, tcp_frame(s, c, {21, 40020, 909, 101, tcp_flags::fin | tcp_flags::ack, 65535, {}, {}}), 10, 4);
  CHECK(worker.stream_stats().active_sessions == 1);
  worker.finish();
  CHECK(worker.stream_stats().active_sessions == 0);
}

TEST_CASE("A bypassed flow gives its reassembly state back at once and later packets stay bypassed") {
  engine::EngineOptions options;
  options.app.late_tls_window = 0;  // an unrecognised flow is bypassed as soon as both sides spoke
  options.flow.max_flows = 8;
  options.stream.memcap_bytes = 1u << 20;
  alert::EveFile eve_file;
  alert::EveWriter eve;
  engine::Worker worker(options, eve, eve_file);
  const Address c = Address::v4(10, 6, 6, 1), s = Address::v4(10, 6, 6, 2);
  const Frame get = bytes_of("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  const Frame reply = bytes_of("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody");
  const auto gs = static_cast<std::uint32_t>(get.size()), rs = static_cast<std::uint32_t>(reply.size());
  feed(worker, tcp_frame(c, s, {40030, 80, 100, 0, tcp_flags::syn, 65535, {}, {}}), 10, 0);
  feed(worker, tcp_frame(s, c, {80, 40030, 900, 101, tcp_flags::syn | tcp_flags::ack, 65535, {}, {}}), 10, 1);
  feed(worker, tcp_frame(c, s, {40030, 80, 101, 901, tcp_flags::ack, 65535, {}, get}), 10, 2);
  feed(worker, tcp_frame(s, c, {80, 40030, 901, 101 + gs, tcp_flags::ack, 65535, {}, reply}), 10, 3);
  CHECK(worker.stream_stats().bypassed == 1);
  CHECK(worker.stream_stats().active_sessions == 0);  // finished now, not at the flow's end
  CHECK(worker.flow_stats().active == 1);
  // More data on the bypassed flow opens no new session (it would start midstream otherwise).
  feed(worker, tcp_frame(s, c, {80, 40030, 901 + rs, 101 + gs, tcp_flags::ack, 65535, {}, reply}), 10, 4);
  CHECK(worker.stream_stats().sessions == 1);
  CHECK(worker.stream_stats().midstream_pickups == 0);
  CHECK(worker.app_layer_stats().bytes[1] == reply.size());
  worker.finish();
  CHECK(worker.flow_stats().end_state.local_bypassed == 1);
}

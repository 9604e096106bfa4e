#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "tcp_test_support.hpp"

using namespace spanwatch::flow::tcp;
using namespace spanwatch::flow::tcp::test;

namespace {

constexpr std::uint32_t client_isn = 0xfffff000u;  // long streams also cross the wrap
constexpr std::uint32_t server_isn = 77;

WireSegment client_at(std::uint32_t offset, std::string_view text) {
  return make_segment(to_server, client_isn + 1 + offset, 0, flag::psh, text);
}

ReassemblyOptions tiny(std::size_t chunks, std::size_t per_direction_chunks) {
  ReassemblyOptions o;
  o.segment_chunk_bytes = 64;
  o.memcap_bytes = chunks * 64;
  o.max_buffered_per_direction = per_direction_chunks * 64;
  return o;
}

}  // namespace

TEST_CASE("Hitting the per-direction cap declares the first hole lost instead of dropping data") {
  const std::string text = pattern(64 * 6, 1);
  auto piece = [&](int i) { return client_at(i * 64, std::string_view(text).substr(i * 64, 64)); };
  Harness h(tiny(100, 2));
  h.send(make_segment(to_server, client_isn, 0, flag::syn));
  h.send(piece(1));
  h.send(piece(3));
  CHECK(h.session.buffered_chunks(to_server) == 2);
  h.send(piece(5));  // a third chunk would pass the cap: the hole 0..64 is declared
  CHECK(h.stats().segment_direction_cap_drop == 1);
  CHECK(h.stats().segment_memcap_drop == 0);
  CHECK(h.consumer.gaps_of(to_server) == std::vector<std::uint64_t>{64});
  CHECK(h.consumer.bytes(to_server) == text.substr(64, 64));
  CHECK(h.session.buffered_chunks(to_server) == 2);  // pieces 3 and 5
  h.finish();
  CHECK(h.consumer.gaps_of(to_server) == std::vector<std::uint64_t>{64, 64, 64});
  CHECK(h.consumer.bytes(to_server) == text.substr(64, 64) + text.substr(192, 64) + text.substr(320, 64));
}

TEST_CASE("An exhausted global pool makes a session declare its hole while others keep their data") {
  Reassembler reassembler(tiny(2, 100));
  TcpSession first, second;
  RecordingConsumer first_consumer, second_consumer;
  reassembler.open(first);
  reassembler.open(second);
  const auto send = [](TcpSession& s, RecordingConsumer& c, const WireSegment& w) {
    s.on_segment(w.dir, w.tcp, w.payload(), {}, c);
  };
  const std::string text = pattern(200, 2);
  const auto syn = make_segment(to_server, client_isn, 0, flag::syn);
  send(first, first_consumer, syn);
  send(second, second_consumer, syn);
  send(first, first_consumer, client_at(64, std::string_view(text).substr(64, 128)));  // takes both chunks
  CHECK(reassembler.pool().available() == 0);
  send(second, second_consumer, client_at(100, std::string_view(text).substr(100, 50)));
  CHECK(reassembler.stats().segment_memcap_drop == 1);
  CHECK(second_consumer.gaps_of(to_server) == std::vector<std::uint64_t>{100});
  CHECK(second_consumer.bytes(to_server) == text.substr(100, 50));
  send(first, first_consumer, client_at(0, std::string_view(text).substr(0, 64)));
  CHECK(first_consumer.bytes(to_server) == text.substr(0, 192));
  CHECK(first_consumer.gaps_of(to_server).empty());
  CHECK(reassembler.pool().in_use() == 0);
  CHECK(reassembler.stats().reassembly_memuse == 0);
  CHECK(reassembler.stats().memuse == 128);
}

TEST_CASE("Lossy, reordered, duplicated traffic over a tiny pool never delivers a wrong byte") {
  std::mt19937 random(20240611);
  Reassembler reassembler(tiny(12, 4));
  constexpr int session_count = 6;
  TcpSession sessions[session_count];
  std::vector<CheckingConsumer> consumers;
  std::vector<std::vector<WireSegment>> traffic(session_count);
  for (int s = 0; s < session_count; ++s) {
    reassembler.open(sessions[s]);
    const std::string text = pattern(3000 + 500 * s, s);
    consumers.emplace_back(text);
    std::vector<std::pair<std::size_t, std::size_t>> pieces;  // offset, length
    for (std::size_t at = 0; at < text.size();) {
      const std::size_t n = std::min<std::size_t>(text.size() - at, 1 + random() % 150);
      pieces.emplace_back(at, n);
      at += n;
    }
    // Local reordering, 10 % loss, 10 % duplicates, and now and then a resend spanning two pieces.
    for (std::size_t i = 0; i + 1 < pieces.size(); ++i) {
      if (random() % 3 == 0) std::swap(pieces[i], pieces[std::min(pieces.size() - 1, i + 1 + random() % 4)]);
    }
    auto& out = traffic[s];
    out.push_back(make_segment(to_server, client_isn, 0, flag::syn));
    std::size_t acked = 0;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      auto [at, n] = pieces[i];
      if (random() % 10 == 0) n = std::min(text.size() - at, n + 40);
      if (random() % 10 != 0) out.push_back(client_at(static_cast<std::uint32_t>(at), std::string_view(text).substr(at, n)));
      if (random() % 10 == 0) out.push_back(out.back());
      // The server acknowledges what was sent well before (the receiver had every byte).
      if (i >= 8 && random() % 4 == 0) {
        acked = std::max(acked, pieces[i - 8].first);
        out.push_back(make_segment(to_client, server_isn + 1, client_isn + 1 + static_cast<std::uint32_t>(acked), flag::ack));
      }
    }
  }
  // Interleave the sessions so they compete for the pool.
  std::vector<std::size_t> cursor(session_count, 0);
  for (bool any = true; any;) {
    any = false;
    for (int s = 0; s < session_count; ++s) {
      if (cursor[s] >= traffic[s].size()) continue;
      const auto& w = traffic[s][cursor[s]++];
      sessions[s].on_segment(w.dir, w.tcp, w.payload(), {}, consumers[s]);
      any = true;
    }
  }
  for (int s = 0; s < session_count; ++s) sessions[s].finish(consumers[s]);

  const auto stats = reassembler.stats();
  CHECK(stats.segment_memcap_drop + stats.segment_direction_cap_drop > 0);  // the limits were exercised
  CHECK(reassembler.pool().in_use() == 0);
  CHECK(stats.active_sessions == 0);
  for (int s = 0; s < session_count; ++s) {
    INFO("session " << s);
    CHECK(consumers[s].mismatches == 0);
    CHECK(consumers[s].finish_calls == 1);
    CHECK(consumers[s].delivered + consumers[s].lost == sessions[s].next_offset(to_server));
    CHECK(consumers[s].delivered > 0);
  }
}

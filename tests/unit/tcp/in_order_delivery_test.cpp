#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>

#include "tcp_test_support.hpp"

using namespace spanwatch::flow::tcp;
using namespace spanwatch::flow::tcp::test;

namespace {

constexpr std::uint32_t client_isn = 1000;
constexpr std::uint32_t server_isn = 5000;
const std::string client_text = "USER anonymous\r\nPASS secret\r\nRETR file.txt\r\n";
const std::string server_text = "220 ready\r\n331 password?\r\n230 ok\r\n";

// Segments carrying `text` from offset 0 of `dir` at the given cut points. Their ACK only
// acknowledges the peer's SYN, so no delivery order can make an ACK declare a hole.
std::vector<WireSegment> cut(Direction dir, const std::string& text, std::vector<std::size_t> cuts) {
  const std::uint32_t isn = dir == to_server ? client_isn : server_isn;
  const std::uint32_t peer_isn = dir == to_server ? server_isn : client_isn;
  cuts.insert(cuts.begin(), 0);
  cuts.push_back(text.size());
  std::vector<WireSegment> out;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    out.push_back(make_segment(dir, isn + 1 + static_cast<std::uint32_t>(cuts[i]), peer_isn + 1,
                               flag::ack | flag::psh, std::string_view(text).substr(cuts[i], cuts[i + 1] - cuts[i])));
  }
  return out;
}

void expect_whole_streams(Harness& h) {
  CHECK(h.consumer.bytes(to_server) == client_text);
  CHECK(h.consumer.bytes(to_client) == server_text);
  CHECK(h.consumer.gaps_of(to_server).empty());
  CHECK(h.consumer.gaps_of(to_client).empty());
}

}  // namespace

TEST_CASE("In-order bytes are delivered as views into the segment's payload (zero copy)") {
  Harness h;
  h.send_all(handshake(client_isn, server_isn));
  const auto segments = cut(to_server, client_text, {16, 29});
  for (const auto& s : segments) {
    const auto before = h.consumer.events.size();
    h.send(s);
    REQUIRE(h.consumer.events.size() == before + 1);
    CHECK(h.consumer.events.back().data == s.payload().data());
    CHECK(h.consumer.events.back().length == s.payload().size());
  }
  CHECK(h.consumer.bytes(to_server) == client_text);
  CHECK(h.reassembler.pool().in_use() == 0);
  CHECK(h.stats().syn == 1);
  CHECK(h.stats().synack == 1);
  CHECK(h.stats().midstream_pickups == 0);
}

TEST_CASE("A stream sent whole or byte by byte delivers the same bytes in both directions") {
  Harness whole;
  whole.send_all(handshake(client_isn, server_isn));
  whole.send_all(cut(to_server, client_text, {}));
  whole.send_all(cut(to_client, server_text, {}));
  whole.finish();
  expect_whole_streams(whole);

  Harness bytewise;
  bytewise.send_all(handshake(client_isn, server_isn));
  std::vector<std::size_t> every_client(client_text.size() - 1), every_server(server_text.size() - 1);
  std::iota(every_client.begin(), every_client.end(), 1);
  std::iota(every_server.begin(), every_server.end(), 1);
  const auto c = cut(to_server, client_text, every_client);
  const auto s = cut(to_client, server_text, every_server);
  for (std::size_t i = 0; i < std::max(c.size(), s.size()); ++i) {
    if (i < c.size()) bytewise.send(c[i]);
    if (i < s.size()) bytewise.send(s[i]);
  }
  bytewise.finish();
  expect_whole_streams(bytewise);
  CHECK(bytewise.consumer.finish_calls == 1);
}

TEST_CASE("Every arrival order of five segments of both directions delivers the same bytes") {
  std::vector<WireSegment> segments = cut(to_server, client_text, {7, 16, 30});  // four client pieces
  const auto reply = cut(to_client, server_text, {});
  segments.push_back(reply[0]);
  std::vector<std::size_t> order(segments.size());
  std::iota(order.begin(), order.end(), 0);
  int permutations = 0;
  do {
    Harness h;
    h.send_all(handshake(client_isn, server_isn));
    for (auto i : order) h.send(segments[i]);
    INFO("permutation " << permutations);
    expect_whole_streams(h);  // complete before finish(): nothing is still waiting in the pool
    CHECK(h.reassembler.pool().in_use() == 0);
    h.finish();
    CHECK(h.stats().overlap == 0);
    CHECK(h.stats().reassembly_gap == 0);
    ++permutations;
  } while (std::next_permutation(order.begin(), order.end()));
  CHECK(permutations == 120);
}

TEST_CASE("Sequence numbers wrapping past 2^32 map to a continuous stream, in any order") {
  const std::uint32_t isn = 0xfffffff0u;  // data starts 15 bytes before the wrap
  const std::string text = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::vector<WireSegment> segments;
  for (std::size_t at = 0; at < text.size(); at += 9) {
    segments.push_back(make_segment(to_server, isn + 1 + static_cast<std::uint32_t>(at), 0, flag::psh,
                                    std::string_view(text).substr(at, 9)));
  }
  REQUIRE(segments.size() == 4);
  std::vector<std::size_t> order{0, 1, 2, 3};
  do {
    Harness h;
    h.send(make_segment(to_server, isn, 0, flag::syn));
    for (auto i : order) h.send(segments[i]);
    CHECK(h.consumer.bytes(to_server) == text);
    CHECK(h.session.next_offset(to_server) == text.size());
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST_CASE("A flow seen without its SYN is picked up midstream at the first data segment") {
  Harness h;
  h.send(make_segment(to_server, 777777, 12345, flag::ack | flag::psh, "RETR a\r\n"));
  h.send(make_segment(to_client, 12345, 777785, flag::ack | flag::psh, "150 ok\r\n"));
  h.send(make_segment(to_server, 777785, 12353, flag::ack | flag::psh, "QUIT\r\n"));
  CHECK(h.consumer.bytes(to_server) == "RETR a\r\nQUIT\r\n");
  CHECK(h.consumer.bytes(to_client) == "150 ok\r\n");
  // Each direction starts with gap(0): earlier bytes exist, how many is unknown.
  CHECK(h.consumer.gaps_of(to_server) == std::vector<std::uint64_t>{0});
  CHECK(h.consumer.gaps_of(to_client) == std::vector<std::uint64_t>{0});
  CHECK(h.consumer.events.front().kind == Event::Kind::gap);
  CHECK(h.stats().midstream_pickups == 1);
  CHECK(h.stats().reassembly_gap == 0);
}

TEST_CASE("Data on a SYN (TCP fast open) is delivered before the rest of the stream") {
  Harness h;
  h.send(make_segment(to_server, client_isn, 0, flag::syn, "GET"));
  h.send(make_segment(to_client, server_isn, client_isn + 4, flag::syn | flag::ack));
  h.send(make_segment(to_server, client_isn + 4, server_isn + 1, flag::ack, " /"));
  CHECK(h.consumer.bytes(to_server) == "GET /");
}

TEST_CASE("A FIN ends its direction: bytes beyond it are ignored, the flow closes after both FINs") {
  Harness h;
  h.send_all(handshake(client_isn, server_isn));
  h.send(make_segment(to_server, client_isn + 1, server_isn + 1, flag::ack | flag::fin, "bye"));
  h.send(make_segment(to_server, client_isn + 4, server_isn + 1, flag::ack, "more"));
  CHECK(h.consumer.bytes(to_server) == "bye");
  CHECK(h.session.state(to_server) == StreamState::closed);
  CHECK_FALSE(h.session.closed());
  h.send(make_segment(to_client, server_isn + 1, client_isn + 5, flag::ack | flag::fin));
  CHECK(h.session.closed());
  h.finish();
  CHECK(h.consumer.gaps_of(to_server).empty());
  CHECK(h.consumer.gaps_of(to_client).empty());
}

TEST_CASE("After a RST, buffered data is flushed with its holes and later data is ignored") {
  Harness h;
  h.send_all(handshake(client_isn, server_isn));
  h.send(make_segment(to_server, client_isn + 1, server_isn + 1, flag::ack, "ab"));
  h.send(make_segment(to_server, client_isn + 5, server_isn + 1, flag::ack, "ef"));  // hole: 2 bytes
  h.send(make_segment(to_client, server_isn + 1, client_isn + 3, flag::rst | flag::ack));
  CHECK(h.consumer.bytes(to_server) == "abef");
  CHECK(h.consumer.gaps_of(to_server) == std::vector<std::uint64_t>{2});
  h.send(make_segment(to_server, client_isn + 7, server_isn + 1, flag::ack, "late"));
  h.send(make_segment(to_client, server_isn + 1, client_isn + 7, flag::ack, "late"));
  CHECK(h.consumer.bytes(to_server) == "abef");
  CHECK(h.consumer.bytes(to_client).empty());
  CHECK(h.session.closed());
  CHECK(h.stats().rst == 1);
  CHECK(h.reassembler.pool().in_use() == 0);
  h.finish();
  CHECK(h.consumer.finish_calls == 1);
}

// RSTs, ACKs and segments are checked against the receiver's window, so that a forged RST with an
// arbitrary sequence number cannot end a session (a classic way to blind an IDS) and a segment far
// ahead cannot take buffers.
#include <catch2/catch.hpp>

#include "tcp_test_support.hpp"

using namespace spanwatch::flow::tcp;
using namespace spanwatch::flow::tcp::test;

namespace {
constexpr std::uint32_t client_isn = 0x40000000u;
constexpr std::uint32_t server_isn = 0xffff0000u;  // the server's window crosses the 2^32 wrap

WireSegment client_at(std::uint32_t offset, std::string_view text) {
  return make_segment(to_server, client_isn + 1 + offset, server_isn + 1, flag::ack | flag::psh, text);
}
WireSegment server_rst(std::uint32_t offset_from_next) {
  return make_segment(to_client, server_isn + 1 + offset_from_next, client_isn + 1, flag::rst | flag::ack);
}
WireSegment client_rst(std::uint32_t seq) { return make_segment(to_server, seq, 0, flag::rst); }

// A handshake with the window scale option on both SYNs (or only the client's) and small windows.
void scaled_handshake(Harness& h, bool server_offers, std::uint8_t shift, std::uint16_t window) {
  h.send(make_segment(to_server, client_isn, 0, flag::syn, {}, window, window_scale_option(shift)));
  h.send(make_segment(to_client, server_isn, client_isn + 1, flag::syn | flag::ack, {}, window,
                      server_offers ? window_scale_option(shift) : spanwatch::testing::Frame{}));
  h.send(make_segment(to_server, client_isn + 1, server_isn + 1, flag::ack, {}, window));
  h.send(make_segment(to_client, server_isn + 1, client_isn + 1, flag::ack, {}, window));
}
}  // namespace

TEST_CASE("A forged RST outside the receiver's window is ignored and the stream keeps delivering") {
  Harness h;
  h.send_all(handshake(client_isn, server_isn));
  h.send(client_at(0, "USER alice\r\n"));
  h.send(server_rst(100000));                 // windows are 65535, unscaled
  h.send(client_rst(client_isn + 1 - 5000));  // behind what the client sent and the server ACKed
  h.send(client_rst(0x12345678));
  CHECK_FALSE(h.session.closed());
  CHECK(h.stats().rst == 3);
  CHECK(h.stats().rst_invalid == 3);
  h.send(client_at(12, "PASS secret\r\n"));
  CHECK(h.consumer.bytes(to_server) == "USER alice\r\nPASS secret\r\n");
  CHECK(h.consumer.gaps_of(to_server).empty());
}

TEST_CASE("A RST inside the receiver's window ends the session") {
  SECTION("at the next expected sequence number") {
    Harness h;
    h.send_all(handshake(client_isn, server_isn));
    h.send(client_at(0, "abc"));
    h.send(client_rst(client_isn + 4));
    CHECK(h.session.closed());
  }
  SECTION("anywhere within the advertised window") {
    Harness h;
    h.send_all(handshake(client_isn, server_isn));
    h.send(server_rst(65535));  // one past the window's end
    CHECK_FALSE(h.session.closed());
    h.send(server_rst(65534));
    CHECK(h.session.closed());
    CHECK(h.stats().rst_invalid == 1);
    h.send(client_at(0, "late"));
    CHECK(h.consumer.bytes(to_server).empty());
  }
  SECTION("at the receiver's last ACK, below what the sender was seen sending") {
    Harness h;
    h.send_all(handshake(client_isn, server_isn));
    h.send(client_at(0, "abcdef"));  // not ACKed: the server's last ACK is still client_isn + 1
    h.send(client_rst(client_isn + 1));
    CHECK(h.session.closed());
  }
}

TEST_CASE("The window a RST must fall in is scaled when both SYNs carry the window scale option") {
  SECTION("both offer: 1000 << 7 bytes") {
    Harness h;
    scaled_handshake(h, true, 7, 1000);
    h.send(server_rst(127999));
    CHECK(h.session.closed());
  }
  SECTION("both offer, beyond the scaled window") {
    Harness h;
    scaled_handshake(h, true, 7, 1000);
    h.send(server_rst(128000));
    CHECK_FALSE(h.session.closed());
    CHECK(h.stats().rst_invalid == 1);
  }
  SECTION("only the client offers: scaling is off and the window is 1000 bytes") {
    Harness h;
    scaled_handshake(h, false, 7, 1000);
    h.send(server_rst(1000));
    CHECK_FALSE(h.session.closed());
    h.send(server_rst(1001));
    CHECK_FALSE(h.session.closed());
    CHECK(h.stats().rst_invalid == 2);
    h.send(server_rst(999));
    CHECK(h.session.closed());
  }
}

TEST_CASE("Midstream the window scale is unknown: RSTs within unknown_window_bytes are accepted") {
  ReassemblyOptions options = Harness::small_options();
  options.unknown_window_bytes = 1 << 20;
  const auto midstream = [](Harness& h) {
    h.send(make_segment(to_server, 777000, 12000, flag::ack | flag::psh, "RETR a\r\n"));
    h.send(make_segment(to_client, 12000, 777008, flag::ack | flag::psh, "150 ok\r\n"));
  };
  Harness near(options);
  midstream(near);
  near.send(make_segment(to_client, 12008 + 900000, 777008, flag::rst | flag::ack));
  CHECK(near.session.closed());

  Harness far(options);
  midstream(far);
  far.send(make_segment(to_client, 12008 + 2000000, 777008, flag::rst | flag::ack));
  CHECK_FALSE(far.session.closed());
  CHECK(far.stats().rst_invalid == 1);
  far.send(make_segment(to_server, 777008, 12008, flag::ack | flag::psh, "QUIT\r\n"));
  CHECK(far.consumer.bytes(to_server) == "RETR a\r\nQUIT\r\n");
}

TEST_CASE("A RST from a direction never seen must acknowledge what the other side sent") {
  Harness refused;
  refused.send(make_segment(to_server, client_isn, 0, flag::syn));
  refused.send(make_segment(to_client, 0, client_isn + 1, flag::rst | flag::ack));
  CHECK(refused.session.closed());

  Harness forged;
  forged.send(make_segment(to_server, client_isn, 0, flag::syn));
  // Without an ACK flag: nothing is known of the server's sequence numbers.
  forged.send(make_segment(to_server, client_isn + 1, 0, flag::psh, "hello"));
  forged.send(make_segment(to_client, 0, client_isn + 1 + 1000000, flag::rst | flag::ack));
  forged.send(make_segment(to_client, 0, 0, flag::rst));  // no ACK: nothing ties it to the flow
  CHECK_FALSE(forged.session.closed());
  CHECK(forged.stats().rst_invalid == 2);
}

TEST_CASE("A segment far beyond the delivery point is ignored and takes no buffer") {
  Harness h;
  h.send_all(handshake(client_isn, server_isn));
  h.send(client_at(0, "abc"));
  h.send(client_at(0x50000000u, "forged bytes 1.25 GiB ahead"));
  CHECK(h.stats().segment_out_of_window == 1);
  CHECK(h.session.buffered_chunks(to_server) == 0);
  CHECK(h.reassembler.pool().in_use() == 0);
  h.send(client_at(3, "def"));
  h.finish();
  CHECK(h.consumer.bytes(to_server) == "abcdef");
  CHECK(h.consumer.gaps_of(to_server).empty());
}

TEST_CASE("max_ahead_bytes sets how far beyond delivery a segment may start") {
  ReassemblyOptions options = Harness::small_options();
  options.max_ahead_bytes = 1000;
  Harness h(options);
  h.send_all(handshake(client_isn, server_isn));
  h.send(client_at(1001, "x"));
  CHECK(h.stats().segment_out_of_window == 1);
  CHECK(h.session.buffered_chunks(to_server) == 0);
  h.send(client_at(1000, "y"));
  CHECK(h.stats().segment_out_of_window == 1);
  CHECK(h.session.buffered_chunks(to_server) == 1);
}

TEST_CASE("A forged segment beyond the window does not widen the window RSTs are checked against") {
  Harness h;
  h.send_all(handshake(client_isn, server_isn));
  // A pure ACK 500000 ahead in the server's sequence space, then a RST right after it.
  h.send(make_segment(to_client, server_isn + 1 + 500000, client_isn + 1, flag::ack));
  h.send(server_rst(500000));
  CHECK_FALSE(h.session.closed());
  CHECK(h.stats().rst_invalid == 1);
}

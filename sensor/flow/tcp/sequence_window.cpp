#include "flow/tcp/sequence_window.hpp"

#include <algorithm>

namespace spanwatch::flow::tcp {

namespace tcp_flag = decode::tcp_flag;

namespace {

constexpr std::uint8_t max_window_scale = 14;  // RFC 7323 2.3: larger shifts are taken as 14

// Is `a` after `b` in sequence space (within 2^31)?
bool after(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) > 0; }

// Is `seq` at most `window` bytes beyond `reference`? Sequence numbers behind `reference` (within
// 2^31) are old, not ahead, and pass.
bool at_most_ahead(std::uint32_t seq, std::uint32_t reference, std::uint64_t window) {
  const std::uint32_t ahead = seq - reference;
  return static_cast<std::int32_t>(ahead) <= 0 || ahead <= window;
}

}  // namespace

void SequenceWindow::note_sent(const decode::TcpInfo& tcp, std::size_t payload_size) {
  const std::uint32_t end = tcp.seq + static_cast<std::uint32_t>(payload_size) + (tcp.has(tcp_flag::syn) ? 1u : 0u) +
                            (tcp.has(tcp_flag::fin) ? 1u : 0u);
  if (!send_next_known || after(end, send_next)) send_next = end;
  send_next_known = true;
  window = tcp.window;
  window_known = true;
  window_on_syn = tcp.has(tcp_flag::syn);
  if (tcp.has(tcp_flag::syn)) {
    syn_seen = true;
    scale_offered = tcp.has_window_scale;
    window_scale = std::min(tcp.window_scale, max_window_scale);
  }
}

void SequenceWindow::note_acked(std::uint32_t ack) {
  if (!peer_acked_known || after(ack, peer_acked)) peer_acked = ack;
  peer_acked_known = true;
}

std::uint64_t receive_window(const SequenceWindow& receiver, const SequenceWindow& sender,
                             std::uint64_t unknown_window_bytes) {
  if (!receiver.window_known) return unknown_window_bytes;
  const std::uint64_t raw = receiver.window;
  if (receiver.window_on_syn) return raw;
  if (!receiver.syn_seen || !sender.syn_seen) return std::max(raw, unknown_window_bytes);
  // Scaling is in force only when both SYNs carried the option.
  return raw << (receiver.scale_offered && sender.scale_offered ? receiver.window_scale : 0);
}

bool rst_in_window(const SequenceWindow& sender, const SequenceWindow& receiver, const decode::TcpInfo& rst,
                   std::uint64_t window) {
  if (sender.send_next_known || sender.peer_acked_known) {
    std::uint32_t low = sender.send_next_known ? sender.send_next : sender.peer_acked;
    std::uint32_t high = low;
    if (sender.send_next_known && sender.peer_acked_known) {
      if (after(sender.peer_acked, sender.send_next)) {
        high = sender.peer_acked;
      } else {
        low = sender.peer_acked;
      }
    }
    // RCV.NXT <= SEG.SEQ < RCV.NXT + RCV.WND, where RCV.NXT may be anywhere in [low, high].
    const std::uint64_t within = std::uint64_t{high - low} + (window == 0 ? 0 : window - 1);
    return std::uint64_t{static_cast<std::uint32_t>(rst.seq - low)} <= within;
  }
  // A RST answering a segment of a connection it does not know acknowledges that segment (RFC 793
  // 3.4): it must then acknowledge bytes the receiver really sent.
  if (!receiver.send_next_known) return true;
  if (!rst.has(tcp_flag::ack)) return false;
  return static_cast<std::uint32_t>(receiver.send_next - rst.ack) <= window;
}

bool seq_in_window(const SequenceWindow& sender, std::uint32_t seq, std::uint64_t window) {
  if (!sender.send_next_known && !sender.peer_acked_known) return true;
  std::uint32_t reference = sender.send_next_known ? sender.send_next : sender.peer_acked;
  if (sender.send_next_known && sender.peer_acked_known && after(sender.peer_acked, reference))
    reference = sender.peer_acked;
  return at_most_ahead(seq, reference, window);
}

bool ack_in_window(const SequenceWindow& acked, std::uint32_t ack, std::uint64_t window) {
  if (acked.send_next_known) return at_most_ahead(ack, acked.send_next, window);
  if (acked.peer_acked_known) return at_most_ahead(ack, acked.peer_acked, window);
  return true;
}

}  // namespace spanwatch::flow::tcp

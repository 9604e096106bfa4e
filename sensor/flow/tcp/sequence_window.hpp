#pragma once
// What one direction of a TCP session has shown of its sequence space and receive window, in raw
// 32-bit sequence numbers (so it works before a stream offset base exists, e.g. for a direction that
// only ever sent pure ACKs). Used to accept RSTs and ACKs only inside the window a real peer would
// accept (RFC 793 / RFC 5961), so forged ones cannot end or skew the session.
#include <cstddef>
#include <cstdint>

#include "decode/decoded_packet.hpp"

namespace spanwatch::flow::tcp {

struct SequenceWindow {
  std::uint32_t send_next = 0;   // highest seq + length (+1 for SYN, +1 for FIN) sent: the sender's SND.NXT
  std::uint32_t peer_acked = 0;  // highest ACK the peer sent for this direction's bytes: the peer's RCV.NXT
  std::uint16_t window = 0;      // window field of this direction's latest segment (it as the receiver)
  std::uint8_t window_scale = 0;  // shift offered in this direction's SYN, capped at 14 (RFC 7323)
  bool send_next_known = false;
  bool peer_acked_known = false;
  bool window_known = false;
  bool window_on_syn = false;  // the window field came from a SYN, where it is never scaled
  bool syn_seen = false;
  bool scale_offered = false;

  // A segment this direction sent (not a RST), already accepted.
  void note_sent(const decode::TcpInfo& tcp, std::size_t payload_size);
  // The peer acknowledged this direction's bytes below `ack`.
  void note_acked(std::uint32_t ack);
};

// Bytes `receiver` accepts beyond what it acknowledged, as it last advertised, scaled when both SYNs
// were captured with the window scale option. Unknown (receiver never seen, or the handshake missed so
// the scale is unknown) gives max(raw window, unknown_window_bytes): liberal, since a midstream window
// may be scaled by up to 2^14.
std::uint64_t receive_window(const SequenceWindow& receiver, const SequenceWindow& sender,
                             std::uint64_t unknown_window_bytes);

// Whether a RST sent by `sender` lies in the window `receiver` accepts: from the lower of the
// sender's SND.NXT and the receiver's last ACK, to below the higher of them plus `window` (at it,
// when the window is 0). A sender never
// seen before is judged by the RST's ACK instead (it must acknowledge bytes the receiver sent, at
// most `window` behind its SND.NXT); with neither known there is nothing to check and it is accepted.
bool rst_in_window(const SequenceWindow& sender, const SequenceWindow& receiver, const decode::TcpInfo& rst,
                   std::uint64_t window);

// Whether a segment `sender` sent starting at `seq` may be trusted to move SND.NXT: it starts at most
// `window` beyond the higher of the sender's SND.NXT and the receiver's last ACK (a forged segment
// far ahead must not widen the window a forged RST is checked against). Nothing known: trusted.
bool seq_in_window(const SequenceWindow& sender, std::uint32_t seq, std::uint64_t window);

// Whether an ACK for `acked`'s bytes is plausible: at most `window` beyond what `acked` was seen
// sending (the ACK may be captured before the data it acknowledges, never a window ahead of it).
bool ack_in_window(const SequenceWindow& acked, std::uint32_t ack, std::uint64_t window);

}  // namespace spanwatch::flow::tcp

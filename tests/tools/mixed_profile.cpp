// The benchmark mix: thousands of concurrent sessions (TLS 1.2/1.3 with bulk records, FTP with an
// active-mode data connection, POP3, SMB2 logons, DNS) interleaved packet by packet at ~1 Gbit/s.
// Each session follows a fixed script of steps; the scheduler picks a random open session for every
// packet. Frames are built in place by FrameWriter: nothing is allocated per packet.
#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

#include "mixed_scripts.hpp"
#include "mixed_templates.hpp"
#include "profiles.hpp"
#include "support/frame_writer.hpp"
#include "support/wire_put.hpp"

namespace spanwatch::tools {

namespace {

using namespace spanwatch::testing;
using mixed::BulkStyle;
using mixed::Peer;
using mixed::Script;
using mixed::ScriptId;
using mixed::SessionKind;
using mixed::Step;
using mixed::StepKind;

constexpr std::size_t mss = 1460;
constexpr std::uint32_t tls_record_payload = 16408;  // 16 KiB of plaintext plus AEAD overhead
constexpr std::uint32_t out_of_order_ppm = 1000;     // per bulk segment
constexpr std::uint32_t retransmission_ppm = 1000;
constexpr std::uint64_t estimated_tail_bytes = 700;  // what an open session still writes once winding down starts
constexpr std::uint64_t pcap_record_header = 16;

struct Connection {
  Address initiator, responder;
  std::uint16_t initiator_port = 0, responder_port = 0;
  std::uint32_t next_seq[2] = {0, 0};
  std::uint16_t ip_id[2] = {0, 0};
};

enum class Pending : std::uint8_t { none, hole_filler, retransmission };

struct Session {
  const Script* script = nullptr;
  const mixed::Variant* templates = nullptr;
  std::uint16_t step = 0;
  std::uint32_t progress = 0;  // bytes of the current data or bulk step already sent
  std::uint8_t unacked = 0;    // bulk segments since the receiver's last ACK
  LinkTags tags;
  Connection connection[2];
  std::uint32_t bulk_payload = 0;  // application bytes of the bulk step
  std::uint32_t bulk_length = 0;   // stream bytes of the bulk step (with TLS record headers)
  std::uint32_t bulk_base = 0;     // sequence number of the bulk step's first byte
  std::uint32_t pool_offset = 0;
  Pending pending = Pending::none;
  std::uint32_t pending_offset = 0, pending_length = 0;
  std::uint16_t dns_id = 0;
  char line[48] = {};  // the one line that differs per session: FTP PORT/EPRT, POP3 RETR reply
  std::uint8_t line_length = 0;
};

std::size_t side(Peer p) { return p == Peer::initiator ? 0 : 1; }

class MixedGenerator {
 public:
  MixedGenerator(CaptureSink& sink, Rng& rng, const MixedOptions& options)
      : sink_(sink), rng_(rng), options_(options), templates_(rng), scripts_(mixed::make_scripts()) {
    concurrency_ = options.concurrency != 0
                       ? options.concurrency
                       : static_cast<std::uint32_t>(std::clamp<std::uint64_t>(options.target_bytes / 16384, 64, 20000));
    sessions_.resize(concurrency_);
    open_.reserve(concurrency_);
    free_.reserve(concurrency_);
    for (std::uint32_t i = concurrency_; i-- > 0;) free_.push_back(i);
    make_pools();
  }

  void run() {
    std::uint64_t packet = 0;
    while (true) {
      const std::uint64_t file_bytes = sink_.tally().bytes + sink_.tally().packets * pcap_record_header;
      const bool winding_down = file_bytes + open_.size() * estimated_tail_bytes >= options_.target_bytes;
      if (winding_down) winding_down_ = true;
      // Ramp up: open one more session every other packet until the concurrency is reached.
      if (!winding_down_ && !free_.empty() && (packet % 2 == 0 || open_.empty())) {
        open_.push_back(free_.back());
        free_.pop_back();
        start(sessions_[open_.back()]);
      }
      if (open_.empty()) break;
      const std::size_t pick = rng_.below(open_.size());
      Session& s = sessions_[open_[pick]];
      if (!emit(s)) {
        if (winding_down_) {
          free_.push_back(open_[pick]);
          open_[pick] = open_.back();
          open_.pop_back();
        } else {
          start(s);
        }
      }
      ++packet;
    }
  }

 private:
  void make_pools() {
    constexpr std::size_t pool_size = 1 << 20;
    binary_pool_.resize(pool_size + 65536);
    for (auto& b : binary_pool_) b = static_cast<std::uint8_t>(rng_.next());
    text_pool_.resize(pool_size + 65536);
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t i = 0; i < text_pool_.size(); ++i) {
      const std::size_t column = i % 78;  // 76-character base64 lines, CRLF
      text_pool_[i] = column == 76   ? '\r'
                      : column == 77 ? '\n'
                                     : static_cast<std::uint8_t>(alphabet[rng_.below(64)]);
    }
  }

  ScriptId pick_script() {
    std::uint64_t r = rng_.below(1000);
    for (std::size_t i = 0; i < static_cast<std::size_t>(ScriptId::count_); ++i) {
      if (r < mixed::script_weights[i]) return static_cast<ScriptId>(i);
      r -= mixed::script_weights[i];
    }
    return ScriptId::tls12;
  }

  // Server addresses per kind; clients get a unique address from a counter, so no two sessions share
  // a 5-tuple and the flow counts are exact.
  Address server_for(SessionKind kind, bool v6) {
    const auto host = static_cast<std::uint8_t>(1 + rng_.below(40));
    if (v6) return documentation_v6(0x100 + static_cast<std::uint32_t>(kind) * 0x100 + host);
    switch (kind) {
      case SessionKind::tls12:
      case SessionKind::tls13:
        return Address::v4(198, 51, 100, host);
      case SessionKind::ftp:
        return Address::v4(10, 1, 0, 21);
      case SessionKind::pop3:
        return Address::v4(10, 1, 0, 25);
      case SessionKind::smb2:
        return Address::v4(10, 1, 0, static_cast<std::uint8_t>(100 + host % 4));
      default:
        return Address::v4(10, 1, 0, 53);
    }
  }
  static std::uint16_t server_port(SessionKind kind) {
    switch (kind) {
      case SessionKind::tls12:
      case SessionKind::tls13:
        return 443;
      case SessionKind::ftp:
        return 21;
      case SessionKind::pop3:
        return 110;
      case SessionKind::smb2:
        return 445;
      default:
        return 53;
    }
  }

  void start(Session& s) {
    const ScriptId id = pick_script();
    s.script = &scripts_[static_cast<std::size_t>(id)];
    const SessionKind kind = s.script->kind;
    s.templates = &templates_.variant(kind, rng_.below(templates_.variants(kind)));
    s.step = 0;
    s.progress = 0;
    s.unacked = 0;
    s.pending = Pending::none;
    s.tags = {};
    if (rng_.chance(120000)) {
      s.tags.count = 1;
      s.tags.vlan[0] = static_cast<std::uint16_t>(10 + rng_.below(40));
      if (rng_.chance(150000)) {  // a sixth of the tagged traffic is QinQ
        s.tags.count = 2;
        s.tags.outer_tpid = 0x88a8;
        s.tags.vlan[1] = s.tags.vlan[0];
        s.tags.vlan[0] = 300;
      }
    }
    const bool v6 = rng_.chance(40000);
    const std::uint64_t n = client_counter_++;
    const Address client =
        v6 ? documentation_v6(0x10000000u | static_cast<std::uint32_t>(n & 0x0fffffff))
           : [n] {
               // An odd multiplier is a bijection mod 2^22: distinct clients for 4 M sessions.
               const std::uint32_t x = static_cast<std::uint32_t>((n * 2654435761u) & 0x3fffff);
               return Address::v4(10, static_cast<std::uint8_t>(64 + (x >> 16)), static_cast<std::uint8_t>(x >> 8),
                                  static_cast<std::uint8_t>(x));
             }();
    Connection& c = s.connection[0];
    c.initiator = client;
    c.responder = server_for(kind, v6);
    c.initiator_port = static_cast<std::uint16_t>(rng_.between(32768, 60999));
    c.responder_port = server_port(kind);
    c.next_seq[0] = rng_.next32();
    c.next_seq[1] = rng_.next32();
    c.ip_id[0] = static_cast<std::uint16_t>(rng_.next());
    c.ip_id[1] = static_cast<std::uint16_t>(rng_.next());
    s.pool_offset = static_cast<std::uint32_t>(rng_.below(1 << 20));
    s.dns_id = static_cast<std::uint16_t>(rng_.next());

    // Bulk size: roughly log-uniform, so most transfers are small and a few are large.
    const std::uint32_t base = kind == SessionKind::pop3 ? 256u << rng_.below(6)
                               : kind == SessionKind::ftp ? 1024u << rng_.below(8)
                                                          : 512u << rng_.below(8);
    s.bulk_payload = base + static_cast<std::uint32_t>(rng_.below(base));
    s.bulk_length = s.bulk_payload;
    if (kind == SessionKind::tls12 || kind == SessionKind::tls13)
      s.bulk_length += 5 * ((s.bulk_payload + tls_record_payload - 1) / tls_record_payload);

    if (kind == SessionKind::pop3) {
      // RFC 1939: the size of the message, up to and including the CRLF before the terminating ".".
      const int length = std::snprintf(s.line, sizeof s.line, "+OK %u octets\r\n", s.bulk_payload + 2);
      s.line_length = static_cast<std::uint8_t>(std::clamp(length, 0, 47));
    }
    if (kind == SessionKind::ftp) {
      // Active mode: the server connects from port 20 to the port the client announces.
      Connection& d = s.connection[1];
      d.initiator = c.responder;
      d.responder = client;
      d.initiator_port = 20;
      d.responder_port = static_cast<std::uint16_t>(rng_.between(32768, 60999));
      d.next_seq[0] = rng_.next32();
      d.next_seq[1] = rng_.next32();
      d.ip_id[0] = static_cast<std::uint16_t>(rng_.next());
      d.ip_id[1] = static_cast<std::uint16_t>(rng_.next());
      // A tenth of the clients sit behind NAT and announce their private address.
      Address announced = client;
      if (!v6 && rng_.chance(100000)) announced = Address::v4(192, 168, 1, static_cast<std::uint8_t>(rng_.between(2, 254)));
      int length = 0;
      if (v6) {
        char text[INET6_ADDRSTRLEN] = {};
        inet_ntop(AF_INET6, client.bytes.data(), text, sizeof text);
        length = std::snprintf(s.line, sizeof s.line, "EPRT |2|%s|%u|\r\n", text, d.responder_port);
      } else {
        const auto& a = announced.bytes;
        length = std::snprintf(s.line, sizeof s.line, "PORT %u,%u,%u,%u,%u,%u\r\n", a[0], a[1], a[2],
                               a[3], d.responder_port >> 8, d.responder_port & 0xff);
      }
      s.line_length = static_cast<std::uint8_t>(std::clamp(length, 0, 47));
    }
  }

  // Writes the session's next packet; false when the session has no more.
  bool emit(Session& s) {
    while (s.step < s.script->steps.size()) {
      const Step& step = s.script->steps[s.step];
      Connection& c = s.connection[step.channel];
      const std::size_t from = side(step.from);
      switch (step.kind) {
        case StepKind::syn:
        case StepKind::syn_ack: {
          const std::uint8_t flags = step.kind == StepKind::syn ? tcp_flags::syn : tcp_flags::syn | tcp_flags::ack;
          write_tcp(s, c, from, c.next_seq[from], flags, nullptr, 0, true);
          c.next_seq[from] += 1;
          if (step.kind == StepKind::syn) ++sink_.truth().tcp_flows;
          ++s.step;
          return true;
        }
        case StepKind::ack:
          write_tcp(s, c, from, c.next_seq[from], tcp_flags::ack, nullptr, 0);
          ++s.step;
          return true;
        case StepKind::fin:
          write_tcp(s, c, from, c.next_seq[from], tcp_flags::fin | tcp_flags::ack, nullptr, 0);
          c.next_seq[from] += 1;
          ++s.step;
          return true;
        case StepKind::rst:
          write_tcp(s, c, from, c.next_seq[from], tcp_flags::rst | tcp_flags::ack, nullptr, 0);
          ++s.step;
          return true;
        case StepKind::data:
        case StepKind::session_line: {
          const bool own = step.kind == StepKind::session_line;
          const std::uint8_t* bytes =
              own ? reinterpret_cast<const std::uint8_t*>(s.line) : (*s.templates)[step.slot].data();
          const std::size_t size = own ? s.line_length : (*s.templates)[step.slot].size();
          const std::size_t n = std::min(mss, size - s.progress);
          const bool last = s.progress + n == size;
          write_tcp(s, c, from, c.next_seq[from],
                    static_cast<std::uint8_t>(tcp_flags::ack | (last ? tcp_flags::psh : 0)), bytes + s.progress, n,
                    false, step.kind == StepKind::data && s.script->kind != SessionKind::dns && step.slot == 0);
          c.next_seq[from] += static_cast<std::uint32_t>(n);
          s.progress += static_cast<std::uint32_t>(n);
          if (last) {
            s.progress = 0;
            ++s.step;
          }
          return true;
        }
        case StepKind::bulk:
          if (bulk(s, c, from, static_cast<BulkStyle>(step.slot))) return true;
          continue;
        case StepKind::udp: {
          write_udp(s, c, from, (*s.templates)[step.slot]);
          if (from == 0) ++sink_.truth().udp_flows;
          ++s.step;
          return true;
        }
      }
    }
    return false;
  }

  // One packet of a bulk transfer (a data segment, a receiver ACK, a hole filler or a retransmission);
  // false when the transfer is over and the script moves on.
  bool bulk(Session& s, Connection& c, std::size_t from, BulkStyle style) {
    const std::size_t to = 1 - from;
    if (s.progress == 0 && s.unacked == 0 && s.pending == Pending::none) s.bulk_base = c.next_seq[from];
    if (s.pending != Pending::none) {
      if (s.pending == Pending::retransmission) ++sink_.truth().retransmissions;
      bulk_segment(s, c, from, style, s.pending_offset, s.pending_length);
      s.pending = Pending::none;
      ++s.unacked;
      return true;
    }
    if (s.unacked >= 2) {
      c.next_seq[from] = s.bulk_base + s.progress;
      write_tcp(s, c, to, c.next_seq[to], tcp_flags::ack, nullptr, 0);
      s.unacked = 0;
      return true;
    }
    // Winding down: the transfer stops at a segment boundary, the connection then closes normally.
    const std::uint32_t length = winding_down_ ? s.progress : s.bulk_length;
    if (s.progress >= length) {
      c.next_seq[from] = s.bulk_base + s.progress;
      s.progress = 0;
      s.unacked = 0;
      ++s.step;
      return false;
    }
    const std::uint32_t remaining = length - s.progress;
    const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(mss, remaining));
    if (remaining > 2 * mss && rng_.chance(out_of_order_ppm)) {
      // The second segment overtakes the first.
      const auto n2 = static_cast<std::uint32_t>(std::min<std::size_t>(mss, remaining - n));
      bulk_segment(s, c, from, style, s.progress + n, n2);
      ++sink_.truth().out_of_order_segments;
      s.pending = Pending::hole_filler;
      s.pending_offset = s.progress;
      s.pending_length = n;
      s.progress += n + n2;
      ++s.unacked;
      return true;
    }
    bulk_segment(s, c, from, style, s.progress, n);
    if (rng_.chance(retransmission_ppm)) {
      s.pending = Pending::retransmission;
      s.pending_offset = s.progress;
      s.pending_length = n;
    }
    s.progress += n;
    ++s.unacked;
    return true;
  }

  void bulk_segment(Session& s, Connection& c, std::size_t from, BulkStyle style, std::uint32_t offset,
                    std::uint32_t n) {
    std::uint8_t* out = start_tcp(s, c, from, s.bulk_base + offset, tcp_flags::ack | tcp_flags::psh, false);
    const std::vector<std::uint8_t>& pool = style == BulkStyle::text ? text_pool_ : binary_pool_;
    const std::size_t pool_size = pool.size() - 65536;
    std::uint32_t at = offset;
    const std::uint32_t end = offset + n;
    while (at < end) {
      std::uint32_t take = end - at;
      if (style == BulkStyle::tls_records) {
        constexpr std::uint32_t record = tls_record_payload + 5;
        const std::uint32_t index = at / record, within = at % record;
        if (within < 5) {
          const std::uint32_t length = std::min(tls_record_payload, s.bulk_payload - index * tls_record_payload);
          const std::uint8_t header[5] = {23, 3, 3, static_cast<std::uint8_t>(length >> 8),
                                          static_cast<std::uint8_t>(length)};
          take = std::min(take, 5 - within);
          std::memcpy(out, header + within, take);
          out += take;
          at += take;
          continue;
        }
        take = std::min(take, record - within);
      }
      std::memcpy(out, pool.data() + (s.pool_offset + at) % pool_size, take);
      out += take;
      at += take;
    }
    finish(n);
  }

  std::uint8_t* start_tcp(Session& s, Connection& c, std::size_t from, std::uint32_t seq, std::uint8_t flags,
                          bool syn_options) {
    TcpFields t;
    t.sport = from == 0 ? c.initiator_port : c.responder_port;
    t.dport = from == 0 ? c.responder_port : c.initiator_port;
    t.seq = seq;
    t.ack = (flags & tcp_flags::ack) ? c.next_seq[1 - from] : 0;
    t.flags = flags;
    t.window = syn_options ? 64240 : 502;
    t.syn_options = syn_options;
    const Address& src = from == 0 ? c.initiator : c.responder;
    const Address& dst = from == 0 ? c.responder : c.initiator;
    return writer_.start_tcp(src, dst, t, s.tags, c.ip_id[from]++);
  }

  void write_tcp(Session& s, Connection& c, std::size_t from, std::uint32_t seq, std::uint8_t flags,
                 const std::uint8_t* payload, std::size_t n, bool syn_options = false, bool hello = false) {
    std::uint8_t* out = start_tcp(s, c, from, seq, flags, syn_options);
    if (n != 0) std::memcpy(out, payload, n);
    // Fresh TLS hello randoms per session (the first template of a TLS script is the ClientHello).
    if (hello && (s.script->kind == SessionKind::tls12 || s.script->kind == SessionKind::tls13) && n >= 43)
      for (std::size_t i = 11; i < 43; i += 8) {
        const std::uint64_t r = rng_.next();
        std::memcpy(out + i, &r, std::min<std::size_t>(8, 43 - i));
      }
    finish(n);
  }

  void write_udp(Session& s, Connection& c, std::size_t from, const Frame& payload) {
    const Address& src = from == 0 ? c.initiator : c.responder;
    const Address& dst = from == 0 ? c.responder : c.initiator;
    const std::uint16_t sport = from == 0 ? c.initiator_port : c.responder_port;
    const std::uint16_t dport = from == 0 ? c.responder_port : c.initiator_port;
    std::uint8_t* out = writer_.start_udp(src, dst, sport, dport, s.tags, c.ip_id[from]++);
    std::memcpy(out, payload.data(), payload.size());
    out[0] = static_cast<std::uint8_t>(s.dns_id >> 8);  // the DNS transaction id
    out[1] = static_cast<std::uint8_t>(s.dns_id);
    finish(payload.size());
  }

  void finish(std::size_t payload_length) {
    const auto frame = writer_.finish(payload_length);
    sink_.write(frame);
    // ~1 Gbit/s: the frame's time on the wire (with preamble, FCS and gap) plus a little jitter.
    sink_.advance_ns((frame.size() + 24) * 8 + rng_.below(400));
  }

  CaptureSink& sink_;
  Rng& rng_;
  MixedOptions options_;
  mixed::Templates templates_;
  std::vector<Script> scripts_;
  std::uint32_t concurrency_ = 0;
  std::vector<Session> sessions_;
  std::vector<std::uint32_t> open_;  // indexes of open sessions
  std::vector<std::uint32_t> free_;
  std::vector<std::uint8_t> binary_pool_, text_pool_;
  FrameWriter writer_;
  std::uint64_t client_counter_ = 0;
  bool winding_down_ = false;
};

}  // namespace

void generate_mixed(CaptureSink& sink, Rng& rng, const MixedOptions& options) {
  MixedGenerator generator(sink, rng, options);
  generator.run();
}

}  // namespace spanwatch::tools

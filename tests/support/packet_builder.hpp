#pragma once
// Byte-exact frame builders for tests and capture generators: Ethernet with optional 802.1Q/QinQ
// tags, IPv4 (with fragments) and IPv6 (with extension headers and fragments), TCP and UDP with
// correct checksums. Header-only so every test target and tool can use it without a library.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace spanwatch::testing {

using Frame = std::vector<std::uint8_t>;

inline void put16(Frame& f, std::uint16_t v) {
  f.push_back(static_cast<std::uint8_t>(v >> 8));
  f.push_back(static_cast<std::uint8_t>(v));
}
inline void put32(Frame& f, std::uint32_t v) {
  put16(f, static_cast<std::uint16_t>(v >> 16));
  put16(f, static_cast<std::uint16_t>(v));
}
inline void append(Frame& f, const std::uint8_t* p, std::size_t n) { f.insert(f.end(), p, p + n); }
inline void append(Frame& f, const Frame& other) { f.insert(f.end(), other.begin(), other.end()); }
// resize + memcpy rather than insert(): g++ 12 at -O3 reports a false stringop-overflow for
// vector::insert from a char range once this is inlined deep enough (GCC bug 106199 family).
inline void append(Frame& f, std::string_view text) {
  if (text.empty()) return;
  const std::size_t at = f.size();
  f.resize(at + text.size());
  std::memcpy(f.data() + at, text.data(), text.size());
}
inline Frame bytes_of(std::string_view text) { return Frame(text.begin(), text.end()); }

struct Address {
  std::array<std::uint8_t, 16> bytes{};
  bool v6 = false;

  static Address v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    Address x;
    x.bytes = {a, b, c, d};
    return x;
  }
  // Builds fd00::<tail> style addresses: a 16-bit prefix, then the tail in the last four bytes.
  static Address v6_simple(std::uint16_t prefix, std::uint32_t tail) {
    Address x;
    x.v6 = true;
    x.bytes[0] = static_cast<std::uint8_t>(prefix >> 8);
    x.bytes[1] = static_cast<std::uint8_t>(prefix);
    x.bytes[12] = static_cast<std::uint8_t>(tail >> 24);
    x.bytes[13] = static_cast<std::uint8_t>(tail >> 16);
    x.bytes[14] = static_cast<std::uint8_t>(tail >> 8);
    x.bytes[15] = static_cast<std::uint8_t>(tail);
    return x;
  }
  std::size_t size() const { return v6 ? 16 : 4; }
};

// Internet checksum (RFC 1071) over several pieces.
class Checksum {
 public:
  void add(const std::uint8_t* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      sum_ += odd_ ? p[i] : static_cast<std::uint32_t>(p[i]) << 8;
      odd_ = !odd_;
    }
  }
  void add16(std::uint16_t v) {
    const std::uint8_t b[2] = {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
    add(b, 2);
  }
  std::uint16_t finish() const {
    std::uint32_t s = sum_;
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    return static_cast<std::uint16_t>(~s);
  }

 private:
  std::uint32_t sum_ = 0;
  bool odd_ = false;
};

namespace tcp_flags {
constexpr std::uint8_t fin = 0x01, syn = 0x02, rst = 0x04, psh = 0x08, ack = 0x10;
}

struct TcpSegment {
  std::uint16_t sport = 0, dport = 0;
  std::uint32_t seq = 0, ack = 0;
  std::uint8_t flags = tcp_flags::ack;
  std::uint16_t window = 65535;
  Frame options;  // raw TCP options, padded to 4 bytes by the builder
  Frame payload;
};

inline Frame tcp_bytes(const Address& src, const Address& dst, const TcpSegment& s) {
  Frame opts = s.options;
  while (opts.size() % 4) opts.push_back(0);
  Frame t;
  put16(t, s.sport);
  put16(t, s.dport);
  put32(t, s.seq);
  put32(t, s.ack);
  t.push_back(static_cast<std::uint8_t>(((20 + opts.size()) / 4) << 4));
  t.push_back(s.flags);
  put16(t, s.window);
  put16(t, 0);  // checksum, filled below
  put16(t, 0);  // urgent pointer
  append(t, opts);
  append(t, s.payload);
  Checksum c;
  c.add(src.bytes.data(), src.size());
  c.add(dst.bytes.data(), dst.size());
  if (src.v6) {
    c.add16(0);
    c.add16(static_cast<std::uint16_t>(t.size() >> 16));
  }
  c.add16(6);
  c.add16(static_cast<std::uint16_t>(t.size()));
  c.add(t.data(), t.size());
  const std::uint16_t sum = c.finish();
  t[16] = static_cast<std::uint8_t>(sum >> 8);
  t[17] = static_cast<std::uint8_t>(sum);
  return t;
}

inline Frame udp_bytes(const Address& src, const Address& dst, std::uint16_t sport, std::uint16_t dport,
                       const Frame& payload) {
  Frame u;
  put16(u, sport);
  put16(u, dport);
  put16(u, static_cast<std::uint16_t>(8 + payload.size()));
  put16(u, 0);
  append(u, payload);
  Checksum c;
  c.add(src.bytes.data(), src.size());
  c.add(dst.bytes.data(), dst.size());
  c.add16(17);
  c.add16(static_cast<std::uint16_t>(u.size()));
  c.add(u.data(), u.size());
  std::uint16_t sum = c.finish();
  if (sum == 0) sum = 0xffff;
  u[6] = static_cast<std::uint8_t>(sum >> 8);
  u[7] = static_cast<std::uint8_t>(sum);
  return u;
}

struct Ipv4Options {
  std::uint16_t id = 1;
  std::uint8_t ttl = 64;
  bool dont_fragment = false;
  bool more_fragments = false;
  std::uint16_t fragment_offset_bytes = 0;  // multiple of 8
  Frame options;                            // raw IPv4 options, padded to 4 bytes
};

inline Frame ipv4_bytes(const Address& src, const Address& dst, std::uint8_t protocol, const Frame& body,
                        const Ipv4Options& o = {}) {
  Frame opts = o.options;
  while (opts.size() % 4) opts.push_back(0);
  Frame ip;
  ip.push_back(static_cast<std::uint8_t>(0x40 | ((20 + opts.size()) / 4)));
  ip.push_back(0);
  put16(ip, static_cast<std::uint16_t>(20 + opts.size() + body.size()));
  put16(ip, o.id);
  std::uint16_t frag = static_cast<std::uint16_t>(o.fragment_offset_bytes / 8);
  if (o.dont_fragment) frag |= 0x4000;
  if (o.more_fragments) frag |= 0x2000;
  put16(ip, frag);
  ip.push_back(o.ttl);
  ip.push_back(protocol);
  put16(ip, 0);
  append(ip, src.bytes.data(), 4);
  append(ip, dst.bytes.data(), 4);
  append(ip, opts);
  Checksum c;
  c.add(ip.data(), ip.size());
  const std::uint16_t sum = c.finish();
  ip[10] = static_cast<std::uint8_t>(sum >> 8);
  ip[11] = static_cast<std::uint8_t>(sum);
  append(ip, body);
  return ip;
}

// IPv6 with an optional chain of extension headers given as (type, body) pairs; each body is padded
// to a multiple of 8 bytes including its 2-byte next-header/length prefix.
struct Ipv6Extension {
  std::uint8_t type = 0;  // 0 hop-by-hop, 43 routing, 60 destination options, 44 fragment
  Frame body;             // for type 44 give the 6 bytes after next-header/reserved
};

inline Frame ipv6_bytes(const Address& src, const Address& dst, std::uint8_t protocol, const Frame& body,
                        const std::vector<Ipv6Extension>& extensions = {}, std::uint8_t hop_limit = 64) {
  Frame ext;
  for (std::size_t i = 0; i < extensions.size(); ++i) {
    const std::uint8_t next = i + 1 < extensions.size() ? extensions[i + 1].type : protocol;
    if (extensions[i].type == 44) {
      ext.push_back(next);
      ext.push_back(0);
      append(ext, extensions[i].body);
      continue;
    }
    Frame h;
    h.push_back(next);
    h.push_back(0);
    append(h, extensions[i].body);
    while (h.size() % 8) h.push_back(0);
    h[1] = static_cast<std::uint8_t>(h.size() / 8 - 1);
    append(ext, h);
  }
  Frame ip;
  put32(ip, 0x60000000);
  put16(ip, static_cast<std::uint16_t>(ext.size() + body.size()));
  ip.push_back(extensions.empty() ? protocol : extensions[0].type);
  ip.push_back(hop_limit);
  append(ip, src.bytes.data(), 16);
  append(ip, dst.bytes.data(), 16);
  append(ip, ext);
  append(ip, body);
  return ip;
}

// An IPv6 fragment header body (the 6 bytes after next-header and reserved).
inline Frame ipv6_fragment_body(std::uint16_t offset_bytes, bool more, std::uint32_t id) {
  Frame b;
  put16(b, static_cast<std::uint16_t>((offset_bytes / 8) << 3 | (more ? 1 : 0)));
  put32(b, id);
  return b;
}

struct EthernetOptions {
  std::vector<std::uint16_t> vlans;  // outermost first
  std::uint16_t outer_tpid = 0x8100;  // 0x88a8 or 0x9100 for QinQ service tags
};

inline Frame ethernet(const Frame& l3, std::uint16_t ethertype, const EthernetOptions& o = {}) {
  Frame f = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01};
  for (std::size_t i = 0; i < o.vlans.size(); ++i) {
    put16(f, i == 0 ? o.outer_tpid : 0x8100);
    put16(f, o.vlans[i]);
  }
  put16(f, ethertype);
  append(f, l3);
  return f;
}

// One TCP segment as a whole Ethernet frame, IPv4 or IPv6 after the address family.
inline Frame tcp_frame(const Address& src, const Address& dst, const TcpSegment& s, const EthernetOptions& eth = {},
                       std::uint16_t ip_id = 1) {
  const Frame tcp = tcp_bytes(src, dst, s);
  if (src.v6) return ethernet(ipv6_bytes(src, dst, 6, tcp), 0x86dd, eth);
  Ipv4Options o;
  o.id = ip_id;
  return ethernet(ipv4_bytes(src, dst, 6, tcp, o), 0x0800, eth);
}

inline Frame udp_frame(const Address& src, const Address& dst, std::uint16_t sport, std::uint16_t dport,
                       const Frame& payload, const EthernetOptions& eth = {}) {
  const Frame udp = udp_bytes(src, dst, sport, dport, payload);
  if (src.v6) return ethernet(ipv6_bytes(src, dst, 17, udp), 0x86dd, eth);
  return ethernet(ipv4_bytes(src, dst, 17, udp), 0x0800, eth);
}

// Splits an IPv4 datagram's transport bytes into fragments of at most `max_payload` bytes
// (rounded down to a multiple of 8) and returns each as an Ethernet frame.
inline std::vector<Frame> ipv4_fragments(const Address& src, const Address& dst, std::uint8_t protocol,
                                         const Frame& body, std::size_t max_payload, std::uint16_t id,
                                         const EthernetOptions& eth = {}) {
  max_payload = std::max<std::size_t>(8, max_payload / 8 * 8);
  std::vector<Frame> out;
  for (std::size_t offset = 0; offset < body.size(); offset += max_payload) {
    const std::size_t n = std::min(max_payload, body.size() - offset);
    Ipv4Options o;
    o.id = id;
    o.fragment_offset_bytes = static_cast<std::uint16_t>(offset);
    o.more_fragments = offset + n < body.size();
    Frame piece(body.begin() + static_cast<std::ptrdiff_t>(offset),
                body.begin() + static_cast<std::ptrdiff_t>(offset + n));
    out.push_back(ethernet(ipv4_bytes(src, dst, protocol, piece, o), 0x0800, eth));
  }
  return out;
}

inline std::vector<Frame> ipv6_fragments(const Address& src, const Address& dst, std::uint8_t protocol,
                                         const Frame& body, std::size_t max_payload, std::uint32_t id,
                                         const EthernetOptions& eth = {}) {
  max_payload = std::max<std::size_t>(8, max_payload / 8 * 8);
  std::vector<Frame> out;
  for (std::size_t offset = 0; offset < body.size(); offset += max_payload) {
    const std::size_t n = std::min(max_payload, body.size() - offset);
    Frame piece(body.begin() + static_cast<std::ptrdiff_t>(offset),
                body.begin() + static_cast<std::ptrdiff_t>(offset + n));
    const bool more = offset + n < body.size();
    out.push_back(ethernet(
        ipv6_bytes(src, dst, protocol, piece, {{44, ipv6_fragment_body(static_cast<std::uint16_t>(offset), more, id)}}),
        0x86dd, eth));
  }
  return out;
}

}  // namespace spanwatch::testing

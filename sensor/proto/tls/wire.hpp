#pragma once
// TLS wire format (RFC 5246, 8446; SSLv2-compatible ClientHello per RFC 5246 E.2): pure functions from
// bytes to records of views. Every view points into the input and is valid as long as the input is.
// Nothing here keeps state, allocates or throws; a malformed input returns a WireError.
#include <cstddef>
#include <cstdint>

#include "core/bytes.hpp"

namespace spanwatch::proto::tls {

enum class ContentType : std::uint8_t {
  change_cipher_spec = 20,
  alert = 21,
  handshake = 22,
  application_data = 23,
  heartbeat = 24,
};

enum class HandshakeType : std::uint8_t {
  hello_request = 0,
  client_hello = 1,
  server_hello = 2,
  hello_verify_request = 3,
  new_session_ticket = 4,
  end_of_early_data = 5,
  encrypted_extensions = 8,
  certificate = 11,
  server_key_exchange = 12,
  certificate_request = 13,
  server_hello_done = 14,
  certificate_verify = 15,
  client_key_exchange = 16,
  finished = 20,
  certificate_status = 22,
  key_update = 24,
};

namespace extension {
constexpr std::uint16_t server_name = 0, supported_groups = 10, ec_point_formats = 11, signature_algorithms = 13,
                        alpn = 16, session_ticket = 35, pre_shared_key = 41, supported_versions = 43,
                        psk_key_exchange_modes = 45, key_share = 51, renegotiation_info = 0xff01;
}

constexpr std::size_t record_header_length = 5;
constexpr std::size_t handshake_header_length = 4;
// RFC 5246 6.2.3: TLSCiphertext.length is at most 2^14 + 2048.
constexpr std::size_t max_record_length = 16384 + 2048;

enum class WireError : std::uint8_t {
  none,
  truncated,           // a field or list runs past the end of its container
  bad_length,          // a list length that is odd, zero where forbidden, or inconsistent
  trailing_bytes,      // bytes left after the last field
  bad_type,            // unknown content type
  bad_version,         // a record version outside 3.0..3.4
  too_long,            // a record longer than max_record_length
};

struct RecordHeader {
  std::uint8_t type = 0;
  std::uint16_t version = 0;
  std::uint16_t length = 0;
};

// Checks the 5-byte header in `bytes` (at least record_header_length long).
WireError parse_record_header(core::Bytes bytes, RecordHeader& out);

// RFC 5246 E.2: the length in the 2-byte SSLv2 header (high bit set), or 0 if `b0` has no high bit.
constexpr std::size_t sslv2_record_length(std::uint8_t b0, std::uint8_t b1) {
  return (b0 & 0x80u) ? (((b0 & 0x7fu) << 8) | b1) : 0;
}

struct ClientHelloWire {
  std::uint16_t legacy_version = 0;
  core::Bytes random;
  core::Bytes session_id;
  core::Bytes cipher_suites;        // 2 bytes per suite (TLS) — see cipher_spec_width
  std::size_t cipher_spec_width = 2;  // 3 for an SSLv2-compatible hello (CIPHER-SPECs)
  core::Bytes compression_methods;
  core::Bytes extensions;           // the extension block without its length; empty if absent
  bool has_extensions = false;
};

// The body of a handshake ClientHello (after the 4-byte handshake header).
WireError parse_client_hello(core::Bytes body, ClientHelloWire& out);
// The body of an SSLv2 CLIENT-HELLO message (after the 2-byte SSLv2 record header), msg_type included.
WireError parse_sslv2_client_hello(core::Bytes message, ClientHelloWire& out);

struct ServerHelloWire {
  std::uint16_t legacy_version = 0;
  core::Bytes random;
  core::Bytes session_id;
  std::uint16_t cipher_suite = 0;
  std::uint8_t compression = 0;
  core::Bytes extensions;
  bool has_extensions = false;
};

WireError parse_server_hello(core::Bytes body, ServerHelloWire& out);

struct Extension {
  std::uint16_t type = 0;
  core::Bytes data;
};

// Walks an extension block. next() returns false at the end or on an extension that overruns the
// block (then error() says so).
class ExtensionReader {
 public:
  explicit ExtensionReader(core::Bytes block) : reader_(block) {}
  bool next(Extension& out);
  WireError error() const { return error_; }

 private:
  core::ByteReader reader_;
  WireError error_ = WireError::none;
};

// A list with a 1- or 2-byte length prefix that must fill `data` exactly; returns the list bytes.
WireError prefixed_list(core::Bytes data, std::size_t prefix_bytes, core::Bytes& list);

// server_name (RFC 6066 3): the first host_name entry, or empty.
WireError parse_server_name(core::Bytes data, core::Bytes& host);

// Certificate message (≤ 1.2 layout): calls fn(der) for each certificate; returns the entry count.
template <class Fn>
WireError for_each_certificate(core::Bytes body, Fn&& fn, std::size_t& count) {
  core::ByteReader r(body);
  const std::uint32_t list_length = r.be24();
  if (!r.ok() || list_length != r.remaining()) return WireError::bad_length;
  count = 0;
  while (!r.empty()) {
    const std::uint32_t length = r.be24();
    const core::Bytes der = r.take(length);
    if (!r.ok()) return WireError::truncated;
    ++count;
    fn(der);
  }
  return WireError::none;
}

}  // namespace spanwatch::proto::tls

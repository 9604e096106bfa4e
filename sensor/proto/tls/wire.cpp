#include "proto/tls/wire.hpp"

namespace spanwatch::proto::tls {

WireError parse_record_header(core::Bytes bytes, RecordHeader& out) {
  core::ByteReader r(bytes);
  out.type = r.u8();
  out.version = r.be16();
  out.length = r.be16();
  if (!r.ok()) return WireError::truncated;
  if (out.type < static_cast<std::uint8_t>(ContentType::change_cipher_spec) ||
      out.type > static_cast<std::uint8_t>(ContentType::heartbeat))
    return WireError::bad_type;
  if ((out.version >> 8) != 3 || (out.version & 0xffu) > 4) return WireError::bad_version;
  if (out.length > max_record_length) return WireError::too_long;
  return WireError::none;
}

namespace {

// The fields after the cipher suites are shared by ClientHello (compression list) and ServerHello.
WireError read_extension_block(core::ByteReader& r, core::Bytes& block, bool& present) {
  present = false;
  if (r.empty()) return WireError::none;  // SSLv3/TLS 1.0 hellos may end here
  const std::uint16_t length = r.be16();
  block = r.take(length);
  if (!r.ok()) return WireError::truncated;
  present = true;
  return r.empty() ? WireError::none : WireError::trailing_bytes;
}

}  // namespace

WireError parse_client_hello(core::Bytes body, ClientHelloWire& out) {
  core::ByteReader r(body);
  out.legacy_version = r.be16();
  out.random = r.take(32);
  out.session_id = r.take(r.u8());
  const std::uint16_t suites_length = r.be16();
  out.cipher_suites = r.take(suites_length);
  out.cipher_spec_width = 2;
  out.compression_methods = r.take(r.u8());
  if (!r.ok()) return WireError::truncated;
  if (out.session_id.size() > 32 || suites_length % 2 != 0 || suites_length == 0) return WireError::bad_length;
  return read_extension_block(r, out.extensions, out.has_extensions);
}

WireError parse_sslv2_client_hello(core::Bytes message, ClientHelloWire& out) {
  core::ByteReader r(message);
  const std::uint8_t msg_type = r.u8();
  out.legacy_version = r.be16();
  const std::uint16_t specs_length = r.be16();
  const std::uint16_t session_id_length = r.be16();
  const std::uint16_t challenge_length = r.be16();
  out.cipher_suites = r.take(specs_length);
  out.cipher_spec_width = 3;
  out.session_id = r.take(session_id_length);
  out.random = r.take(challenge_length);  // the challenge stands in for the random
  out.compression_methods = {};
  out.extensions = {};
  out.has_extensions = false;
  if (!r.ok()) return WireError::truncated;
  if (msg_type != 1 || specs_length % 3 != 0 || specs_length == 0) return WireError::bad_length;
  return r.empty() ? WireError::none : WireError::trailing_bytes;
}

WireError parse_server_hello(core::Bytes body, ServerHelloWire& out) {
  core::ByteReader r(body);
  out.legacy_version = r.be16();
  out.random = r.take(32);
  out.session_id = r.take(r.u8());
  out.cipher_suite = r.be16();
  out.compression = r.u8();
  if (!r.ok()) return WireError::truncated;
  if (out.session_id.size() > 32) return WireError::bad_length;
  return read_extension_block(r, out.extensions, out.has_extensions);
}

bool ExtensionReader::next(Extension& out) {
  if (error_ != WireError::none || reader_.empty()) return false;
  out.type = reader_.be16();
  const std::uint16_t length = reader_.be16();
  out.data = reader_.take(length);
  if (!reader_.ok()) {
    error_ = WireError::truncated;
    return false;
  }
  return true;
}

WireError prefixed_list(core::Bytes data, std::size_t prefix_bytes, core::Bytes& list) {
  core::ByteReader r(data);
  const std::size_t length = prefix_bytes == 1 ? r.u8() : r.be16();
  list = r.take(length);
  if (!r.ok()) return WireError::truncated;
  return r.empty() ? WireError::none : WireError::trailing_bytes;
}

WireError parse_server_name(core::Bytes data, core::Bytes& host) {
  host = {};
  core::Bytes list;
  if (const WireError e = prefixed_list(data, 2, list); e != WireError::none) return e;
  core::ByteReader r(list);
  while (!r.empty()) {
    const std::uint8_t name_type = r.u8();
    const core::Bytes name = r.take(r.be16());
    if (!r.ok()) return WireError::truncated;
    if (name_type == 0 && host.empty()) host = name;
  }
  return WireError::none;
}

}  // namespace spanwatch::proto::tls

#include "proto/smb/wire_smb2.hpp"

#include <algorithm>
#include <string_view>

#include "proto/smb/wire_nbss.hpp"

namespace spanwatch::proto::smb {
namespace {

// A (offset from the header, length) security buffer; empty when absent, nullopt when out of bounds.
std::optional<core::Bytes> header_relative(core::Bytes message, std::size_t offset, std::size_t length) {
  if (length == 0) return core::Bytes{};
  if (offset > message.size() || length > message.size() - offset) return std::nullopt;
  return message.subspan(offset, length);
}

core::ByteReader body_reader(core::Bytes message) {
  return core::ByteReader(message.size() >= smb2_header_size ? message.subspan(smb2_header_size) : core::Bytes{});
}

}  // namespace

std::optional<Smb2Header> parse_smb2_header(core::Bytes message) {
  if (classify_magic(message) != SmbMagic::smb2 || message.size() < smb2_header_size) return std::nullopt;
  core::ByteReader reader(message.subspan(4));
  if (reader.le16() != smb2_header_size) return std::nullopt;
  reader.le16();  // CreditCharge
  Smb2Header h;
  h.status = reader.le32();
  h.command = static_cast<Smb2Command>(reader.le16());
  reader.le16();  // Credits
  h.flags = reader.le32();
  h.next_command = reader.le32();
  h.message_id = reader.le64();
  if (h.flags & smb2_flag::async) {
    reader.le64();  // AsyncId
  } else {
    reader.le32();  // Reserved (ProcessId)
    h.tree_id = reader.le32();
  }
  h.session_id = reader.le64();
  if (!reader.ok()) return std::nullopt;
  return h;
}

std::optional<Smb2NegotiateRequest> parse_smb2_negotiate_request(core::Bytes message) {
  core::ByteReader r = body_reader(message);
  if (r.le16() != 36) return std::nullopt;
  Smb2NegotiateRequest out;
  out.dialect_count = r.le16();
  out.security_mode = r.le16();
  r.skip(2 + 4 + 16 + 8);  // Reserved, Capabilities, ClientGuid, ClientStartTime/contexts
  out.dialects = r.take(std::size_t{out.dialect_count} * 2);
  if (!r.ok()) return std::nullopt;
  return out;
}

std::optional<Smb2NegotiateResponse> parse_smb2_negotiate_response(core::Bytes message) {
  core::ByteReader r = body_reader(message);
  if (r.le16() != 65) return std::nullopt;
  Smb2NegotiateResponse out;
  out.security_mode = r.le16();
  out.dialect = r.le16();
  r.le16();  // NegotiateContextCount
  const core::Bytes guid = r.take(16);
  r.le32();  // Capabilities
  r.le32();  // MaxTransactSize
  out.max_read_size = r.le32();
  out.max_write_size = r.le32();
  r.skip(16);  // SystemTime, ServerStartTime
  const std::uint16_t blob_offset = r.le16();
  const std::uint16_t blob_length = r.le16();
  if (!r.ok()) return std::nullopt;
  std::copy(guid.begin(), guid.end(), out.server_guid.begin());
  const auto blob = header_relative(message, blob_offset, blob_length);
  if (!blob) return std::nullopt;
  out.security_blob = *blob;
  return out;
}

std::optional<Smb2SessionSetupRequest> parse_smb2_session_setup_request(core::Bytes message) {
  core::ByteReader r = body_reader(message);
  if (r.le16() != 25) return std::nullopt;
  Smb2SessionSetupRequest out;
  out.flags = r.u8();
  r.u8();    // SecurityMode
  r.le32();  // Capabilities
  r.le32();  // Channel
  const std::uint16_t blob_offset = r.le16();
  const std::uint16_t blob_length = r.le16();
  out.previous_session_id = r.le64();
  if (!r.ok()) return std::nullopt;
  const auto blob = header_relative(message, blob_offset, blob_length);
  if (!blob) return std::nullopt;
  out.security_blob = *blob;
  return out;
}

std::optional<Smb2SessionSetupResponse> parse_smb2_session_setup_response(core::Bytes message) {
  core::ByteReader r = body_reader(message);
  if (r.le16() != 9) return std::nullopt;
  Smb2SessionSetupResponse out;
  out.session_flags = r.le16();
  const std::uint16_t blob_offset = r.le16();
  const std::uint16_t blob_length = r.le16();
  if (!r.ok()) return std::nullopt;
  const auto blob = header_relative(message, blob_offset, blob_length);
  if (!blob) return std::nullopt;
  out.security_blob = *blob;
  return out;
}

std::optional<Smb2TreeConnectRequest> parse_smb2_tree_connect_request(core::Bytes message) {
  core::ByteReader r = body_reader(message);
  if (r.le16() != 9) return std::nullopt;
  r.le16();  // Flags (3.1.1) / Reserved
  const std::uint16_t path_offset = r.le16();
  const std::uint16_t path_length = r.le16();
  if (!r.ok()) return std::nullopt;
  const auto path = header_relative(message, path_offset, path_length);
  if (!path) return std::nullopt;
  return Smb2TreeConnectRequest{*path};
}

std::optional<Smb2TreeConnectResponse> parse_smb2_tree_connect_response(core::Bytes message) {
  core::ByteReader r = body_reader(message);
  if (r.le16() != 16) return std::nullopt;
  Smb2TreeConnectResponse out;
  out.share_type = r.u8();
  if (!r.ok()) return std::nullopt;
  return out;
}

std::optional<Smb2TransformHeader> parse_smb2_transform_header(core::Bytes message) {
  if (classify_magic(message) != SmbMagic::transform || message.size() < 52) return std::nullopt;
  core::ByteReader r(message.subspan(4 + 16 + 16));  // ProtocolId, Signature, Nonce
  Smb2TransformHeader out;
  out.original_size = r.le32();
  r.le16();  // Reserved
  r.le16();  // Flags / EncryptionAlgorithm
  out.session_id = r.le64();
  if (!r.ok()) return std::nullopt;
  return out;
}

std::string_view smb2_dialect_name(std::uint16_t dialect) {
  switch (dialect) {
    case 0x0202: return "2.02";
    case 0x0210: return "2.10";
    case 0x0222: return "2.22";
    case 0x0224: return "2.24";
    case 0x0300: return "3.00";
    case 0x0302: return "3.02";
    case 0x0310: return "3.10";
    case 0x0311: return "3.11";
    case 0x02ff: return "2.??";
    default: return "unknown";
  }
}

}  // namespace spanwatch::proto::smb

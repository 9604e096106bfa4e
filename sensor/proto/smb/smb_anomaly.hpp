#pragma once
// SMB anomalies, typed and named once (STYLE.md #8): EVE prints the name as anomaly.event.
#include <cstdint>
#include <string_view>

namespace spanwatch::proto::smb {

enum class SmbAnomaly : std::uint8_t {
  invalid_nbss_header,       // a NetBIOS header of unknown type: framing lost, resynchronising
  unknown_protocol_id,       // an NBSS message that is neither SMB1, SMB2 nor a transform header
  message_too_large,         // a message we parse is larger than SmbOptions::max_message_bytes
  malformed_smb1,
  malformed_smb2,
  malformed_security_blob,   // SPNEGO/Kerberos DER that does not parse
  malformed_ntlmssp,         // an NTLMSSP field pointing outside its message
  pending_requests_full,     // more outstanding requests than SmbOptions::max_pending_requests
  chain_too_long,            // more AndX/compound links than SmbOptions::max_chain_length
  resynchronised,            // framing found again after a gap or an invalid header
  count_
};

constexpr std::string_view name_of(SmbAnomaly a) {
  switch (a) {
    case SmbAnomaly::invalid_nbss_header: return "smb.invalid_nbss_header";
    case SmbAnomaly::unknown_protocol_id: return "smb.unknown_protocol_id";
    case SmbAnomaly::message_too_large: return "smb.message_too_large";
    case SmbAnomaly::malformed_smb1: return "smb.malformed_smb1";
    case SmbAnomaly::malformed_smb2: return "smb.malformed_smb2";
    case SmbAnomaly::malformed_security_blob: return "smb.malformed_security_blob";
    case SmbAnomaly::malformed_ntlmssp: return "smb.malformed_ntlmssp";
    case SmbAnomaly::pending_requests_full: return "smb.pending_requests_full";
    case SmbAnomaly::chain_too_long: return "smb.chain_too_long";
    case SmbAnomaly::resynchronised: return "smb.resynchronised";
    default: return "smb.unknown";
  }
}

}  // namespace spanwatch::proto::smb

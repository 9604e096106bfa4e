// SMB2/3: NEGOTIATE, SESSION_SETUP (paired by MessageId), TREE_CONNECT, LOGOFF, compound chains.
#include "proto/smb/nt_status.hpp"
#include "proto/smb/ntlmssp.hpp"
#include "proto/smb/parser.hpp"

namespace spanwatch::proto::smb {
namespace {

using events::smb::Version;

std::string_view share_type_name(std::uint8_t type) {
  switch (type) {
    case 1: return "disk";
    case 2: return "pipe";
    case 3: return "print";
    default: return "unknown";
  }
}

}  // namespace

void SmbParser::handle_smb2(core::Bytes message, FeedContext& context) {
  std::size_t offset = 0;
  for (std::uint32_t link = 0;; ++link) {
    if (link == options_.max_chain_length) {
      anomaly(SmbAnomaly::chain_too_long, context);
      return;
    }
    const core::Bytes rest = message.subspan(offset);
    const auto header = parse_smb2_header(rest);
    if (!header) {
      anomaly(SmbAnomaly::malformed_smb2, context);
      return;
    }
    ++counters_.smb2_messages;
    // NextCommand is 8-byte aligned and must leave room for another header.
    const bool chained = header->next_command != 0;
    if (chained && (header->next_command < smb2_header_size || header->next_command > rest.size())) {
      anomaly(SmbAnomaly::malformed_smb2, context);
      return;
    }
    const core::Bytes current = chained ? rest.first(header->next_command) : rest;
    switch (header->command) {
      case Smb2Command::negotiate: smb2_negotiate(*header, current, context); break;
      case Smb2Command::session_setup: smb2_session_setup(*header, current, context); break;
      case Smb2Command::tree_connect: smb2_tree_connect(*header, current, context); break;
      case Smb2Command::logoff:
        if (!header->response()) {
          const std::uint64_t session = header->session_id;
          session_setups_.erase_if([&](const PendingSessionSetup& p) { return p.session_id == session; });
        }
        break;
      default: break;
    }
    if (!chained) return;
    offset += header->next_command;
  }
}

void SmbParser::smb2_negotiate(const Smb2Header& header, core::Bytes message, FeedContext& context) {
  if (!header.response()) {
    const auto request = parse_smb2_negotiate_request(message);
    if (!request) {
      anomaly(SmbAnomaly::malformed_smb2, context);
      return;
    }
    PendingNegotiate& offered = start_negotiate();
    for (std::size_t i = 0; i < request->dialect_count && i < PendingNegotiate::max_dialects; ++i) {
      const std::uint16_t dialect = request->dialect(i);
      offered.dialects[offered.dialect_count++] = dialect;
      offered.names[offered.name_count].assign(smb2_dialect_name(dialect));
      offered.name_views[offered.name_count] = offered.names[offered.name_count].view();
      ++offered.name_count;
    }
    return;
  }
  if (header.status == nt::pending) return;
  events::smb::Negotiate event;
  event.version = Version::smb2;
  event.status = nt_status(header.status);
  event.extended_security = true;
  if (negotiate_ != nullptr) {
    event.client_dialects = std::span(negotiate_->dialects.data(), negotiate_->dialect_count);
    event.client_dialect_names = std::span(negotiate_->name_views.data(), negotiate_->name_count);
  }
  if (const auto response = parse_smb2_negotiate_response(message)) {
    event.dialect = response->dialect;
    event.dialect_name = smb2_dialect_name(response->dialect);
    event.signing_enabled = (response->security_mode & 0x1) != 0;
    event.signing_required = (response->security_mode & 0x2) != 0;
    connection_.version = Version::smb2;
    connection_.dialect = response->dialect;
    connection_.dialect_name.assign(event.dialect_name);
  } else if (is_success(event.status)) {
    anomaly(SmbAnomaly::malformed_smb2, context);
    return;
  }
  context.sink.emit(event);
  end_negotiate();  // after the event: its dialect lists are views into the entry
}

void SmbParser::smb2_session_setup(const Smb2Header& header, core::Bytes message, FeedContext& context) {
  if (!header.response()) {
    const auto request = parse_smb2_session_setup_request(message);
    if (!request) {
      anomaly(SmbAnomaly::malformed_smb2, context);
      return;
    }
    PendingSessionSetup& pending = insert_session_setup(header.message_id, context);
    pending.version = Version::smb2;
    pending.session_id = header.session_id;
    pending.identity.binding = (request->flags & 0x01) != 0;
    identity_from_blob(request->security_blob, pending.identity, context);
    return;
  }
  const events::smb::Status status = nt_status(header.status);
  if (header.status == nt::pending) return;  // interim response: the final one follows
  PendingSessionSetup* pending = session_setups_.find(header.message_id);
  if (is_more_processing(status)) {
    session_setups_.erase(header.message_id);
    return;
  }
  std::uint16_t session_flags = 0;
  if (const auto response = parse_smb2_session_setup_response(message)) session_flags = response->session_flags;
  if (pending && (session_flags & 0x2)) pending->identity.anonymous = true;  // SMB2_SESSION_FLAG_IS_NULL
  emit_session_setup(pending, Version::smb2, status, header.session_id, (session_flags & 0x1) != 0, context);
  session_setups_.erase(header.message_id);
}

void SmbParser::smb2_tree_connect(const Smb2Header& header, core::Bytes message, FeedContext& context) {
  if (!header.response()) {
    const auto request = parse_smb2_tree_connect_request(message);
    if (!request) {
      anomaly(SmbAnomaly::malformed_smb2, context);
      return;
    }
    PendingTreeConnect& pending = insert_tree_connect(header.message_id, context);
    pending.version = Version::smb2;
    pending.session_id = header.session_id;
    char text[256];
    pending.share.assign(utf16le_to_utf8(request->path, text));
    return;
  }
  if (header.status == nt::pending) return;
  events::smb::TreeConnect event;
  event.version = Version::smb2;
  event.status = nt_status(header.status);
  event.session_id = header.session_id;
  event.tree_id = header.tree_id;
  const auto response = parse_smb2_tree_connect_response(message);
  event.share_type = share_type_name(response ? response->share_type : 0);
  const PendingTreeConnect* pending = tree_connects_.find(header.message_id);
  if (pending) event.share = pending->share.view();
  context.sink.emit(event);
  tree_connects_.erase(header.message_id);
}

}  // namespace spanwatch::proto::smb

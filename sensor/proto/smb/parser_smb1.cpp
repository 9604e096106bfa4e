// SMB1: NEGOTIATE, SESSION_SETUP_ANDX (paired by PID/MID), TREE_CONNECT_ANDX, LOGOFF_ANDX, AndX chains.
#include <algorithm>

#include "proto/smb/nt_status.hpp"
#include "proto/smb/ntlmssp.hpp"
#include "proto/smb/parser.hpp"

namespace spanwatch::proto::smb {
namespace {

using events::smb::Mechanism;
using events::smb::NtlmVersion;
using events::smb::Version;

std::uint64_t request_key(const Smb1Header& h) { return (std::uint64_t{h.pid} << 16) | h.mid; }

bool is_andx(std::uint8_t command) {
  return command == smb1_command::session_setup_andx || command == smb1_command::tree_connect_andx ||
         command == smb1_command::logoff_andx;
}

template <std::size_t N>
void assign_text(core::FixedString<N>& out, core::Bytes raw, bool unicode) {
  if (!unicode) {
    out.assign(core::as_chars(raw));
    return;
  }
  char text[N];
  out.assign(utf16le_to_utf8(raw, text));
}

// SMB1 offers SMB2 in its dialect strings when a client can speak both.
std::uint16_t smb2_code_of(std::string_view name) {
  if (name == "SMB 2.002") return 0x0202;
  if (name == "SMB 2.???") return 0x02ff;
  return 0;
}

std::string_view service_share_type(core::Bytes bytes) {
  const std::string_view service = core::as_chars(bytes);
  if (service.starts_with("A:")) return "disk";
  if (service.starts_with("IPC")) return "pipe";
  if (service.starts_with("LPT")) return "print";
  return "unknown";
}

}  // namespace

void SmbParser::handle_smb1(core::Direction, core::Bytes message, FeedContext& context) {
  const auto header = parse_smb1_header(message);
  if (!header) {
    anomaly(SmbAnomaly::malformed_smb1, context);
    return;
  }
  std::uint8_t command = header->command;
  std::size_t offset = smb1_header_size;
  for (std::uint32_t link = 0;; ++link) {
    if (link == options_.max_chain_length) {
      anomaly(SmbAnomaly::chain_too_long, context);
      return;
    }
    const auto block = parse_smb1_block(message, offset);
    if (!block) {
      // An error response may end right after the header's WordCount/ByteCount: nothing to parse.
      if (command == smb1_command::session_setup_andx && header->reply()) {
        smb1_session_setup_response(*header, Smb1Block{}, context);
      } else if (command == smb1_command::tree_connect_andx && header->reply()) {
        smb1_tree_connect(*header, nullptr, context);
      } else {
        anomaly(SmbAnomaly::malformed_smb1, context);
      }
      return;
    }
    switch (command) {
      case smb1_command::negotiate: smb1_negotiate(*header, *block, context); return;
      case smb1_command::session_setup_andx:
        if (header->reply()) {
          smb1_session_setup_response(*header, *block, context);
        } else {
          smb1_session_setup_request(*header, *block, context);
        }
        break;
      case smb1_command::tree_connect_andx: smb1_tree_connect(*header, &*block, context); break;
      case smb1_command::logoff_andx:
        if (!header->reply()) {
          const std::uint64_t uid = header->uid;
          session_setups_.erase_if([&](const PendingSessionSetup& p) { return p.session_id == uid; });
        }
        break;
      default: return;
    }
    if (!is_andx(command)) return;
    const auto andx = parse_smb1_andx(*block);
    // Each link must point forward: a loop or a link past the end ends the chain.
    if (!andx || andx->command == smb1_command::no_andx || andx->offset <= offset || andx->offset >= message.size()) {
      return;
    }
    command = andx->command;
    offset = andx->offset;
  }
}

void SmbParser::smb1_negotiate(const Smb1Header& header, const Smb1Block& block, FeedContext& context) {
  if (!header.reply()) {
    PendingNegotiate& offered = start_negotiate();
    core::ByteReader dialects(block.bytes);
    while (const auto name = next_smb1_dialect(dialects)) {
      if (offered.name_count == PendingNegotiate::max_dialects) break;
      offered.names[offered.name_count].assign(*name);
      offered.name_views[offered.name_count] = offered.names[offered.name_count].view();
      ++offered.name_count;
      if (const std::uint16_t code = smb2_code_of(*name)) offered.dialects[offered.dialect_count++] = code;
    }
    return;
  }
  const auto response = parse_smb1_negotiate_response(block);
  if (!response) {
    if (!is_success(header.status)) return;
    anomaly(SmbAnomaly::malformed_smb1, context);
    return;
  }
  events::smb::Negotiate event;
  event.version = Version::smb1;
  event.status = header.status;
  event.dialect = response->dialect_index;
  if (negotiate_ != nullptr) {
    event.client_dialects = std::span(negotiate_->dialects.data(), negotiate_->dialect_count);
    event.client_dialect_names = std::span(negotiate_->name_views.data(), negotiate_->name_count);
  }
  event.dialect_name = negotiate_ != nullptr && response->dialect_index < negotiate_->name_count
                           ? negotiate_->name_views[response->dialect_index]
                           : std::string_view("unknown");
  event.signing_enabled = (response->security_mode & 0x04) != 0;
  event.signing_required = (response->security_mode & 0x08) != 0;
  event.extended_security = (response->capabilities & smb1_cap_extended_security) != 0;
  connection_.version = Version::smb1;
  connection_.dialect = response->dialect_index;
  connection_.dialect_name.assign(event.dialect_name);
  connection_.smb1_encrypt_passwords = !response->nt_lm || (response->security_mode & 0x02) != 0;
  context.sink.emit(event);
  end_negotiate();  // after the event: its dialect lists are views into the entry
}

void SmbParser::smb1_session_setup_request(const Smb1Header& header, const Smb1Block& block, FeedContext& context) {
  const auto request = parse_smb1_session_setup_request(header, block);
  if (!request) {
    anomaly(SmbAnomaly::malformed_smb1, context);
    return;
  }
  PendingSessionSetup& pending = insert_session_setup(request_key(header), context);
  pending.version = Version::smb1;
  pending.session_id = header.uid;
  Identity& id = pending.identity;
  assign_text(id.native_os, request->native_os, request->unicode);
  assign_text(id.native_lm, request->native_lm, request->unicode);
  if (request->extended_security) {
    identity_from_blob(request->security_blob, id, context);
    return;
  }
  assign_text(id.user, request->account, request->unicode);
  assign_text(id.domain, request->domain, request->unicode);
  const std::size_t oem = request->oem_password.size();
  const std::size_t nt = request->unicode_password.size();
  const bool empty_passwords = nt == 0 && (oem == 0 || (oem == 1 && request->oem_password[0] == 0));
  if (id.user.empty() && empty_passwords) {
    id.mechanism = Mechanism::anonymous;
    id.anonymous = true;
  } else if (!connection_.smb1_encrypt_passwords || (nt != 0 && nt != 24 && nt < 48) || (nt == 0 && oem != 24 && oem != 0)) {
    // The server did not ask for challenge/response, or the lengths fit no NTLM response.
    id.mechanism = Mechanism::plaintext;
    id.password_seen = !empty_passwords;
    const core::Bytes password = nt ? request->unicode_password : request->oem_password;
    if (options_.log_cleartext_passwords) {
      assign_text(id.password, password, nt != 0 && request->unicode);
    } else if (id.password_seen) {
      id.password.assign("***");
    }
  } else {
    id.mechanism = Mechanism::ntlmssp;
    id.ntlm_version = nt > 24 ? NtlmVersion::v2 : nt == 24 ? NtlmVersion::v1 : NtlmVersion::lm;
  }
}

void SmbParser::smb1_session_setup_response(const Smb1Header& header, const Smb1Block& block, FeedContext& context) {
  const std::uint64_t key = request_key(header);
  if (is_more_processing(header.status)) {
    session_setups_.erase(key);
    return;
  }
  std::uint16_t action = 0;
  if (block.word_count != 0) {
    if (const auto response = parse_smb1_session_setup_response(block)) action = response->action;
  }
  emit_session_setup(session_setups_.find(key), Version::smb1, header.status, header.uid, (action & 0x1) != 0, context);
  session_setups_.erase(key);
}

void SmbParser::smb1_tree_connect(const Smb1Header& header, const Smb1Block* block, FeedContext& context) {
  const std::uint64_t key = request_key(header);
  if (!header.reply()) {
    if (!block) return;
    const auto request = parse_smb1_tree_connect_request(header, *block);
    if (!request) {
      anomaly(SmbAnomaly::malformed_smb1, context);
      return;
    }
    PendingTreeConnect& pending = insert_tree_connect(key, context);
    pending.version = Version::smb1;
    pending.session_id = header.uid;
    assign_text(pending.share, request->path, request->unicode);
    return;
  }
  events::smb::TreeConnect event;
  event.version = Version::smb1;
  event.status = header.status;
  event.session_id = header.uid;
  event.tree_id = header.tid;
  event.share_type = block && block->word_count != 0 ? service_share_type(block->bytes) : std::string_view("unknown");
  if (const PendingTreeConnect* pending = tree_connects_.find(key)) event.share = pending->share.view();
  context.sink.emit(event);
  tree_connects_.erase(key);
}

}  // namespace spanwatch::proto::smb

// Who is logging on: the security blob of a SESSION_SETUP request (SPNEGO, NTLMSSP, Kerberos) turned
// into an Identity, and the SessionSetup event built from it at the final response.
#include "proto/smb/nt_status.hpp"
#include "proto/smb/ntlmssp.hpp"
#include "proto/smb/parser.hpp"
#include "proto/smb/spnego.hpp"

namespace spanwatch::proto::smb {
namespace {

template <std::size_t N>
void assign_name(core::FixedString<N>& out, core::Bytes raw, bool unicode) {
  if (!unicode) {
    out.assign(core::as_chars(raw));
    return;
  }
  char text[N];
  out.assign(utf16le_to_utf8(raw, text));
}

}  // namespace

void SmbParser::identity_from_blob(core::Bytes blob, Identity& identity, FeedContext& context) {
  if (blob.empty()) return;
  const auto token = parse_security_blob(blob);
  if (!token) {
    anomaly(SmbAnomaly::malformed_security_blob, context);
    return;
  }
  identity.mechanism = token->mechanism;
  if (token->kerberos) {
    const KerberosApReq& ap_req = *token->kerberos;
    identity.kerberos_realm.assign(core::as_chars(ap_req.realm));
    // "cifs/host": the components joined with '/', bounded by the field.
    char principal[128];
    std::size_t length = 0;
    for (std::size_t i = 0; i < ap_req.sname_count; ++i) {
      const std::string_view part = core::as_chars(ap_req.sname[i]);
      if (i > 0 && length < sizeof principal) principal[length++] = '/';
      const std::size_t n = std::min(part.size(), sizeof principal - length);
      std::copy_n(part.begin(), n, principal + length);
      length += n;
    }
    identity.kerberos_principal.assign({principal, length});
  }
  if (token->ntlmssp.empty()) return;
  const auto type = ntlmssp_message_type(token->ntlmssp);
  if (type != NtlmMessageType::authenticate) return;
  const auto message = parse_ntlmssp_authenticate(token->ntlmssp);
  if (!message) {
    anomaly(SmbAnomaly::malformed_ntlmssp, context);
    return;
  }
  assign_name(identity.user, message->user, message->unicode());
  assign_name(identity.domain, message->domain, message->unicode());
  assign_name(identity.workstation, message->workstation, message->unicode());
  identity.ntlm_version = ntlm_version_of(*message);
  identity.ntlmssp_version = message->version;
  identity.anonymous = is_anonymous(*message);
}

namespace {

events::smb::SessionSetup session_setup_of(const PendingSessionSetup* pending, events::smb::Version version,
                                           std::string_view dialect_name, std::uint16_t dialect) {
  events::smb::SessionSetup event;
  event.version = version;
  event.dialect = dialect;
  event.dialect_name = dialect_name.empty() ? std::string_view("unknown") : dialect_name;
  if (!pending) return event;
  const Identity& id = pending->identity;
  event.mechanism = id.mechanism;
  event.user = id.user.view();
  event.domain = id.domain.view();
  event.workstation = id.workstation.view();
  event.anonymous = id.anonymous;
  event.ntlm_version = id.ntlm_version;
  event.ntlmssp_version = id.ntlmssp_version;
  event.password_seen = id.password_seen;
  event.password = id.password.view();
  event.kerberos_realm = id.kerberos_realm.view();
  event.kerberos_principal = id.kerberos_principal.view();
  event.native_os = id.native_os.view();
  event.native_lm = id.native_lm.view();
  event.binding = id.binding;
  return event;
}

}  // namespace

void SmbParser::emit_session_setup(const PendingSessionSetup* pending, events::smb::Version version,
                                   const events::smb::Status& status, std::uint64_t session_id, bool guest,
                                   FeedContext& context) {
  events::smb::SessionSetup event = session_setup_of(pending, version, connection_.dialect_name.view(), connection_.dialect);
  event.status = status;
  event.auth_failure = is_auth_failure(status);
  event.final = true;
  event.guest = guest;
  event.session_id = session_id;
  ++counters_.session_setups;
  context.sink.emit(event);
}

void SmbParser::emit_unanswered_session_setups(FeedContext& context) {
  session_setups_.for_each_oldest_first([&](const PendingSessionSetup& pending) {
    events::smb::SessionSetup event =
        session_setup_of(&pending, pending.version, connection_.dialect_name.view(), connection_.dialect);
    event.answered = false;
    event.session_id = pending.session_id;
    ++counters_.unanswered_session_setups;
    context.sink.emit(event);
  });
  session_setups_.clear();
}

PendingSessionSetup& SmbParser::insert_session_setup(std::uint64_t key, FeedContext& context) {
  bool evicted = false;
  PendingSessionSetup& slot = session_setups_.insert(key, evicted);
  if (evicted) anomaly(SmbAnomaly::pending_requests_full, context);
  return slot;
}

PendingTreeConnect& SmbParser::insert_tree_connect(std::uint64_t key, FeedContext& context) {
  bool evicted = false;
  PendingTreeConnect& slot = tree_connects_.insert(key, evicted);
  if (evicted) anomaly(SmbAnomaly::pending_requests_full, context);
  return slot;
}

}  // namespace spanwatch::proto::smb

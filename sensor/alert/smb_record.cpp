#include "alert/smb_record.hpp"

#include <cstdio>

namespace spanwatch::alert {
namespace {

using events::smb::Version;

// Suricata's command names per SMB version.
std::string_view command_name(Version version, std::string_view smb1, std::string_view smb2) {
  return version == Version::smb1 ? smb1 : smb2;
}

void write_status(EveWriter& writer, const events::smb::Status& status) {
  writer.field("status", status.name);
  char code[16];
  const int n = std::snprintf(code, sizeof code, "0x%x", status.code);
  writer.field("status_code", std::string_view(code, n > 0 ? static_cast<std::size_t>(n) : 0));
}

// Suricata's form: "<major>.<minor> build <build> rev <NTLM revision>".
void write_ntlmssp_version(EveWriter& writer, const events::smb::NtlmsspVersion& version) {
  char text[48];
  const int n = std::snprintf(text, sizeof text, "%u.%u build %u rev %u", unsigned{version.major},
                              unsigned{version.minor}, unsigned{version.build}, unsigned{version.ntlm_revision});
  writer.field("version", std::string_view(text, n > 0 ? static_cast<std::size_t>(n) : 0));
}

void write_dialect(EveWriter& writer, std::string_view dialect_name) {
  writer.field("dialect", dialect_name.empty() ? std::string_view("unknown") : dialect_name);
}

}  // namespace

std::string_view eve_event_type(const events::smb::Negotiate&) { return "smb"; }
std::string_view eve_event_type(const events::smb::SessionSetup&) { return "smb"; }
std::string_view eve_event_type(const events::smb::TreeConnect&) { return "smb"; }

void write_eve_object(EveWriter& writer, const events::smb::Negotiate& event) {
  writer.key("smb");
  writer.json().StartObject();
  writer.field("command", command_name(event.version, "SMB1_COMMAND_NEGOTIATE_PROTOCOL", "SMB2_COMMAND_NEGOTIATE_PROTOCOL"));
  write_status(writer, event.status);
  write_dialect(writer, event.dialect_name);
  if (!event.client_dialect_names.empty()) {
    writer.key("client_dialects");
    writer.json().StartArray();
    for (const std::string_view name : event.client_dialect_names) writer.string(name);
    writer.json().EndArray();
  }
  writer.json().EndObject();
}

void write_eve_object(EveWriter& writer, const events::smb::SessionSetup& event) {
  writer.key("smb");
  writer.json().StartObject();
  writer.field("command", command_name(event.version, "SMB1_COMMAND_SESSION_SETUP_ANDX", "SMB2_COMMAND_SESSION_SETUP"));
  // A request the flow ended without answering: Suricata logs it with the status absent.
  if (event.answered) write_status(writer, event.status);
  write_dialect(writer, event.dialect_name);
  writer.key("session_id");
  writer.json().Uint64(event.session_id);
  if (event.mechanism == events::smb::Mechanism::ntlmssp) {
    writer.key("ntlmssp");
    writer.json().StartObject();
    writer.field("domain", event.domain);
    writer.field("user", event.user);
    writer.field("host", event.workstation);
    if (event.ntlmssp_version.present) write_ntlmssp_version(writer, event.ntlmssp_version);
    writer.json().EndObject();
  }
  if (event.mechanism == events::smb::Mechanism::kerberos && !event.kerberos_realm.empty()) {
    writer.key("kerberos");
    writer.json().StartObject();
    writer.field("realm", event.kerberos_realm);
    writer.key("snames");
    writer.json().StartArray();
    // The principal is "service/host": Suricata lists the components.
    std::string_view rest = event.kerberos_principal;
    while (!rest.empty()) {
      const std::size_t slash = rest.find('/');
      writer.string(rest.substr(0, slash));
      rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    }
    writer.json().EndArray();
    writer.json().EndObject();
  }
  if (!event.native_os.empty() || !event.native_lm.empty()) {
    writer.key("request");
    writer.json().StartObject();
    writer.field("native_os", event.native_os);
    writer.field("native_lm", event.native_lm);
    writer.json().EndObject();
  }
  writer.json().EndObject();
}

void write_eve_object(EveWriter& writer, const events::smb::TreeConnect& event) {
  writer.key("smb");
  writer.json().StartObject();
  writer.field("command", command_name(event.version, "SMB1_COMMAND_TREE_CONNECT_ANDX", "SMB2_COMMAND_TREE_CONNECT"));
  write_status(writer, event.status);
  writer.key("session_id");
  writer.json().Uint64(event.session_id);
  writer.key("tree_id");
  writer.json().Uint(event.tree_id);
  writer.field("share", event.share);
  writer.field("share_type", event.share_type == "disk" ? "FILE" : event.share_type == "pipe" ? "PIPE" : event.share_type == "print" ? "PRINT" : "UNKNOWN");
  writer.json().EndObject();
}

}  // namespace spanwatch::alert

// Fields of the SMB events (events/smb.hpp). `status.code` is the NT status (or the SMB1 DOS error as
// class << 16 | code with `status.dos`), so rules can list authentication-failure codes themselves.
#include "rules/field_table.hpp"

namespace spanwatch::rules {
namespace {

using namespace events::smb;

template <class E>
bool version_number(const void* subject, FieldValue& out) {
  out.integer = static_cast<std::int64_t>(static_cast<const E*>(subject)->version);
  return true;
}
template <class E>
bool status_code(const void* subject, FieldValue& out) {
  out.integer = static_cast<const E*>(subject)->status.code;
  return true;
}
template <class E>
bool status_name(const void* subject, FieldValue& out) {
  out.text = static_cast<const E*>(subject)->status.name;
  return true;
}
template <class E>
bool status_dos(const void* subject, FieldValue& out) {
  out.boolean = static_cast<const E*>(subject)->status.dos;
  return true;
}
template <class E>
constexpr FieldSpec status_fields[] = {
    {"version", FieldType::integer, &version_number<E>},
    {"status.code", FieldType::integer, &status_code<E>},
    {"status.name", FieldType::string, &status_name<E>},
    {"status.dos", FieldType::boolean, &status_dos<E>},
};

// A request the flow ended on before any response is neither a success nor a failure.
bool success(const void* subject, FieldValue& out) {
  const auto* setup = static_cast<const SessionSetup*>(subject);
  out.boolean = setup->answered && setup->status.code == 0;
  return true;
}

bool answered(const void* subject, FieldValue& out) {
  out.boolean = static_cast<const SessionSetup*>(subject)->answered;
  return true;
}

constexpr FieldSpec negotiate_fields[] = {
    status_fields<Negotiate>[0], status_fields<Negotiate>[1], status_fields<Negotiate>[2], status_fields<Negotiate>[3],
    member_field<&Negotiate::client_dialects>("client_dialects"),
    member_field<&Negotiate::client_dialect_names>("client_dialect_names"),
    member_field<&Negotiate::dialect>("dialect"),
    member_field<&Negotiate::dialect_name>("dialect_name"),
    member_field<&Negotiate::signing_enabled>("signing_enabled"),
    member_field<&Negotiate::signing_required>("signing_required"),
    member_field<&Negotiate::extended_security>("extended_security"),
};

constexpr FieldSpec session_setup_fields[] = {
    status_fields<SessionSetup>[0], status_fields<SessionSetup>[1], status_fields<SessionSetup>[2],
    status_fields<SessionSetup>[3],
    {"success", FieldType::boolean, &success},
    {"answered", FieldType::boolean, &answered},
    member_field<&SessionSetup::dialect>("dialect"),
    member_field<&SessionSetup::dialect_name>("dialect_name"),
    member_field<&SessionSetup::mechanism>("mechanism"),
    member_field<&SessionSetup::user>("user"),
    member_field<&SessionSetup::domain>("domain"),
    member_field<&SessionSetup::workstation>("workstation"),
    member_field<&SessionSetup::anonymous>("anonymous"),
    member_field<&SessionSetup::ntlm_version>("ntlm_version"),
    member_field<&SessionSetup::password_seen>("password_seen"),
    member_field<&SessionSetup::kerberos_realm>("kerberos_realm"),
    member_field<&SessionSetup::kerberos_principal>("kerberos_principal"),
    member_field<&SessionSetup::native_os>("native_os"),
    member_field<&SessionSetup::native_lm>("native_lm"),
    member_field<&SessionSetup::auth_failure>("auth_failure"),
    member_field<&SessionSetup::guest>("guest"),
    member_field<&SessionSetup::binding>("binding"),
    member_field<&SessionSetup::session_id>("session_id"),
};

constexpr FieldSpec tree_connect_fields[] = {
    status_fields<TreeConnect>[0], status_fields<TreeConnect>[1], status_fields<TreeConnect>[2],
    status_fields<TreeConnect>[3],
    member_field<&TreeConnect::share>("share"),
    member_field<&TreeConnect::share_type>("share_type"),
    member_field<&TreeConnect::session_id>("session_id"),
    member_field<&TreeConnect::tree_id>("tree_id"),
};

}  // namespace

std::span<const FieldSpec> fields_of(const Negotiate*) { return negotiate_fields; }
std::span<const FieldSpec> fields_of(const SessionSetup*) { return session_setup_fields; }
std::span<const FieldSpec> fields_of(const TreeConnect*) { return tree_connect_fields; }

}  // namespace spanwatch::rules

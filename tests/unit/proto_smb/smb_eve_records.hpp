#pragma once
// Sample smb events with realistic values, shared by record_test.cpp and the smb_eve_sample tool
// (whose output the schema test validates).
#include <array>
#include <string_view>

#include "events/smb.hpp"

namespace spanwatch::proto::smb::test {

inline events::smb::SessionSetup sample_session_setup() {
  events::smb::SessionSetup e;
  e.version = events::smb::Version::smb2;
  e.dialect = 0x0311;
  e.dialect_name = "3.11";
  e.mechanism = events::smb::Mechanism::ntlmssp;
  e.user = "Willi Wireshark";
  e.domain = "DESKTOP-2AEFM7G";
  e.workstation = "DESKTOP-2AEFM7G";
  e.ntlm_version = events::smb::NtlmVersion::v2;
  e.ntlmssp_version = {true, 10, 0, 18362, 15};
  e.status = {0xC000006D, false, "STATUS_LOGON_FAILURE"};
  e.auth_failure = true;
  e.session_id = 0x0000740000000015;
  return e;
}

// A request whose response never came: no status.
inline events::smb::SessionSetup sample_unanswered_setup() {
  events::smb::SessionSetup e = sample_session_setup();
  e.status = {};
  e.auth_failure = false;
  e.answered = false;
  return e;
}

inline events::smb::SessionSetup sample_kerberos_setup() {
  events::smb::SessionSetup e;
  e.version = events::smb::Version::smb2;
  e.dialect_name = "2.10";
  e.mechanism = events::smb::Mechanism::kerberos;
  e.kerberos_realm = "DS.EXAMPLE.COM";
  e.kerberos_principal = "cifs/fs01.example.com";
  e.status = {0, false, "STATUS_SUCCESS"};
  e.session_id = 0xd31a67cf;
  return e;
}

inline events::smb::SessionSetup sample_smb1_setup() {
  events::smb::SessionSetup e;
  e.version = events::smb::Version::smb1;
  e.dialect_name = "NT LM 0.12";
  e.mechanism = events::smb::Mechanism::plaintext;
  e.user = "guest\xff";  // not UTF-8: the writer keeps the line valid
  e.native_os = "Unix";
  e.native_lm = "Samba";
  e.status = {0x00020002, true, "SRV_BADPW"};
  e.auth_failure = true;
  e.session_id = 0x800;
  return e;
}

inline events::smb::Negotiate sample_negotiate() {
  static constexpr std::array<std::uint16_t, 3> dialects{0x0202, 0x0210, 0x0311};
  static constexpr std::array<std::string_view, 3> names{"2.02", "2.10", "3.11"};
  events::smb::Negotiate e;
  e.client_dialects = dialects;
  e.client_dialect_names = names;
  e.dialect = 0x0311;
  e.dialect_name = "3.11";
  e.signing_enabled = true;
  e.status = {0, false, "STATUS_SUCCESS"};
  return e;
}

inline events::smb::TreeConnect sample_tree_connect() {
  events::smb::TreeConnect e;
  e.share = "\\\\fs01\\IPC$";
  e.share_type = "pipe";
  e.status = {0, false, "STATUS_SUCCESS"};
  e.session_id = 0x0000740000000015;
  e.tree_id = 1;
  return e;
}

}  // namespace spanwatch::proto::smb::test

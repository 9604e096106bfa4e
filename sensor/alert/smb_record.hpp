#pragma once
// EVE `smb` records from smb events (see app_record.hpp for the contract), shaped as Suricata's
// `smb` object: command, status, status_code, dialect, session_id, ntlmssp{domain,user,host}, ...
#include <string_view>

#include "alert/eve_writer.hpp"
#include "events/smb.hpp"

namespace spanwatch::alert {

std::string_view eve_event_type(const events::smb::Negotiate& event);
std::string_view eve_event_type(const events::smb::SessionSetup& event);
std::string_view eve_event_type(const events::smb::TreeConnect& event);

void write_eve_object(EveWriter& writer, const events::smb::Negotiate& event);
void write_eve_object(EveWriter& writer, const events::smb::SessionSetup& event);
void write_eve_object(EveWriter& writer, const events::smb::TreeConnect& event);

}  // namespace spanwatch::alert

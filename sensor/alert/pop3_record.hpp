#pragma once
// EVE `pop3` records from pop3 events (see app_record.hpp for the contract): one record per
// request/response, written from pop3::Response alone, in Suricata's field names.
#include <string_view>

#include "alert/eve_writer.hpp"
#include "events/pop3.hpp"

namespace spanwatch::alert {

std::string_view eve_event_type(const events::pop3::Response& response);
void write_eve_object(EveWriter& writer, const events::pop3::Response& response);

}  // namespace spanwatch::alert

#pragma once
// EVE `ftp` records from ftp events (see app_record.hpp for the contract): one record per
// command/reply transaction, written from ftp::Reply alone, in Suricata's field names.
#include <string_view>

#include "alert/eve_writer.hpp"
#include "events/ftp.hpp"

namespace spanwatch::alert {

std::string_view eve_event_type(const events::ftp::Reply& reply);
void write_eve_object(EveWriter& writer, const events::ftp::Reply& reply);

}  // namespace spanwatch::alert

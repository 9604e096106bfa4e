#pragma once
// EVE `pop3` records from pop3 events (see app_record.hpp for the contract).
#include <string_view>

#include "alert/eve_writer.hpp"
#include "events/pop3.hpp"

namespace spanwatch::alert {}  // namespace spanwatch::alert

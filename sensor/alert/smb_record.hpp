#pragma once
// EVE `smb` records from smb events (see app_record.hpp for the contract).
#include <string_view>

#include "alert/eve_writer.hpp"
#include "events/smb.hpp"

namespace spanwatch::alert {}  // namespace spanwatch::alert

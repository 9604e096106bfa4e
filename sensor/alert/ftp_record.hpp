#pragma once
// EVE `ftp` records from ftp events (see app_record.hpp for the contract).
#include <string_view>

#include "alert/eve_writer.hpp"
#include "events/ftp.hpp"

namespace spanwatch::alert {}  // namespace spanwatch::alert

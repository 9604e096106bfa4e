#pragma once
// EVE `tls` records from tls events (see app_record.hpp for the contract).
#include <string_view>

#include "alert/eve_writer.hpp"
#include "events/tls.hpp"

namespace spanwatch::alert {}  // namespace spanwatch::alert

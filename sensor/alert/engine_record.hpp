#pragma once
// The EVE `engine` record, the shape Suricata 8 gives its own log messages in eve.json:
// {"timestamp", "event_type": "engine", "host", "log_level": "Info", "engine": {"module", "message"}}.
// spanwatch writes one per output after every stats record, with the output's delivery counters:
// Suricata's stats schema is closed (no place for an output's counters), the engine record is not.
#include <string_view>

#include "alert/eve_writer.hpp"
#include "core/timestamp.hpp"

namespace spanwatch::alert {

enum class EngineLevel { info, warning, error };

std::string_view engine_level_name(EngineLevel level);  // "Info", "Warning", "Error"

// Returns the line, valid until the writer's next begin().
std::string_view format_engine(EveWriter& writer, core::Timestamp ts, EngineLevel level, std::string_view module,
                               std::string_view message);

}  // namespace spanwatch::alert

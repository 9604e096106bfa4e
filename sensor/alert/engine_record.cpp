#include "alert/engine_record.hpp"

namespace spanwatch::alert {

std::string_view engine_level_name(EngineLevel level) {
  switch (level) {
    case EngineLevel::info: return "Info";
    case EngineLevel::warning: return "Warning";
    case EngineLevel::error: return "Error";
  }
  return "Info";
}

std::string_view format_engine(EveWriter& writer, core::Timestamp ts, EngineLevel level, std::string_view module,
                               std::string_view message) {
  writer.begin("engine", ts, nullptr);
  writer.field("log_level", engine_level_name(level));
  writer.key("engine");
  writer.json().StartObject();
  writer.field("module", module);
  writer.field("message", message);
  writer.json().EndObject();
  return writer.end();
}

}  // namespace spanwatch::alert

#include "alert/eve_output.hpp"

#include <cstring>
#include <stdexcept>

#include <spdlog/spdlog.h>

namespace spanwatch::alert {

EveFileOutput::EveFileOutput(const std::string& path, std::vector<std::string> event_types, EveFileOptions options)
    : file_(options), name_("eve " + path), event_types_(std::move(event_types)) {
  all_types_ = event_types_.empty();
  for (const auto& type : event_types_) all_types_ = all_types_ || type == "*";
  if (!file_.open(path)) throw std::runtime_error("cannot write " + path + ": " + std::strerror(file_.last_error()));
}

void EveFileOutput::reopen() {
  if (!file_.reopen()) spdlog::error("cannot reopen {}: {}", file_.path(), std::strerror(file_.last_error()));
}

OutputCounters EveFileOutput::counters() const {
  OutputCounters c;
  c.written = file_.written_lines();
  c.dropped = file_.dropped_lines();
  c.errors = file_.write_errors();
  return c;
}

}  // namespace spanwatch::alert

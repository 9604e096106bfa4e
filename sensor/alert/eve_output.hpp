#pragma once
// eve.json as an Output: records appended through EveFile's buffer, flushed on the output thread's
// timer, reopened on SIGHUP (logrotate `create` or `copytruncate`).
#include <string>
#include <vector>

#include "alert/eve_file.hpp"
#include "alert/output.hpp"

namespace spanwatch::alert {

class EveFileOutput final : public Output {
 public:
  // Throws std::runtime_error when the file cannot be opened. `event_types`: the records written
  // ("alert", "smb", "stats", ...); empty or "*": every record.
  EveFileOutput(const std::string& path, std::vector<std::string> event_types = {}, EveFileOptions options = {});

  std::string_view name() const override { return name_; }
  void write(const Record& record) override {
    if (wanted(record.event_type)) file_.write(record);
  }
  void flush() override { file_.flush(); }
  void reopen() override;
  OutputCounters counters() const override;

 private:
  bool wanted(std::string_view event_type) const {
    if (all_types_) return true;
    for (const auto& type : event_types_)
      if (type == event_type) return true;
    return false;
  }

  EveFile file_;
  std::string name_;
  std::vector<std::string> event_types_;
  bool all_types_ = true;
};

}  // namespace spanwatch::alert

#pragma once
// eve.json as an Output: records appended through EveFile's buffer, flushed on the output thread's
// timer, reopened on SIGHUP (logrotate `create` or `copytruncate`).
#include <string>

#include "alert/eve_file.hpp"
#include "alert/output.hpp"

namespace spanwatch::alert {

class EveFileOutput final : public Output {
 public:
  // Throws std::runtime_error when the file cannot be opened.
  EveFileOutput(const std::string& path, EveFileOptions options = {});

  std::string_view name() const override { return name_; }
  void write(const Record& record) override { file_.write(record); }
  void flush() override { file_.flush(); }
  void reopen() override;
  OutputCounters counters() const override;

 private:
  EveFile file_;
  std::string name_;
};

}  // namespace spanwatch::alert

#pragma once
// One streaming pass over EVE lines: each line is parsed (RapidJSON), folded into ReportData and
// forgotten. Memory is bounded by ReportOptions, whatever the number of lines. A line that is not a
// JSON object, or an object without event_type/timestamp, is counted and skipped.
#include <memory>
#include <string_view>

#include "report/report_data.hpp"
#include "report/report_options.hpp"

namespace spanwatch::report {

class EveAggregator {
 public:
  explicit EveAggregator(ReportOptions options);
  ~EveAggregator();
  EveAggregator(const EveAggregator&) = delete;
  EveAggregator& operator=(const EveAggregator&) = delete;

  // Stats records without `host` are kept per input file: call before each file's lines.
  void begin_file(std::string_view name);
  void add_line(std::string_view line);
  // Closes open SMB failure runs, fills evidence that needed later records; call once.
  ReportData finish();

  const ReportOptions& options() const;

  struct State;  // defined in aggregator_state.hpp (RapidJSON stays out of this header)

 private:
  std::unique_ptr<State> state_;
};

}  // namespace spanwatch::report

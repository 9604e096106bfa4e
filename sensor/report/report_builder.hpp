#pragma once
// eve.json files -> report.html: reads each file line by line (one streaming pass), aggregates,
// renders, and writes the page next to its final name before renaming it into place.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "report/report_options.hpp"

namespace spanwatch::report {

class ReportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ReportResult {
  std::uint64_t lines = 0;
  std::uint64_t skipped = 0;  // not JSON or not EVE
  std::uint64_t alerts = 0;
  std::uint64_t html_bytes = 0;
};

// Throws ReportError when an input cannot be read or the output cannot be written.
ReportResult build_report(const std::vector<std::string>& eve_files, const std::string& output,
                          const ReportOptions& options);

}  // namespace spanwatch::report

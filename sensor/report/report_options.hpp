#pragma once
// What a report keeps: every bound on memory and page size is a value here, and each has a counter
// on the page ("+N more", "N not drawn") so a cut is never silent.
#include <cstddef>
#include <string>

namespace spanwatch::report {

struct ReportOptions {
  std::size_t evidence_per_rule = 20;      // --evidence N: evidence rows kept per rule
  std::size_t distinct_per_set = 50;       // names kept per distinct set (sources, targets, users)
  std::size_t distinct_overflow = 100000;  // further distinct values counted exactly up to this many
  std::size_t marks_per_rule = 500;        // timeline marks kept per rule
  std::size_t tracked_hosts = 20000;       // hosts with their own counters (top talkers)
  std::size_t tracked_flows = 65536;       // flow ids remembered (FTP user, masked secrets, flow counts)
  std::size_t tracked_pairs = 20000;       // client/server pairs followed for SMB failure runs
  std::size_t top_n = 10;                  // rows in top-N tables
  double smb_burst_gap_seconds = 60;       // a failure run ends after this long without a failure
  bool lab_mode = false;                   // --lab: user names in clear
  std::string generator_version;           // the spanwatch that wrote the page
};

}  // namespace spanwatch::report

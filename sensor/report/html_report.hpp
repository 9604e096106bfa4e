#pragma once
// ReportData -> one self-contained HTML page: inline CSS and SVG, no script, no external resource
// (nothing to fetch: it opens offline and prints). Sections: Summary, Timeline, Alerts by rule, TLS
// posture, Authentication, Top talkers. Figures the tests read carry data-metric/data-* attributes.
#include <string>

#include "report/report_data.hpp"
#include "report/report_options.hpp"

namespace spanwatch::report {

std::string render_html(const ReportData& data, const ReportOptions& options);

}  // namespace spanwatch::report

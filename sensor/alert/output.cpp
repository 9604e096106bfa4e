#include "alert/output.hpp"

#include <fmt/format.h>

namespace spanwatch::alert {

std::string format_output_counters(const OutputCounters& c) {
  return fmt::format("written={} dropped={} overflow={} errors={} backlog={}", c.written, c.dropped, c.overflow,
                     c.errors, c.backlog);
}

std::string Output::delivery_report() const { return format_output_counters(counters()); }

}  // namespace spanwatch::alert

#pragma once
// Inline SVG charts: a timeline with one lane per rule, and horizontal bars. Colours are the
// Okabe-Ito palette (distinguishable with the common colour-vision deficiencies); every chart the
// page draws is also given as a table next to it. All text is escaped here.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "report/report_data.hpp"

namespace spanwatch::report {

// Okabe & Ito (2008), without black: orange, sky blue, bluish green, yellow, blue, vermillion, purple.
std::string_view okabe_ito(std::size_t index);

struct TimelineLane {
  std::string label;
  const std::vector<TimelineMark>* marks = nullptr;
  std::uint64_t not_drawn = 0;
  std::uint32_t sid = 0;
};
// Marks are drawn as ticks, spans (end > time) as bars; each has an SVG <title> (the hover text).
std::string timeline_svg(const std::vector<TimelineLane>& lanes, std::int64_t start, std::int64_t end, int width);

struct Bar {
  std::string label;
  std::uint64_t value = 0;
};
std::string bar_chart_svg(const std::vector<Bar>& bars, int width, std::string_view title, std::size_t colour);

}  // namespace spanwatch::report

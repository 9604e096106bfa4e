#include "report/svg_chart.hpp"

#include <algorithm>
#include <cstdio>

#include "report/eve_time.hpp"
#include "report/html_text.hpp"

namespace spanwatch::report {
namespace {

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

}  // namespace

std::string_view okabe_ito(std::size_t index) {
  static constexpr std::string_view palette[] = {"#E69F00", "#56B4E9", "#009E73", "#F0E442",
                                                 "#0072B2", "#D55E00", "#CC79A7"};
  return palette[index % std::size(palette)];
}

std::string timeline_svg(const std::vector<TimelineLane>& lanes, std::int64_t start, std::int64_t end, int width) {
  constexpr int label_width = 260, lane_height = 28, axis_height = 24, right_pad = 16;
  const int plot_width = std::max(100, width - label_width - right_pad);
  const int height = static_cast<int>(lanes.size()) * lane_height + axis_height + 8;
  const double span = static_cast<double>(std::max<std::int64_t>(end - start, 1));
  auto x_of = [&](std::int64_t t) { return label_width + plot_width * static_cast<double>(t - start) / span; };

  std::string svg = "<svg class=\"timeline\" role=\"img\" viewBox=\"0 0 " + std::to_string(width) + " " +
                    std::to_string(height) + "\" width=\"100%\">"
                    "<title>Alerts over time, one lane per rule</title>";
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    const TimelineLane& lane = lanes[i];
    const int y = static_cast<int>(i) * lane_height;
    const std::string colour(okabe_ito(i));
    svg += "<g class=\"lane\" data-sid=\"" + std::to_string(lane.sid) + "\" data-marks=\"" +
           std::to_string(lane.marks ? lane.marks->size() : 0) + "\">";
    svg += "<rect x=\"" + std::to_string(label_width) + "\" y=\"" + std::to_string(y + 2) + "\" width=\"" +
           std::to_string(plot_width) + "\" height=\"" + std::to_string(lane_height - 4) + "\" fill=\"" +
           (i % 2 ? "#f4f4f4" : "#fafafa") + "\"/>";
    svg += "<text x=\"" + std::to_string(label_width - 6) + "\" y=\"" + std::to_string(y + lane_height / 2 + 4) +
           "\" text-anchor=\"end\">";
    append_escaped(svg, lane.label.size() > 40 ? lane.label.substr(0, 39) + "\u2026" : lane.label);
    svg += "</text>";
    if (lane.marks != nullptr) {
      for (const TimelineMark& mark : *lane.marks) {
        const double x = x_of(mark.time);
        if (mark.end > mark.time) {
          const double w = std::max(4.0, x_of(mark.end) - x);
          svg += "<rect class=\"span\" x=\"" + number(x) + "\" y=\"" + std::to_string(y + 6) + "\" width=\"" +
                 number(w) + "\" height=\"" + std::to_string(lane_height - 12) + "\" fill=\"" + colour +
                 "\" fill-opacity=\"0.55\" stroke=\"#000\" stroke-width=\"1\">";
        } else {
          svg += "<rect class=\"mark\" x=\"" + number(x - 1.5) + "\" y=\"" + std::to_string(y + 5) +
                 "\" width=\"3\" height=\"" + std::to_string(lane_height - 10) + "\" fill=\"" + colour +
                 "\" stroke=\"#000\" stroke-width=\"0.5\">";
        }
        svg += "<title>";
        append_escaped(svg, mark.title);
        svg += "</title></rect>";
      }
    }
    svg += "</g>";
  }
  const int axis_y = static_cast<int>(lanes.size()) * lane_height + 4;
  svg += "<line x1=\"" + std::to_string(label_width) + "\" x2=\"" + std::to_string(label_width + plot_width) +
         "\" y1=\"" + std::to_string(axis_y) + "\" y2=\"" + std::to_string(axis_y) + "\" stroke=\"#000\"/>";
  for (int tick = 0; tick <= 4; ++tick) {
    const std::int64_t t = start + static_cast<std::int64_t>(span * tick / 4);
    const double x = x_of(t);
    const char* anchor = tick == 0 ? "start" : tick == 4 ? "end" : "middle";
    svg += "<line x1=\"" + number(x) + "\" x2=\"" + number(x) + "\" y1=\"" + std::to_string(axis_y) + "\" y2=\"" +
           std::to_string(axis_y + 4) + "\" stroke=\"#000\"/><text x=\"" + number(x) + "\" y=\"" +
           std::to_string(axis_y + 16) + "\" text-anchor=\"" + anchor + "\">" + format_time(t).substr(11, 8) +
           "</text>";
  }
  svg += "</svg>";
  return svg;
}

std::string bar_chart_svg(const std::vector<Bar>& bars, int width, std::string_view title, std::size_t colour) {
  constexpr int label_width = 220, bar_height = 20, value_width = 70;
  const int plot_width = std::max(60, width - label_width - value_width);
  std::uint64_t max = 1;
  for (const Bar& bar : bars) max = std::max(max, bar.value);
  std::string svg = "<svg class=\"bars\" role=\"img\" viewBox=\"0 0 " + std::to_string(width) + " " +
                    std::to_string(static_cast<int>(bars.size()) * bar_height + 4) +
                    "\" width=\"100%\"><title>";
  append_escaped(svg, title);
  svg += "</title>";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const int y = static_cast<int>(i) * bar_height;
    const double w = plot_width * static_cast<double>(bars[i].value) / static_cast<double>(max);
    svg += "<text x=\"" + std::to_string(label_width - 6) + "\" y=\"" + std::to_string(y + 15) + "\" text-anchor=\"end\">";
    append_escaped(svg, bars[i].label);
    svg += "</text><rect x=\"" + std::to_string(label_width) + "\" y=\"" + std::to_string(y + 3) + "\" width=\"" +
           number(std::max(w, 1.0)) + "\" height=\"" + std::to_string(bar_height - 6) + "\" fill=\"" +
           std::string(okabe_ito(colour)) + "\" stroke=\"#000\" stroke-width=\"0.5\"><title>";
    append_escaped(svg, bars[i].label + ": " + std::to_string(bars[i].value));
    svg += "</title></rect><text x=\"" + number(label_width + w + 4) + "\" y=\"" + std::to_string(y + 15) + "\">" +
           std::to_string(bars[i].value) + "</text>";
  }
  svg += "</svg>";
  return svg;
}

}  // namespace spanwatch::report

#include "report/report_builder.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "report/eve_aggregator.hpp"
#include "report/html_report.hpp"

namespace spanwatch::report {

ReportResult build_report(const std::vector<std::string>& eve_files, const std::string& output,
                          const ReportOptions& options) {
  EveAggregator aggregator(options);
  std::vector<char> buffer(1 << 20);
  for (const std::string& path : eve_files) {
    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!file) throw ReportError("cannot read " + path + ": " + std::strerror(errno));
    std::setvbuf(file.get(), buffer.data(), _IOFBF, buffer.size());
    aggregator.begin_file(path);
    // getline: lines of any length without a fixed cap (a line is parsed and dropped at once).
    char* line = nullptr;
    std::size_t capacity = 0;
    ssize_t length;
    while ((length = ::getline(&line, &capacity, file.get())) > 0)
      aggregator.add_line(std::string_view(line, static_cast<std::size_t>(length)));
    std::free(line);
    if (std::ferror(file.get())) throw ReportError("error reading " + path);
  }
  const ReportData data = aggregator.finish();
  const std::string html = render_html(data, options);

  const std::string temporary = output + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw ReportError("cannot write " + temporary + ": " + std::strerror(errno));
    out.write(html.data(), static_cast<std::streamsize>(html.size()));
    if (!out.flush()) throw ReportError("cannot write " + temporary + ": " + std::strerror(errno));
  }
  std::error_code error;
  std::filesystem::rename(temporary, output, error);
  if (error) throw ReportError("cannot write " + output + ": " + error.message());
  return {data.lines, data.bad_json + data.not_eve, data.alerts, html.size()};
}

}  // namespace spanwatch::report

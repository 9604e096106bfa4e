// OptionTable: printing the effective configuration as YAML that load_string() reads back.
#include "config/option_table.hpp"
#include "config/option_value.hpp"

namespace spanwatch::config {

std::string OptionTable::dump() const {
  std::string out;
  dump_section(0, 0, out);
  return out;
}

void OptionTable::dump_section(std::size_t section, int depth, std::string& out) const {
  const std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
  bool first = true;
  for (const Child& child : sections_[section].children) {
    // A blank line between top-level sections keeps a long file readable.
    if (depth == 0 && !first) out += '\n';
    first = false;
    if (child.is_section) {
      const Section& sub = sections_[child.index];
      if (!sub.doc.empty()) out += indent + "# " + sub.doc + '\n';
      out += indent + child.name + ":\n";
      dump_section(child.index, depth + 1, out);
      continue;
    }
    const Option& option = options_[child.index];
    out += indent + "# " + option.doc + " (default: " + format_option_value(option, option.default_value) + ")\n";
    out += indent + child.name + ": " + format_option_value(option, option.read()) + '\n';
  }
}

}  // namespace spanwatch::config

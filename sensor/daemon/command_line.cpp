#include "daemon/command_line.hpp"

#include <fstream>
#include <sstream>

namespace spanwatch::daemon {
namespace {

std::string read_bpf_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError("cannot read BPF filter file '" + path + "' (give an expression as trailing arguments)");
  std::ostringstream text;
  for (std::string line; std::getline(in, line);) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    text << line << ' ';
  }
  std::string filter = text.str();
  while (!filter.empty() && filter.back() == ' ') filter.pop_back();
  return filter;
}

std::size_t parse_evidence(const std::string& text) {
  std::size_t used = 0;
  unsigned long value = 0;
  try {
    value = std::stoul(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || value > 100000)
    throw UsageError("--evidence needs a number of rows from 0 to 100000, got '" + text + "'");
  return value;
}

// spanwatch report EVE.json [EVE.json...] -o report.html [--evidence N] [--lab]
CommandLine parse_report_command(const std::vector<std::string>& args) {
  CommandLine cl;
  cl.report_command = true;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](const char* what) -> std::string {
      if (i + 1 >= args.size()) throw UsageError("option " + arg + " needs " + what);
      return args[++i];
    };
    if (arg == "-o" || arg == "--output") cl.report_output = value("an output file");
    else if (arg == "--evidence") cl.report_evidence = parse_evidence(value("a number of rows"));
    else if (arg == "--lab") cl.report_lab = true;
    else if (arg == "--help" || arg == "-h") cl.show_help = true;
    else if (!arg.empty() && arg[0] == '-' && arg != "-") throw UsageError("unknown report option " + arg + " (see spanwatch --help)");
    else cl.report_inputs.push_back(arg);
  }
  if (cl.show_help) return cl;
  if (cl.report_inputs.empty()) throw UsageError("report needs at least one eve.json file");
  if (!cl.report_output) throw UsageError("report needs -o FILE.html");
  return cl;
}

}  // namespace

std::string usage_text() {
  return "usage: spanwatch [-c FILE] (-r PCAP [-r PCAP...] | -i IFACE [-i IFACE...]) [-l LOGDIR]\n"
         "                 [--rules DIR] [-F BPF-FILE] [-v|-q] [--set KEY=VALUE] [BPF EXPRESSION...]\n"
         "       spanwatch [-c FILE] --check-config | --dump-config | --check-rules DIR\n"
         "       spanwatch report EVE.json [EVE.json...] -o REPORT.html [--evidence N] [--lab]\n"
         "       spanwatch --version | --help\n"
         "\n"
         "  -c FILE           configuration file (default /etc/spanwatch/spanwatch.yaml when it exists)\n"
         "  -r PCAP           read a pcap or pcapng file; repeat to read several in order\n"
         "  -i IFACE          capture live on an interface; repeat for several\n"
         "  -l LOGDIR         where eve.json goes (overrides outputs.eve.log_dir)\n"
         "  --rules DIR       rules folder (overrides rules.dir)\n"
         "  -F FILE           read the BPF capture filter from FILE ('#' starts a comment)\n"
         "  --set KEY=VALUE   override one configuration value, e.g. --set flow.memcap=256mb\n"
         "  -v, -q            more or less logging (repeat -v for debug)\n"
         "  --check-config    validate the configuration and exit\n"
         "  --dump-config     print the effective configuration and exit\n"
         "  --check-rules DIR compile every rule file in DIR, report file:line errors, and exit\n"
         "  --report FILE     after a -r run, write the HTML exercise report of its eve.json to FILE\n"
         "  --evidence N      evidence rows kept per rule in the report (default 20)\n"
         "  --lab             show user names in the report in clear (they are masked otherwise)\n"
         "  --version         print the version and exit\n"
         "  --help            print this help and exit\n"
         "\n"
         "Words after the options form a BPF filter expression, as with tcpdump and suricata.\n"
         "Signals: SIGHUP reloads the rules and reopens eve.json; SIGINT/SIGTERM stop cleanly.\n";
}

CommandLine parse_command_line(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "report") return parse_report_command(args);
  CommandLine cl;
  std::vector<std::string> filter_words;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](const char* what) -> std::string {
      if (i + 1 >= args.size()) throw UsageError("option " + arg + " needs " + what);
      return args[++i];
    };
    if (arg == "-c") cl.config_file = value("a configuration file");
    else if (arg == "-r") cl.pcap_files.push_back(value("a capture file"));
    else if (arg == "-i") cl.interfaces.push_back(value("an interface name"));
    else if (arg == "-l") cl.log_dir = value("a log directory");
    else if (arg == "--rules") cl.rules_dir = value("a rules directory");
    else if (arg == "-F") cl.bpf = read_bpf_file(value("a BPF filter file"));
    else if (arg == "--set") {
      std::string kv = value("KEY=VALUE");
      auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) throw UsageError("--set needs KEY=VALUE, got '" + kv + "'");
      cl.overrides.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    } else if (arg == "-v" || arg == "-vv" || arg == "-vvv") cl.verbosity += static_cast<int>(arg.size()) - 1;
    else if (arg == "-q") cl.verbosity -= 1;
    else if (arg == "--check-config" || arg == "-T") cl.check_config = true;
    else if (arg == "--dump-config") cl.dump_config = true;
    else if (arg == "--check-rules") cl.check_rules = value("a rules directory");
    else if (arg == "--report") cl.report_output = value("an output file");
    else if (arg == "--evidence") cl.report_evidence = parse_evidence(value("a number of rows"));
    else if (arg == "--lab") cl.report_lab = true;
    else if (arg == "--version" || arg == "-V") cl.show_version = true;
    else if (arg == "--help" || arg == "-h") cl.show_help = true;
    else if (arg == "--") {
      filter_words.insert(filter_words.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      break;
    } else if (!arg.empty() && arg[0] == '-') throw UsageError("unknown option " + arg + " (see spanwatch --help)");
    else filter_words.push_back(arg);
  }
  if (!filter_words.empty()) {
    if (cl.bpf) throw UsageError("give the BPF filter either with -F or as trailing words, not both");
    std::string filter;
    for (const auto& w : filter_words) filter += (filter.empty() ? "" : " ") + w;
    cl.bpf = filter;
  }
  if (cl.show_help || cl.show_version) return cl;
  if (!cl.pcap_files.empty() && !cl.interfaces.empty())
    throw UsageError("-r and -i cannot be used together");
  if (cl.report_output && cl.pcap_files.empty())
    throw UsageError("--report needs an offline run (-r); for a live sensor's eve.json use: spanwatch report");
  if (cl.pcap_files.empty() && cl.interfaces.empty() && !cl.check_config && !cl.dump_config && !cl.check_rules)
    throw UsageError("nothing to read: give -r PCAP or -i IFACE (see spanwatch --help)");
  return cl;
}

}  // namespace spanwatch::daemon

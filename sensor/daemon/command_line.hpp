#pragma once
// The command line, familiar to Suricata users:
//   spanwatch [-c FILE] (-r PCAP [-r PCAP...] | -i IFACE [-i IFACE...]) [-l LOGDIR] [--rules DIR]
//             [-F BPF-FILE] [-v|-q] [--check-config] [--dump-config] [--check-rules DIR] [--version]
//             [--help] [--report FILE] [BPF EXPRESSION...]
//   spanwatch report EVE.json [EVE.json...] -o report.html [--evidence N] [--lab]
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace spanwatch::daemon {

struct CommandLine {
  std::optional<std::string> config_file;
  std::vector<std::string> pcap_files;
  std::vector<std::string> interfaces;
  std::optional<std::string> log_dir;
  std::optional<std::string> rules_dir;
  std::optional<std::string> bpf;  // from -F FILE or trailing words
  std::vector<std::pair<std::string, std::string>> overrides;  // --set key=value
  int verbosity = 0;  // -v raises, -q lowers
  bool check_config = false;
  std::optional<std::string> check_rules;  // --check-rules DIR
  bool dump_config = false;
  bool show_version = false;
  bool show_help = false;

  // `spanwatch report ...`, or --report FILE after an offline run.
  bool report_command = false;
  std::vector<std::string> report_inputs;   // eve.json files (report subcommand)
  std::optional<std::string> report_output;  // -o (subcommand) or --report (offline run)
  std::size_t report_evidence = 20;          // --evidence N: evidence rows per rule
  bool report_lab = false;                   // --lab: user names in clear on the page
};

// A command line that cannot be understood; main() prints what() on one line and exits 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

CommandLine parse_command_line(const std::vector<std::string>& args);
std::string usage_text();

}  // namespace spanwatch::daemon

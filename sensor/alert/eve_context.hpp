#pragma once
// Per-run constants printed in every EVE record's header.
#include <string>

namespace spanwatch::alert {

struct EveContext {
  std::string host;           // sensor name (EVE `host`); empty: omitted
  std::string in_iface;       // live capture: the interface; empty: omitted
  std::string pcap_filename;  // offline: the file currently being read; empty: omitted
};

}  // namespace spanwatch::alert

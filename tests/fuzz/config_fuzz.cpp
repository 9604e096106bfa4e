// The configuration loader from text (OptionTable::load_string over the sensor's whole option table,
// the path spanwatch.yaml takes). Only ConfigError may leave it, saying "fuzz.yaml:LINE:COL: ...". A
// configuration that loads must survive --dump-config: its dump loads into a fresh table and dumps
// the same.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/config_error.hpp"
#include "config/option_table.hpp"
#include "daemon/sensor_config.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace spanwatch;
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  daemon::SensorConfig config;
  config::OptionTable table;
  daemon::bind_options(table, config);
  try {
    table.load_string(yaml, "fuzz.yaml");
  } catch (const config::ConfigError& e) {
    if (std::string_view(e.what()).substr(0, 10) != "fuzz.yaml:") fuzz::fuzz_fail("a config error does not say where", e.what());
    return 0;
  }
  const std::string dumped = table.dump();
  daemon::SensorConfig copy_config;
  config::OptionTable copy;
  daemon::bind_options(copy, copy_config);
  try {
    copy.load_string(dumped, "dump.yaml");
  } catch (const config::ConfigError& e) {
    fuzz::fuzz_fail("the dump of a loaded configuration does not load", std::string(e.what()) + "\n" + dumped);
  }
  if (copy.dump() != dumped) fuzz::fuzz_fail("a dumped configuration reloads differently", dumped + "\n---\n" + copy.dump());
  return 0;
}

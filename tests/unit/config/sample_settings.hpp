#pragma once
// A stand-in for the layers' Options structs: one field of every kind, bound under sections and
// subsections the way the daemon binds the real ones.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "config/config_error.hpp"
#include "config/option_table.hpp"

namespace spanwatch::config::test {

enum class Level { error, warning, info, debug };

struct Settings {
  bool promiscuous = true;
  std::uint32_t snaplen = 1518;
  std::vector<std::string> interfaces{"eth0"};
  std::uint64_t memcap = 64ull << 20;
  std::int32_t hash_offset = -5;
  std::chrono::seconds established{3600};
  std::uint32_t closed_seconds = 30;
  std::string log_dir = "/var/log/spanwatch";
  Level level = Level::info;
};

inline void bind(OptionTable& table, Settings& s) {
  table.describe_section("capture", "Packet capture");
  table.add_bool("capture.promiscuous", &s.promiscuous, "Put interfaces in promiscuous mode");
  table.add_integer<std::uint32_t>("capture.snaplen", &s.snaplen, "Bytes kept per packet", 64, 65535);
  table.add_string_list("capture.interfaces", &s.interfaces, "Interfaces to listen on");
  table.add_size("flow.memcap", &s.memcap, "Memory for flow state", 1ull << 20, 1ull << 40);
  table.add_integer<std::int32_t>("flow.hash_offset", &s.hash_offset, "Signed test value", -100, 100);
  table.add_duration("flow.timeouts.established", &s.established, "Idle timeout of an established flow",
                     std::chrono::seconds{1}, std::chrono::hours{24 * 7});
  table.add_duration<std::uint32_t>("flow.timeouts.closed", &s.closed_seconds, "Idle timeout after FIN or RST");
  table.add_string("outputs.eve.log_dir", &s.log_dir, "Directory of eve.json");
  table.add_enum("logging.level", &s.level, "Least severe message logged",
                 {{"error", Level::error}, {"warning", Level::warning}, {"info", Level::info}, {"debug", Level::debug}});
}

// A table bound to its own Settings.
struct Bound {
  Settings settings;
  OptionTable table;
  Bound() { bind(table, settings); }

  // The ConfigError text of loading `yaml` as "t.yaml", or "no error".
  std::string load_error(std::string_view yaml) {
    try {
      table.load_string(yaml, "t.yaml");
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "no error";
  }
  std::string set_error(std::string_view path, std::string_view value) {
    try {
      table.set(path, value);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "no error";
  }
};

inline bool operator==(const Settings& a, const Settings& b) {
  return a.promiscuous == b.promiscuous && a.snaplen == b.snaplen && a.interfaces == b.interfaces &&
         a.memcap == b.memcap && a.hash_offset == b.hash_offset && a.established == b.established &&
         a.closed_seconds == b.closed_seconds && a.log_dir == b.log_dir && a.level == b.level;
}

}  // namespace spanwatch::config::test

#include <catch2/catch.hpp>

#include "config/suggestion.hpp"

using namespace spanwatch::config;

TEST_CASE("Edit distance counts a swap of neighbours as one slip and ignores case") {
  CHECK(edit_distance("established", "established") == 0);
  CHECK(edit_distance("establihsed", "established") == 1);
  CHECK(edit_distance("memcapp", "memcap") == 1);
  CHECK(edit_distance("MemCap", "memcap") == 0);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("A hint is offered only for a likely typo") {
  const std::vector<std::string> names{"memcap", "timeouts", "hash_offset"};
  CHECK(closest_name("memcpa", names) == "memcap");
  CHECK(closest_name("timeout", names) == "timeouts");
  CHECK_FALSE(closest_name("interfaces", names));
  CHECK_FALSE(closest_name("x", names));
  CHECK_FALSE(closest_name("memcap", std::vector<std::string>{}));
}

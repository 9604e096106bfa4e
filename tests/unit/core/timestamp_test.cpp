#include <catch2/catch.hpp>

#include "core/timestamp.hpp"

using namespace spanwatch::core;

TEST_CASE("EVE timestamps use Suricata's format in UTC with microseconds") {
  char buffer[eve_timestamp_size];
  CHECK(format_eve_timestamp({1476605590, 446897123}, buffer) == "2016-10-16T08:13:10.446897+0000");
  CHECK(format_eve_timestamp({0, 0}, buffer) == "1970-01-01T00:00:00.000000+0000");
}

TEST_CASE("seconds_between never goes negative") {
  CHECK(seconds_between({100, 0}, {160, 5}) == 60);
  CHECK(seconds_between({160, 0}, {100, 0}) == 0);
}

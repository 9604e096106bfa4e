#include <catch2/catch.hpp>

#include "config/value_text.hpp"

using namespace spanwatch::config;

TEST_CASE("Sizes accept plain bytes and binary units in any case") {
  CHECK(parse_size("0") == 0u);
  CHECK(parse_size("4096") == 4096u);
  CHECK(parse_size("512kb") == 512u * 1024);
  CHECK(parse_size("512k") == 512u * 1024);
  CHECK(parse_size("64mb") == 64ull << 20);
  CHECK(parse_size("64MiB") == 64ull << 20);
  CHECK(parse_size("64 MB") == 64ull << 20);
  CHECK(parse_size("1gb") == 1ull << 30);
  CHECK(parse_size("2TiB") == 2ull << 40);
  CHECK(parse_size("100b") == 100u);
}

TEST_CASE("Sizes reject fractions, unknown units, signs and overflow") {
  CHECK_FALSE(parse_size(""));
  CHECK_FALSE(parse_size("lots"));
  CHECK_FALSE(parse_size("mb"));
  CHECK_FALSE(parse_size("1.5gb"));
  CHECK_FALSE(parse_size("64mbs"));
  CHECK_FALSE(parse_size("64pb"));
  CHECK_FALSE(parse_size("-1mb"));
  CHECK_FALSE(parse_size("64 "));
  CHECK_FALSE(parse_size(" 64"));
  CHECK_FALSE(parse_size("16777216tb"));  // 2^64 bytes
  CHECK(parse_size("16777215tb") == 16777215ull << 40);
}

TEST_CASE("Durations accept seconds and s, m, h, d units") {
  CHECK(parse_duration_seconds("30") == 30u);
  CHECK(parse_duration_seconds("30s") == 30u);
  CHECK(parse_duration_seconds("5m") == 300u);
  CHECK(parse_duration_seconds("1H") == 3600u);
  CHECK(parse_duration_seconds("2d") == 172800u);
  CHECK_FALSE(parse_duration_seconds("5ms"));
  CHECK_FALSE(parse_duration_seconds("soon"));
  CHECK_FALSE(parse_duration_seconds("1.5h"));
  CHECK_FALSE(parse_duration_seconds("-1s"));
}

TEST_CASE("Sizes and durations print in the largest exact unit") {
  CHECK(format_size(0) == "0");
  CHECK(format_size(1500) == "1500");
  CHECK(format_size(1024) == "1kb");
  CHECK(format_size(64ull << 20) == "64mb");
  CHECK(format_size(1536ull << 20) == "1536mb");
  CHECK(format_size(3ull << 40) == "3tb");
  CHECK(format_duration(0) == "0s");
  CHECK(format_duration(90) == "90s");
  CHECK(format_duration(120) == "2m");
  CHECK(format_duration(7200) == "2h");
  CHECK(format_duration(86400 * 3) == "3d");
  for (std::uint64_t bytes : {0ull, 1ull, 1023ull, 1024ull, 5ull << 30, 18446744073709551615ull}) {
    CHECK(parse_size(format_size(bytes)) == bytes);
  }
}

TEST_CASE("Booleans and integers are strict") {
  CHECK(parse_bool("true") == true);
  CHECK(parse_bool("Yes") == true);
  CHECK(parse_bool("on") == true);
  CHECK(parse_bool("FALSE") == false);
  CHECK(parse_bool("no") == false);
  CHECK(parse_bool("off") == false);
  CHECK_FALSE(parse_bool("1"));
  CHECK_FALSE(parse_bool("maybe"));
  CHECK(parse_signed("-42") == -42);
  CHECK_FALSE(parse_signed("+42"));
  CHECK_FALSE(parse_signed("4 2"));
  CHECK_FALSE(parse_signed("0x10"));
  CHECK_FALSE(parse_signed(""));
  CHECK(parse_unsigned("18446744073709551615") == 18446744073709551615ull);
  CHECK_FALSE(parse_unsigned("18446744073709551616"));
  CHECK_FALSE(parse_unsigned("-1"));
}

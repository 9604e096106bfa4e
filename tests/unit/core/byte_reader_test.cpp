#include <catch2/catch.hpp>

#include "core/bytes.hpp"

using spanwatch::core::ByteReader;

TEST_CASE("ByteReader reads big and little endian fields in order") {
  const std::uint8_t data[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};
  ByteReader r({data, sizeof data});
  CHECK(r.u8() == 0x01);
  CHECK(r.be16() == 0x0203);
  CHECK(r.le16() == 0x0504);
  CHECK(r.be32() == 0x06070809);
  CHECK(r.ok());
  CHECK(r.empty());
}

TEST_CASE("ByteReader past the end fails without reading and stays failed") {
  const std::uint8_t data[] = {0xaa, 0xbb, 0xcc};
  ByteReader r({data, sizeof data});
  CHECK(r.be16() == 0xaabb);
  CHECK(r.be32() == 0);
  CHECK_FALSE(r.ok());
  CHECK(r.u8() == 0);  // a failed reader never resumes
  CHECK(r.take(1).empty());
}

TEST_CASE("ByteReader take and seek return views into the input") {
  const std::uint8_t data[] = {1, 2, 3, 4, 5};
  ByteReader r({data, sizeof data});
  auto view = r.take(3);
  REQUIRE(view.size() == 3);
  CHECK(view.data() == data);
  CHECK(r.remaining() == 2);
  CHECK(r.seek(1));
  CHECK(r.u8() == 2);
  CHECK_FALSE(r.seek(6));
  CHECK_FALSE(r.ok());
}

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "core/bytes.hpp"
#include "flow/tcp/segment_list.hpp"
#include "flow/tcp/segment_pool.hpp"

using namespace spanwatch::flow::tcp;
using spanwatch::core::as_bytes;
using spanwatch::core::as_chars;

namespace {
std::string held(const SegmentPool& pool, const SegmentList& list) {
  std::string out;
  for (auto i = list.head(); i != SegmentPool::none; i = pool.chunk(i).next) {
    out += std::to_string(pool.chunk(i).offset) + ":" + std::string(as_chars(pool.bytes(i))) + " ";
  }
  return out;
}
}  // namespace

TEST_CASE("SegmentPool hands out memcap / chunk size chunks, then refuses until one is released") {
  SegmentPool pool(4 * 128, 128);
  REQUIRE(pool.capacity() == 4);
  std::uint32_t taken[4];
  for (auto& t : taken) {
    t = pool.allocate();
    REQUIRE(t != SegmentPool::none);
  }
  CHECK(pool.allocate() == SegmentPool::none);
  CHECK(pool.available() == 0);
  pool.release(taken[2]);
  CHECK(pool.allocate() == taken[2]);
  CHECK(pool.in_use() == 4);
}

TEST_CASE("SegmentPool reuses released chunks before fresh ones, so only the most held at once are ever touched") {
  SegmentPool pool(1024 * 64, 64);
  std::uint32_t highest = 0;
  for (int round = 0; round < 10000; ++round) {  // two chunks held at a time, round after round
    const std::uint32_t a = pool.allocate();
    const std::uint32_t b = pool.allocate();
    REQUIRE(a != SegmentPool::none);
    REQUIRE(b != SegmentPool::none);
    CHECK(pool.chunk(a).length == 0);  // a reused chunk comes back with a clean header
    pool.chunk(a).length = 7;
    highest = std::max({highest, a, b});
    pool.release(b);
    pool.release(a);
  }
  CHECK(highest == 1);
  CHECK(pool.in_use() == 0);
  CHECK(pool.available() == 1024);
}

TEST_CASE("SegmentList keeps pieces sorted and fills the gaps between them, first data winning") {
  SegmentPool pool(16 * 64, 64);
  SegmentList list;
  CHECK(list.insert(pool, 10, as_bytes("KLM"), 16).status == SegmentList::InsertStatus::inserted);
  CHECK(list.insert(pool, 2, as_bytes("CD"), 16).status == SegmentList::InsertStatus::inserted);
  // Covers 2..14: only 4..10 and 13..14 are new; 2..4 and 10..13 are held and differ ("cd" vs "CD").
  const auto r = list.insert(pool, 2, as_bytes("cdEFGHIJklmN"), 16);
  CHECK(r.overlap);
  CHECK(r.diff_data);
  // 4..10 appended to the chunk holding "CD", "N" to the one holding "KLM": no new chunk needed.
  CHECK(r.chunks_taken == 0);
  CHECK(held(pool, list) == "2:CDEFGHIJ 10:KLMN ");
  list.trim_before(pool, 5);
  CHECK(held(pool, list) == "5:FGHIJ 10:KLMN ");
  list.clear(pool);
  CHECK(pool.in_use() == 0);
}

TEST_CASE("SegmentList refuses a segment that would exceed its chunk limit, inserting nothing") {
  SegmentPool pool(16 * 64, 64);
  SegmentList list;
  const std::string big(130, 'x');  // three 64-byte chunks
  CHECK(list.insert(pool, 0, as_bytes(big), 2).status == SegmentList::InsertStatus::direction_cap_full);
  CHECK(list.empty());
  CHECK(pool.in_use() == 0);
  CHECK(list.insert(pool, 0, as_bytes(big), 3).status == SegmentList::InsertStatus::inserted);
  CHECK(list.chunk_count() == 3);
  list.clear(pool);
}

TEST_CASE("SegmentList reports pool exhaustion without inserting part of a segment") {
  SegmentPool pool(2 * 64, 64);
  SegmentList list;
  const std::string big(130, 'y');
  CHECK(list.insert(pool, 0, as_bytes(big), 100).status == SegmentList::InsertStatus::pool_exhausted);
  CHECK(pool.in_use() == 0);
  CHECK(list.empty());
}

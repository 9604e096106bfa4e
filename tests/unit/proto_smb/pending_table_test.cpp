// The per-session tables of requests waiting for a response: keyed by request id, the oldest gives
// way when full, and each outstanding request holds one entry of the worker's pool (a session has
// one or two), given back with its response.
#include <catch2/catch.hpp>

#include <vector>

#include "proto/smb/session_state.hpp"

using spanwatch::proto::smb::PendingTable;
using spanwatch::proto::smb::PendingTreeConnect;
using Pool = PendingTable<PendingTreeConnect>::Pool;

namespace {
std::vector<std::uint64_t> ids_oldest_first(const PendingTable<PendingTreeConnect>& table) {
  std::vector<std::uint64_t> ids;
  table.for_each_oldest_first([&ids](const PendingTreeConnect& p) { ids.push_back(p.session_id); });
  return ids;
}
PendingTreeConnect& add(PendingTable<PendingTreeConnect>& table, std::uint64_t key, bool& evicted) {
  PendingTreeConnect& p = table.insert(key, evicted);
  p.session_id = key;  // the test's marker: which request this entry is
  return p;
}
}  // namespace

TEST_CASE("a pending table answered request by request holds one pool entry, however many requests go by") {
  Pool pool;
  PendingTable<PendingTreeConnect> table(16, pool);
  bool evicted = false;
  for (std::uint64_t id = 1; id <= 1000; ++id) {
    add(table, id, evicted);
    CHECK_FALSE(evicted);
    REQUIRE(table.find(id) != nullptr);
    table.erase(id);
  }
  CHECK(table.size() == 0);
  CHECK(pool.in_use() == 0);
  CHECK(pool.created() == 1);
}

TEST_CASE("a pending table takes an entry per request outstanding, then the oldest gives way") {
  Pool pool;
  PendingTable<PendingTreeConnect> table(3, pool);
  bool evicted = false;
  add(table, 10, evicted);
  add(table, 11, evicted);
  CHECK(pool.in_use() == 2);
  add(table, 12, evicted);
  CHECK_FALSE(evicted);
  add(table, 13, evicted);  // full: 10, the oldest, gives way
  CHECK(evicted);
  CHECK(pool.in_use() == 3);
  CHECK(pool.created() == 3);
  CHECK(table.find(10) == nullptr);
  CHECK(ids_oldest_first(table) == std::vector<std::uint64_t>{11, 12, 13});
  table.erase(12);
  add(table, 14, evicted);  // the freed slot is reused: nothing evicted
  CHECK_FALSE(evicted);
  CHECK(ids_oldest_first(table) == std::vector<std::uint64_t>{11, 13, 14});
  add(table, 11, evicted);  // the same key replaces its entry (and becomes the newest)
  CHECK_FALSE(evicted);
  CHECK(ids_oldest_first(table) == std::vector<std::uint64_t>{13, 14, 11});
  CHECK(pool.created() == 3);
  table.clear();
  CHECK(table.size() == 0);
  CHECK(pool.in_use() == 0);
  CHECK(ids_oldest_first(table).empty());
}

TEST_CASE("pending tables of several sessions share the worker's pool and give their entries back") {
  Pool pool;
  bool evicted = false;
  {
    PendingTable<PendingTreeConnect> a(16, pool), b(16, pool);
    add(a, 1, evicted);
    add(b, 1, evicted);
    add(b, 2, evicted);
    CHECK(pool.in_use() == 3);
    REQUIRE(a.find(1) != nullptr);
    CHECK(a.find(1)->session_id == 1);
    a.erase(1);
    CHECK(b.find(1) != nullptr);  // the same key in another table is another request
    add(a, 7, evicted);
    CHECK(pool.created() == 3);  // a's freed entry is reused
    b.erase_if([](const PendingTreeConnect& p) { return p.session_id == 2; });
    CHECK(ids_oldest_first(b) == std::vector<std::uint64_t>{1});
  }
  CHECK(pool.in_use() == 0);  // destroyed tables give their entries back
}

// The per-session tables of requests waiting for a response: keyed by request id, the oldest gives
// way when full, and only as many slots are filled as requests are outstanding at once (a session
// has one or two; the rest of the reserve is never touched).
#include <catch2/catch.hpp>

#include <vector>

#include "proto/smb/session_state.hpp"

using spanwatch::proto::smb::PendingTable;
using spanwatch::proto::smb::PendingTreeConnect;

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

TEST_CASE("a pending table answered request by request fills one slot, however many requests go by") {
  PendingTable<PendingTreeConnect> table(16);
  bool evicted = false;
  for (std::uint64_t id = 1; id <= 1000; ++id) {
    add(table, id, evicted);
    CHECK_FALSE(evicted);
    REQUIRE(table.find(id) != nullptr);
    table.erase(id);
  }
  CHECK(table.size() == 0);
  CHECK(table.slots_filled() == 1);
}

TEST_CASE("a pending table grows to the requests outstanding, then the oldest gives way") {
  PendingTable<PendingTreeConnect> table(3);
  bool evicted = false;
  add(table, 10, evicted);
  add(table, 11, evicted);
  CHECK(table.slots_filled() == 2);
  add(table, 12, evicted);
  CHECK_FALSE(evicted);
  add(table, 13, evicted);  // full: 10, the oldest, gives way
  CHECK(evicted);
  CHECK(table.slots_filled() == 3);
  CHECK(table.find(10) == nullptr);
  CHECK(ids_oldest_first(table) == std::vector<std::uint64_t>{11, 12, 13});
  table.erase(12);
  add(table, 14, evicted);  // the freed slot is reused: nothing evicted
  CHECK_FALSE(evicted);
  CHECK(ids_oldest_first(table) == std::vector<std::uint64_t>{11, 13, 14});
  add(table, 11, evicted);  // the same key replaces its entry (and becomes the newest)
  CHECK_FALSE(evicted);
  CHECK(ids_oldest_first(table) == std::vector<std::uint64_t>{13, 14, 11});
  table.clear();
  CHECK(table.size() == 0);
  CHECK(table.slots_filled() == 0);
  CHECK(ids_oldest_first(table).empty());
}

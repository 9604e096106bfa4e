#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "flow/lazy_array.hpp"

using spanwatch::flow::LazyArray;

namespace {

// Records its construction and destruction in a log the test owns.
struct Tracked {
  Tracked(std::vector<int>& log, int id) : log_(&log), id_(id) { log_->push_back(id_); }
  ~Tracked() { log_->push_back(-id_); }
  std::vector<int>* log_;
  int id_;
  std::uint8_t payload[1000] = {};
};

}  // namespace

TEST_CASE("A lazy array constructs elements one by one, in index order, up to its capacity") {
  std::vector<int> log;
  LazyArray<Tracked> array(1000);
  CHECK(array.capacity() == 1000);
  CHECK(array.constructed() == 0);
  CHECK(array.bytes() == 1000 * sizeof(Tracked));
  for (int i = 1; i <= 3; ++i) array.construct_next(log, i);
  CHECK(array.constructed() == 3);
  CHECK_FALSE(array.full());
  CHECK(log == std::vector<int>{1, 2, 3});
  CHECK(array[0].id_ == 1);
  CHECK(array[2].id_ == 3);
  // Elements stay where they were built: the array never moves them.
  const Tracked* first = &array[0];
  for (int i = 4; i <= 1000; ++i) array.construct_next(log, i);
  CHECK(array.full());
  CHECK(&array[0] == first);
}

TEST_CASE("A lazy array destroys exactly the elements it constructed, last first") {
  std::vector<int> log;
  {
    LazyArray<Tracked> array(100);
    array.construct_next(log, 1);
    array.construct_next(log, 2);
  }
  CHECK(log == std::vector<int>{1, 2, -2, -1});
}

TEST_CASE("A lazy array's fresh elements start from their default member values") {
  struct Record {
    std::uint32_t next = 0xffffffffu;
    std::uint64_t count = 7;
  };
  LazyArray<Record> array(4);
  const Record& r = array.construct_next();
  CHECK(r.next == 0xffffffffu);
  CHECK(r.count == 7);
}

TEST_CASE("An empty lazy array holds nothing and is full at once") {
  LazyArray<int> array(0);
  CHECK(array.capacity() == 0);
  CHECK(array.full());
}

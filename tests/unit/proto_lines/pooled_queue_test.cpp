// A PooledQueue holds one pool entry per queued item, in order, and gives each back as it leaves:
// queues of many sessions share one worker pool that grows only to the most items queued at once.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "proto/worker_pool.hpp"

using spanwatch::proto::PooledQueue;

namespace {

using Queue = PooledQueue<int>;

std::vector<int> items(const Queue& queue) {
  std::vector<int> out;
  queue.for_each([&out](int v) { out.push_back(v); });
  return out;
}

void push(Queue& queue, int value) { queue.push_back() = value; }

}  // namespace

TEST_CASE("a pooled queue keeps its items in order and takes one pool entry per item") {
  Queue::Pool pool;
  Queue queue(pool);
  for (int v : {1, 2, 3}) push(queue, v);
  CHECK(items(queue) == std::vector<int>{1, 2, 3});
  CHECK(queue.size() == 3);
  CHECK(pool.in_use() == 3);
  CHECK(queue.front() == 1);
  queue.pop_front();
  CHECK(queue.front() == 2);
  CHECK(pool.in_use() == 2);
  push(queue, 4);  // the entry just given back is reused
  CHECK(pool.created() == 3);
  CHECK(items(queue) == std::vector<int>{2, 3, 4});
}

TEST_CASE("a pooled queue removes items anywhere and still appends after its new last item") {
  Queue::Pool pool;
  Queue queue(pool);
  for (int v : {1, 2, 3, 4, 5}) push(queue, v);
  queue.erase_if([](int v) { return v == 1 || v == 3 || v == 5; });  // the first, a middle and the last
  CHECK(items(queue) == std::vector<int>{2, 4});
  CHECK(pool.in_use() == 2);
  push(queue, 6);
  CHECK(items(queue) == std::vector<int>{2, 4, 6});
  REQUIRE(queue.find_if([](int v) { return v > 3; }) != nullptr);
  CHECK(*queue.find_if([](int v) { return v > 3; }) == 4);
  CHECK(queue.find_if([](int v) { return v > 6; }) == nullptr);
  queue.erase_if([](int) { return true; });
  CHECK(queue.empty());
  push(queue, 7);  // an emptied queue starts again from nothing
  CHECK(items(queue) == std::vector<int>{7});
  CHECK(queue.front() == 7);
  CHECK(pool.created() == 5);
}

TEST_CASE("queues of several owners share one pool and give their entries back when cleared or destroyed") {
  Queue::Pool pool;
  Queue a(pool);
  {
    Queue b(pool);
    push(a, 1);
    push(b, 2);
    push(b, 3);
    CHECK(pool.in_use() == 3);
  }
  CHECK(pool.in_use() == 1);
  push(a, 4);
  push(a, 5);
  CHECK(pool.created() == 3);  // b's entries went to a
  a.clear();
  CHECK(pool.in_use() == 0);
  CHECK(a.empty());
}

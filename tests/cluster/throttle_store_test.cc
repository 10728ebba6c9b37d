// The login throttle's stores: the node's own (LocalThrottleStore) and cluster mode's Redis one
// (RedisThrottleStore), two instances on one scratch Redis standing for two nodes: failures
// through one delay attempts through the other, the delay doubles and lapses at a hand-moved
// wall clock, a success clears the name's record on every node, and an unreachable Redis
// leaves the node's own count deciding (degraded, never wide open).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "server/accounts/throttle_store.h"
#include "server/cluster/redis_throttle.h"
#include "tests/cluster/run_to_end.h"
#include "tests/cluster/scratch_services.h"

namespace netdisk::server {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

LoginThrottle::Policy policy() {
  LoginThrottle::Policy p;
  p.free_failures = 2;
  p.first_delay = 1000ms;
  p.max_delay = 8000ms;
  p.forget_after = 900s;
  return p;
}

class ThrottleStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { redis_ = new cluster_test::ScratchRedis(); }
  static void TearDownTestSuite() {
    delete redis_;
    redis_ = nullptr;
  }

  std::unique_ptr<RedisThrottleStore> node(const std::string& address = redis_->address()) {
    return std::make_unique<RedisThrottleStore>(
        address, blocking_, policy(), [this] { return wall_; }, 500ms);
  }
  template <typename T>
  T sync(asio::awaitable<T> call) {
    return cluster_test::run_to_end(io_, std::move(call));
  }
  void sync_void(asio::awaitable<void> call) { cluster_test::run_to_end(io_, std::move(call)); }
  void fail(ThrottleStore& store, const std::string& user, const std::string& address) {
    sync_void(store.record_failure(user, address));
  }
  std::chrono::milliseconds wait(ThrottleStore& store, const std::string& user,
                                 const std::string& address) {
    return sync(store.wait_before_attempt(user, address));
  }

  static inline cluster_test::ScratchRedis* redis_ = nullptr;
  std::chrono::system_clock::time_point wall_ = std::chrono::system_clock::now();
  asio::io_context io_;
  asio::thread_pool blocking_{1};
};

TEST_F(ThrottleStoreTest, TheLocalStoreKeepsLoginThrottlesRules) {
  LocalThrottleStore store(policy());
  fail(store, "ann", "10.0.0.1");
  EXPECT_EQ(wait(store, "ann", "10.0.0.9"), 0ms);  // below the two free failures
  fail(store, "ann", "10.0.0.1");
  auto delayed = wait(store, "ann", "10.0.0.9");
  EXPECT_GT(delayed, 0ms);
  EXPECT_LE(delayed, 1000ms);
  sync_void(store.record_success("ann"));
  EXPECT_EQ(wait(store, "ann", "10.0.0.9"), 0ms);
  EXPECT_GT(wait(store, "other", "10.0.0.1"), 0ms);  // the address still counts
}

TEST_F(ThrottleStoreTest, FailuresThroughOneNodeDelayAttemptsThroughTheOther) {
  auto one = node();
  auto two = node();
  for (int i = 0; i < 3; ++i) fail(*one, "bea", "10.1.0.1");
  // Another address, so only the name's record (in Redis) can delay it.
  EXPECT_EQ(wait(*two, "bea", "10.1.0.2"), 2000ms);
  EXPECT_EQ(wait(*two, "someone", "10.1.0.2"), 0ms);
  EXPECT_FALSE(two->degraded());
  wall_ += 1500ms;
  EXPECT_EQ(wait(*two, "bea", "10.1.0.2"), 500ms);
  wall_ += 500ms;
  EXPECT_EQ(wait(*two, "bea", "10.1.0.2"), 0ms);
  fail(*two, "bea", "10.1.0.2");  // the fourth failure, counted through node two: 4 s now
  EXPECT_EQ(wait(*one, "bea", "10.1.0.3"), 4000ms);
}

TEST_F(ThrottleStoreTest, AnAddressIsThrottledAcrossNodesWhateverTheName) {
  auto one = node();
  auto two = node();
  fail(*one, "a1", "2001:db8:5:6::1");
  fail(*one, "a2", "2001:db8:5:6::2");
  fail(*one, "a3", "2001:db8:5:6::3");
  // The same /64, through the other node, under a fresh name.
  EXPECT_EQ(wait(*two, "fresh", "2001:db8:5:6::99"), 2000ms);
  EXPECT_EQ(wait(*two, "fresh", "2001:db8:5:7::1"), 0ms);
}

TEST_F(ThrottleStoreTest, ASuccessThroughOneNodeClearsTheNameOnEveryNode) {
  auto one = node();
  auto two = node();
  for (int i = 0; i < 3; ++i) fail(*one, "cid", "10.2.0.1");
  ASSERT_GT(wait(*two, "cid", "10.2.0.2"), 0ms);
  sync_void(two->record_success("cid"));
  EXPECT_EQ(wait(*one, "cid", "10.2.0.3"), 0ms);
}

TEST_F(ThrottleStoreTest, WithoutRedisTheNodesOwnCountStillThrottles) {
  auto lonely = node("unix:/nonexistent/netdisk-redis.sock");
  EXPECT_EQ(wait(*lonely, "dan", "10.3.0.1"), 0ms);
  EXPECT_TRUE(lonely->degraded());
  for (int i = 0; i < 3; ++i) fail(*lonely, "dan", "10.3.0.1");
  auto delayed = wait(*lonely, "dan", "10.3.0.2");
  EXPECT_GT(delayed, 0ms);
  EXPECT_LE(delayed, 2000ms);
}

}  // namespace
}  // namespace netdisk::server

// The LockStore interface's conformance on both stores: the in-memory one (LocalLockStore,
// one node) and cluster mode's PostgreSQL one (PgLockStore), two instances over one scratch
// database standing for two nodes. Conflicts across instances, expiry at hand-moved clocks,
// refresh and unlock through the other instance, another user refused, and (PostgreSQL only)
// a burst of concurrent LOCKs through two nodes granting exactly one.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "cluster/locks/pg_lock_store.h"
#include "cluster/pg/async_pg.h"
#include "server/dav/local_lock_store.h"
#include "tests/cluster/run_to_end.h"
#include "tests/cluster/scratch_services.h"

namespace netdisk::server::dav {
namespace {

namespace asio = boost::asio;
using std::chrono::seconds;

// The steady clock lockdiscovery reads and the wall clock the shared rows are dated by, moved
// together by hand.
struct Clocks {
  TimePoint steady = TimePoint{} + std::chrono::hours(1000);
  std::chrono::system_clock::time_point wall = std::chrono::system_clock::now();
  void advance(seconds by) {
    steady += by;
    wall += by;
  }
  Now steady_now() {
    return [this] { return steady; };
  }
  WallNow wall_now() {
    return [this] { return wall; };
  }
};

LockRequest exclusive(LockDepth depth = LockDepth::infinity, seconds timeout = seconds(0)) {
  return LockRequest{LockScope::exclusive, depth, "<D:owner>me</D:owner>", timeout};
}
LockRequest shared() { return LockRequest{LockScope::shared, LockDepth::infinity, "", seconds(0)}; }

// One node: both "instances" are the same in-memory store.
struct LocalEnv {
  static void start() {}
  static void stop() {}
  explicit LocalEnv(Clocks& clocks) : store(clocks.steady_now()) {}
  LockStore& first() { return store; }
  LockStore& second() { return store; }
  LocalLockStore store;
};

// Two nodes: two stores, each with its own connection pool, on one database.
struct PgEnv {
  static void start() {
    postgres = new cluster_test::ScratchPostgres();
    cluster::pg::PgPool setup(postgres->conninfo(), 1);
    auto made = cluster::PgLockStore::ensure_table(setup);
    if (!made.ok()) throw std::runtime_error(made.error().message);
  }
  static void stop() {
    delete postgres;
    postgres = nullptr;
  }
  explicit PgEnv(Clocks& clocks)
      : pool_a(postgres->conninfo(), blocking, {4, std::chrono::seconds(10)}),
        pool_b(postgres->conninfo(), blocking, {4, std::chrono::seconds(10)}),
        a(pool_a, {}, clocks.steady_now(), clocks.wall_now()),
        b(pool_b, {}, clocks.steady_now(), clocks.wall_now()) {
    postgres->psql("DELETE FROM netdisk.dav_locks");
  }
  LockStore& first() { return a; }
  LockStore& second() { return b; }

  static inline cluster_test::ScratchPostgres* postgres = nullptr;
  asio::thread_pool blocking{1};
  cluster::pg::AsyncPgPool pool_a, pool_b;
  cluster::PgLockStore a, b;
};

template <typename Env>
class LockStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { Env::start(); }
  static void TearDownTestSuite() { Env::stop(); }

  // Runs one store call to its end on a one-thread io_context.
  template <typename T>
  T sync(asio::awaitable<T> call) {
    return cluster_test::run_to_end(io_, std::move(call));
  }
  void sync_void(asio::awaitable<void> call) { cluster_test::run_to_end(io_, std::move(call)); }
  LockStore& a() { return env_.first(); }
  LockStore& b() { return env_.second(); }
  std::optional<std::string> blocker(LockStore& store, std::string path,
                                     std::vector<std::string> tokens = {}, bool subtree = false) {
    auto found = sync(store.blocker("ann", std::move(path), std::move(tokens), subtree));
    EXPECT_TRUE(found.ok());
    return found.ok() ? *found : std::optional<std::string>("<store failed>");
  }

  asio::io_context io_;
  Clocks clocks_;
  Env env_{clocks_};
};

using Stores = ::testing::Types<LocalEnv, PgEnv>;
class StoreNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, LocalEnv> ? "Local" : "Postgres";
  }
};
TYPED_TEST_SUITE(LockStoreTest, Stores, StoreNames);

TYPED_TEST(LockStoreTest, AnExclusiveLockThroughOneNodeRefusesAnyOtherThroughTheOther) {
  auto first = this->sync(this->a().lock("ann", "a.txt", exclusive()));
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->token.starts_with("urn:uuid:"));
  auto again = this->sync(this->b().lock("ann", "a.txt", exclusive()));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error(), LockFailure::conflict);
  EXPECT_EQ(this->sync(this->b().lock("ann", "a.txt", shared())).error(), LockFailure::conflict);
  // A folder above it cannot be locked deep either; another user's same name can.
  EXPECT_EQ(this->sync(this->b().lock("ann", "", exclusive())).error(), LockFailure::conflict);
  EXPECT_TRUE(this->sync(this->b().lock("bob", "a.txt", exclusive())).ok());
}

TYPED_TEST(LockStoreTest, SharedLocksCoexistAcrossNodesButNotWithAnExclusiveOne) {
  ASSERT_TRUE(this->sync(this->a().lock("ann", "d", shared())).ok());
  ASSERT_TRUE(this->sync(this->b().lock("ann", "d", shared())).ok());
  EXPECT_EQ(this->sync(this->a().lock("ann", "d/x", exclusive())).error(), LockFailure::conflict);
  EXPECT_EQ(this->sync(this->b().held_by("ann")).size(), 2u);
}

TYPED_TEST(LockStoreTest, AWriteIsBlockedOnTheOtherNodeUntilTheTokenIsSubmitted) {
  auto folder = this->sync(this->a().lock("ann", "docs", exclusive()));
  ASSERT_TRUE(folder.ok());
  EXPECT_EQ(this->blocker(this->b(), "docs/x.txt"), "docs");
  EXPECT_EQ(this->blocker(this->b(), "docs/x.txt", {folder->token}), std::nullopt);
  EXPECT_EQ(this->blocker(this->b(), "docs2/x.txt"), std::nullopt);  // a sibling
  // Deleting the parent takes the locked folder with it: the subtree's locks bind too.
  EXPECT_EQ(this->blocker(this->b(), "", {}, true), "docs");
  EXPECT_EQ(this->blocker(this->b(), "", {}, false), std::nullopt);
}

TYPED_TEST(LockStoreTest, ALockLapsesAtItsTimeoutOnEveryNode) {
  auto lock = this->sync(this->a().lock("ann", "a.txt", exclusive(LockDepth::zero, seconds(10))));
  ASSERT_TRUE(lock.ok());
  EXPECT_EQ(lock->timeout, seconds(10));
  this->clocks_.advance(seconds(9));
  EXPECT_EQ(this->blocker(this->b(), "a.txt"), "a.txt");
  auto held = this->sync(this->b().held_by("ann"));
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held.front().remaining(this->clocks_.steady), seconds(1));
  this->clocks_.advance(seconds(2));
  EXPECT_EQ(this->blocker(this->b(), "a.txt"), std::nullopt);
  EXPECT_TRUE(this->sync(this->b().lock("ann", "a.txt", exclusive())).ok());
}

TYPED_TEST(LockStoreTest, ARefreshThroughTheOtherNodeRestartsTheTimeout) {
  auto lock = this->sync(this->a().lock("ann", "d", exclusive(LockDepth::infinity, seconds(10))));
  ASSERT_TRUE(lock.ok());
  this->clocks_.advance(seconds(8));
  // RFC 4918 lets a refresh name any URL in the lock's scope.
  auto renewed = this->sync(this->b().refresh("ann", "d/inner.txt", lock->token, seconds(10)));
  ASSERT_TRUE(renewed.ok());
  EXPECT_EQ(renewed->token, lock->token);
  EXPECT_EQ(renewed->remaining(this->clocks_.steady), seconds(10));
  this->clocks_.advance(seconds(8));
  EXPECT_EQ(this->blocker(this->a(), "d"), "d");  // 16 s after the lock, still held
  EXPECT_EQ(this->sync(this->b().refresh("ann", "elsewhere", lock->token, seconds(10))).error(),
            LockFailure::no_such_lock);
  EXPECT_EQ(this->sync(this->b().refresh("bob", "d", lock->token, seconds(10))).error(),
            LockFailure::no_such_lock);
}

TYPED_TEST(LockStoreTest, UnlockWorksThroughAnyNodeButNotForAnotherUser) {
  auto lock = this->sync(this->a().lock("ann", "a.txt", exclusive()));
  ASSERT_TRUE(lock.ok());
  EXPECT_EQ(this->sync(this->b().unlock("bob", "a.txt", lock->token)).error(),
            LockFailure::no_such_lock);
  EXPECT_EQ(this->sync(this->b().unlock("ann", "b.txt", lock->token)).error(),
            LockFailure::no_such_lock);
  auto removed = this->sync(this->b().unlock("ann", "a.txt", lock->token));
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->token, lock->token);
  EXPECT_EQ(this->blocker(this->a(), "a.txt"), std::nullopt);
  EXPECT_EQ(this->sync(this->a().unlock("ann", "a.txt", lock->token)).error(),
            LockFailure::no_such_lock);
}

TYPED_TEST(LockStoreTest, ForgettingATreeDropsTheLocksRootedInItOnly) {
  ASSERT_TRUE(this->sync(this->a().lock("ann", "d/x", exclusive())).ok());
  ASSERT_TRUE(this->sync(this->a().lock("ann", "d_y", exclusive())).ok());  // '_' is no wildcard
  ASSERT_TRUE(this->sync(this->a().lock("ann", "d", exclusive(LockDepth::zero))).ok());
  this->sync_void(this->b().forget_tree("ann", "d"));
  auto held = this->sync(this->a().held_by("ann"));
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held.front().root, "d_y");
}

TYPED_TEST(LockStoreTest, HeldByListsTheUsersLocksOldestFirst) {
  auto older = this->sync(this->a().lock("ann", "z", exclusive()));
  this->clocks_.advance(seconds(1));
  auto newer = this->sync(this->b().lock("ann", "a", exclusive()));
  ASSERT_TRUE(older.ok() && newer.ok());
  auto held = this->sync(this->a().held_by("ann"));
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(held[0].token, older->token);
  EXPECT_EQ(held[1].token, newer->token);
  EXPECT_EQ(held[0].owner, "<D:owner>me</D:owner>");
  EXPECT_TRUE(this->sync(this->a().held_by("bob")).empty());
}

TYPED_TEST(LockStoreTest, TheSweepDropsExpiredLocks) {
  ASSERT_TRUE(this->sync(this->a().lock("ann", "a", exclusive(LockDepth::zero, seconds(5)))).ok());
  ASSERT_TRUE(this->sync(this->a().lock("ann", "b", exclusive(LockDepth::zero, seconds(50)))).ok());
  this->clocks_.advance(seconds(6));
  EXPECT_EQ(this->sync(this->a().sweep()), 1u);
  EXPECT_EQ(this->sync(this->b().held_by("ann")).size(), 1u);
}

TYPED_TEST(LockStoreTest, AnOversizedOwnerIsRefused) {
  LockRequest request = exclusive();
  request.owner.assign(LockTable::Limits{}.owner_bytes + 1, 'x');
  EXPECT_EQ(this->sync(this->a().lock("ann", "a", request)).error(), LockFailure::owner_too_large);
}

// --- PostgreSQL only ---

class PgLockStoreTest : public LockStoreTest<PgEnv> {};

TEST_F(PgLockStoreTest, ConcurrentExclusiveLocksThroughTwoNodesGrantExactlyOne) {
  int granted = 0, refused = 0;
  for (int i = 0; i < 16; ++i) {
    LockStore* node = i % 2 == 0 ? &a() : &b();
    asio::co_spawn(
        io_,
        [node, &granted, &refused]() -> asio::awaitable<void> {
          const std::string user = "ann", path = "contended.txt";  // named, not temporaries
          const LockRequest request = exclusive();
          auto lock = co_await node->lock(user, path, request);
          if (lock.ok()) ++granted;
          if (!lock.ok() && lock.error() == LockFailure::conflict) ++refused;
        },
        asio::detached);
  }
  io_.run();
  EXPECT_EQ(granted, 1);
  EXPECT_EQ(refused, 15);
}

TEST_F(PgLockStoreTest, AnUnreachableDatabaseIsUnavailableNeverAGrant) {
  cluster::pg::AsyncPgPool nowhere("host=/nonexistent/netdisk-socket dbname=x", env_.blocking,
                                   {1, std::chrono::seconds(2)});
  cluster::PgLockStore store(nowhere, {}, clocks_.steady_now(), clocks_.wall_now());
  EXPECT_EQ(sync(store.lock("ann", "a", exclusive())).error(), LockFailure::unavailable);
  auto blocked = sync(store.blocker("ann", "a", {}, false));
  ASSERT_FALSE(blocked.ok());  // a write is refused, not let through
  EXPECT_EQ(blocked.error(), LockFailure::unavailable);
  EXPECT_EQ(sync(store.unlock("ann", "a", "urn:uuid:x")).error(), LockFailure::unavailable);
}

}  // namespace
}  // namespace netdisk::server::dav

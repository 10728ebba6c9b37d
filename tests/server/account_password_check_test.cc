// AccountService::check_password (the HTTP Basic path) in process, with the cheapest Argon2id
// cost and counters instead of timings: a second check of the same password runs no Argon2id,
// failures are never cached and still feed the throttle, the throttle refuses even a password
// the cache holds, and a TTL of 0 hashes every time.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>

#include "account_test_util.h"
#include "server/accounts/account_service.h"

namespace netdisk::server {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class PasswordCheck : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::make_scratch_dir("netdisk-password-check"); }
  void TearDown() override {
    // As the server does: the login-time flush that shutdown() triggers runs on the blocking
    // pool, so the pool is drained before the service goes away.
    if (accounts_) accounts_->shutdown();
    blocking_.join();
    accounts_.reset();
    fs::remove_all(dir_);
  }

  void start(std::chrono::seconds ttl) {
    AccountOptions options;
    options.hash_cost = storage::HashCost::cheapest();
    options.credential_cache.ttl = ttl;
    options.throttle.free_failures = 3;
    // A throttled attempt waits an hour: the test never depends on how fast it runs.
    options.throttle.first_delay = std::chrono::hours(1);
    options.throttle.max_delay = std::chrono::hours(1);
    auto layout = storage::DataLayout::prepare(dir_);
    ASSERT_TRUE(layout.ok());
    accounts_ = std::make_unique<AccountService>(*layout, options, blocking_);
    ASSERT_TRUE(run(accounts_->register_user("alice", "password1")).ok());
  }

  template <typename T>
  T run(boost::asio::awaitable<T> task) {
    return testing::run_to_end(io_, std::move(task));
  }

  Result<std::string> check(const std::string& user, const std::string& password) {
    return run(accounts_->check_password(user, password, "127.0.0.1"));
  }

  fs::path dir_;
  boost::asio::io_context io_;
  boost::asio::thread_pool blocking_{2};
  std::unique_ptr<AccountService> accounts_;
};

// Concurrent checks of the same credentials, started together on two I/O threads, share one
// Argon2id verification (verification_flights.h); each waiter resumes on its own thread.
TEST_F(PasswordCheck, ConcurrentChecksOfTheSamePasswordOnTwoThreadsRunOneArgon2id) {
  start(300s);
  boost::asio::io_context first_thread, second_thread;
  std::vector<std::future<Result<std::string>>> checks;
  for (int i = 0; i < 16; ++i) {
    auto& context = i % 2 == 0 ? first_thread : second_thread;
    checks.push_back(boost::asio::co_spawn(
        context, accounts_->check_password("alice", "password1", "127.0.0.1"),
        boost::asio::use_future));
  }
  std::thread other([&] { second_thread.run(); });
  first_thread.run();
  other.join();
  for (auto& done : checks) {
    auto name = done.get();
    ASSERT_TRUE(name.ok()) << name.error().message;
    EXPECT_EQ(*name, "alice");
  }
  EXPECT_EQ(accounts_->argon2_verifications(), 1u);
  EXPECT_EQ(accounts_->credential_cache_hits(), 15u);
}

TEST_F(PasswordCheck, ASecondCheckOfTheSamePasswordRunsNoArgon2id) {
  start(300s);
  auto first = check("alice", "password1");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, "alice");
  EXPECT_EQ(accounts_->argon2_verifications(), 1u);
  for (int i = 0; i < 5; ++i) {
    auto again = check("ALICE", "password1");  // names are case-insensitive, as at login
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, "alice");  // the name as registered
  }
  EXPECT_EQ(accounts_->argon2_verifications(), 1u);
  EXPECT_EQ(accounts_->credential_cache_hits(), 5u);
}

TEST_F(PasswordCheck, FailuresAreNeverCachedAndEachRunsArgon2idAndCountsForTheThrottle) {
  start(300s);
  for (int i = 0; i < 3; ++i) {
    auto wrong = check("alice", "wrong-password");
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().code, Errc::auth_failed);
  }
  EXPECT_EQ(accounts_->argon2_verifications(), 3u);
  EXPECT_EQ(accounts_->credential_cache_hits(), 0u);
  // The free failures are used up: the next attempt must wait, and is refused without hashing.
  auto throttled = check("alice", "wrong-password");
  ASSERT_FALSE(throttled.ok());
  EXPECT_EQ(throttled.error().code, Errc::rate_limited);
  EXPECT_EQ(accounts_->argon2_verifications(), 3u);
}

TEST_F(PasswordCheck, TheThrottleRefusesEvenAPasswordTheCacheHolds) {
  // Otherwise a throttled guesser could learn at full speed which guess the cache holds.
  start(300s);
  ASSERT_TRUE(check("alice", "password1").ok());
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(check("alice", "wrong-password").ok());
  auto refused = check("alice", "password1");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::rate_limited);
  EXPECT_EQ(accounts_->credential_cache_hits(), 0u);
}

TEST_F(PasswordCheck, AnUnknownUserIsRefusedLikeAWrongPasswordAndNothingIsCached) {
  start(300s);
  for (int i = 0; i < 2; ++i) {
    auto unknown = check("nobody", "password1");
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, Errc::auth_failed);
  }
  EXPECT_EQ(accounts_->argon2_verifications(), 2u);  // a dummy verification each time
  EXPECT_EQ(accounts_->credential_cache_hits(), 0u);
}

TEST_F(PasswordCheck, ATtlOfZeroRunsArgon2idForEveryCheck) {
  start(0s);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(check("alice", "password1").ok());
  EXPECT_EQ(accounts_->argon2_verifications(), 3u);
  EXPECT_EQ(accounts_->credential_cache_hits(), 0u);
}

}  // namespace
}  // namespace netdisk::server

// Two in-process nodes of a cluster: two AccountServices over one scratch PostgreSQL
// (accounts) and one scratch Redis (login tokens), each with its own data folder and blocking
// pool, as account_backends() builds them for --storage cluster. A login through one node is
// resumed through the other; logouts, password changes and the administrator's disable end
// logins on every node and move each node's revocation counter; only token digests reach
// Redis; an unreachable Redis is a typed error in bounded time.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "cluster/accounts/pg_account_store.h"
#include "cluster/redis/redis_connection.h"
#include "server/accounts/account_service.h"
#include "server/cluster/redis_token_book.h"
#include "tests/cluster/scratch_services.h"
#include "tests/e2e/temp_folder.h"
#include "tests/e2e/wait_until.h"
#include "tests/server/account_test_util.h"

namespace netdisk::server {
namespace {

class Node {
 public:
  Node(const std::string& conninfo, const std::string& redis) {
    auto layout = storage::DataLayout::prepare(folder_.path());
    EXPECT_TRUE(layout.ok());
    AccountOptions options;
    options.hash_cost = storage::HashCost::cheapest();
    options.workbook_check_interval = std::chrono::milliseconds(0);  // no periodic read
    auto store = cluster::PgAccountStore::open(std::make_shared<cluster::pg::PgPool>(conninfo, 2));
    EXPECT_TRUE(store.ok());
    auto tokens = std::make_unique<RedisTokenBook>(redis, options.session_lifetime);
    tokens_ = tokens.get();
    AccountBackends backends{std::move(*store), std::move(tokens), true, nullptr};  // own throttle
    accounts = std::make_unique<AccountService>(*layout, options, pool_, std::move(backends));
    EXPECT_TRUE(tokens_->wait_subscribed(std::chrono::seconds(20)));
  }
  ~Node() {
    accounts->shutdown();
    pool_.join();
    accounts.reset();
  }
  template <typename T>
  T run(boost::asio::awaitable<T> task) {
    return testing::run_to_end(io_, std::move(task));
  }
  Result<std::string> resume(const std::string& token) {
    return run(accounts->resume_login(token));
  }

  std::unique_ptr<AccountService> accounts;

 private:
  e2e::TempFolder folder_;
  boost::asio::thread_pool pool_{2};
  boost::asio::io_context io_;
  RedisTokenBook* tokens_ = nullptr;
};

class ClusterAccounts : public cluster_test::WithSuitePostgres {
 protected:
  void SetUp() override {
    postgres().psql("DROP TABLE IF EXISTS netdisk.users");
    a_ = std::make_unique<Node>(postgres().conninfo(), redis_.address());
    b_ = std::make_unique<Node>(postgres().conninfo(), redis_.address());
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
  }
  AccountService::Login login(Node& node, const std::string& name) {
    auto granted = node.run(node.accounts->login(name, "password1", "127.0.0.1"));
    EXPECT_TRUE(granted.ok()) << granted.error().message;
    return granted ? *granted : AccountService::Login{};
  }

  cluster_test::ScratchRedis redis_;
  std::unique_ptr<Node> a_;
  std::unique_ptr<Node> b_;
};

TEST_F(ClusterAccounts, ARegistrationAndLoginThroughOneNodeAreResumedThroughTheOther) {
  ASSERT_TRUE(a_->run(a_->accounts->register_user("Alice", "password1")).ok());
  // Registered through A, unknown to B's memory: B's login reads PostgreSQL first.
  auto through_b = login(*b_, "alice");
  EXPECT_EQ(through_b.username, "Alice");
  auto granted = login(*a_, "alice");
  ASSERT_FALSE(granted.token.empty());
  EXPECT_FALSE(b_->accounts->resume(granted.token).ok());  // B's memory does not know it...
  auto resumed = b_->resume(granted.token);                // ...Redis does
  ASSERT_TRUE(resumed.ok()) << resumed.error().message;
  EXPECT_EQ(*resumed, "Alice");
  EXPECT_TRUE(b_->accounts->resume(granted.token).ok());  // and now B's memory
  auto taken = b_->run(b_->accounts->register_user("ALICE", "password1"));
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, Errc::user_exists);
  // No folder in cluster mode: the cluster's storage serves any valid name.
  EXPECT_FALSE(std::filesystem::exists(a_->accounts->layout().user_folder("Alice")));
}

TEST_F(ClusterAccounts, ALogoutOnOneNodeEndsTheTokenOnTheOtherAndMovesItsRevocationCounter) {
  ASSERT_TRUE(a_->run(a_->accounts->register_user("bob", "password1")).ok());
  auto granted = login(*a_, "bob");
  ASSERT_TRUE(b_->resume(granted.token).ok());
  auto seen = b_->accounts->revocations();
  ASSERT_TRUE(a_->run(a_->accounts->logout(granted.token)).ok());
  // B hears it through netdisk:revoke: its live TCP sessions check their token again.
  ASSERT_TRUE(e2e::wait_until([&] { return b_->accounts->revocations() != seen; }));
  EXPECT_EQ(b_->accounts->resume(granted.token).error().code, Errc::auth_failed);
  EXPECT_EQ(b_->resume(granted.token).error().code, Errc::auth_failed);  // gone from Redis too
  EXPECT_EQ(a_->resume(granted.token).error().code, Errc::auth_failed);
}

TEST_F(ClusterAccounts, APasswordChangeEndsTheOtherLoginsOnEveryNodeButTheCallers) {
  ASSERT_TRUE(a_->run(a_->accounts->register_user("carol", "password1")).ok());
  auto kept = login(*a_, "carol");
  auto other = login(*b_, "carol");
  ASSERT_TRUE(a_->resume(other.token).ok());
  ASSERT_TRUE(b_->resume(kept.token).ok());
  auto seen = a_->accounts->revocations();
  ASSERT_TRUE(b_->run(b_->accounts->change_password("carol", "password1", "password2", "127.0.0.1",
                                                    kept.token))
                  .ok());
  ASSERT_TRUE(e2e::wait_until([&] { return a_->accounts->revocations() != seen; }));
  EXPECT_FALSE(a_->resume(other.token).ok());
  EXPECT_FALSE(b_->resume(other.token).ok());
  EXPECT_TRUE(a_->resume(kept.token).ok());
  // A read carol's row again when it heard the revocation: the old password fails there.
  ASSERT_TRUE(e2e::wait_until([&] {
    auto user = a_->accounts->find_user("carol");
    return user && user->password_hash != "" &&
           a_->run(a_->accounts->check_password("carol", "password2", "127.0.0.1")).ok();
  }));
  EXPECT_FALSE(a_->run(a_->accounts->login("carol", "password1", "127.0.0.1")).ok());
}

TEST_F(ClusterAccounts, AnAdministratorsDisableOnOneNodeRefusesTheUserOnTheOtherAtOnce) {
  ASSERT_TRUE(a_->run(a_->accounts->register_user("dave", "password1")).ok());
  auto granted = login(*b_, "dave");
  ASSERT_TRUE(a_->resume(granted.token).ok());
  auto seen = b_->accounts->revocations();
  ASSERT_TRUE(a_->accounts
                  ->update_user("dave",
                                [](storage::UserRecord& user) {
                                  user.state = storage::AccountState::disabled;
                                })
                  .ok());
  ASSERT_TRUE(e2e::wait_until([&] { return b_->accounts->revocations() != seen; }));
  EXPECT_FALSE(b_->accounts->resume(granted.token).ok());
  // B read dave's row again on hearing it: the right password now says account_disabled.
  ASSERT_TRUE(e2e::wait_until([&] {
    auto user = b_->accounts->find_user("dave");
    return user && user->state == storage::AccountState::disabled;
  }));
  auto refused = b_->run(b_->accounts->login("dave", "password1", "127.0.0.1"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::account_disabled);
}

TEST_F(ClusterAccounts, OnlyTheTokensDigestReachesRedis) {
  ASSERT_TRUE(a_->run(a_->accounts->register_user("erin", "password1")).ok());
  auto granted = login(*a_, "erin");
  cluster::RedisClient redis(redis_.address(), std::chrono::seconds(2));
  auto keys = redis.command({"KEYS", "netdisk:*"});
  ASSERT_TRUE(keys.ok());
  ASSERT_FALSE(keys->items.empty());
  bool digest_key = false;
  for (const auto& key : keys->items) {
    EXPECT_EQ(key.text.find(granted.token), std::string::npos);
    digest_key = digest_key || key.text == "netdisk:token:" + LoginTokens::digest(granted.token);
    auto value = redis.command({"TYPE", key.text});
    ASSERT_TRUE(value.ok());
    if (value->text != "string") continue;
    auto stored = redis.command({"GET", key.text});
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(stored->text.find(granted.token), std::string::npos);
  }
  EXPECT_TRUE(digest_key);
  auto ttl = redis.command({"TTL", "netdisk:token:" + LoginTokens::digest(granted.token)});
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT(ttl->integer, 0);  // expires with the session
}

TEST_F(ClusterAccounts, AfterItsSubscriptionIsCutANodeDropsTheLoginsRedisLostAndKeepsTheOthers) {
  ASSERT_TRUE(a_->run(a_->accounts->register_user("frank", "password1")).ok());
  auto lost = login(*a_, "frank");
  auto kept = login(*a_, "frank");
  ASSERT_TRUE(b_->resume(lost.token).ok());
  ASSERT_TRUE(b_->resume(kept.token).ok());
  // A login ends in Redis while no node hears of it (as when Redis restarts empty and the
  // subscription with it): B's cache still holds it...
  cluster::RedisClient redis(redis_.address(), std::chrono::seconds(2));
  ASSERT_TRUE(redis.command({"DEL", "netdisk:token:" + LoginTokens::digest(lost.token)}).ok());
  EXPECT_TRUE(b_->accounts->resume(lost.token).ok());
  auto seen = b_->accounts->revocations();
  // ...until its subscription is cut and made again: then it asks Redis about each login.
  ASSERT_TRUE(redis.command({"CLIENT", "KILL", "TYPE", "pubsub"}).ok());
  ASSERT_TRUE(e2e::wait_until([&] { return b_->accounts->revocations() != seen; }));
  EXPECT_EQ(b_->accounts->resume(lost.token).error().code, Errc::auth_failed);
  EXPECT_TRUE(b_->accounts->resume(kept.token).ok());  // memory only: still cached
}

TEST(ClusterTokens, AnUnreachableRedisRefusesALoginWithServerBusyWithinTheBound) {
  e2e::TempFolder folder;
  RedisTokenBook tokens("unix:" + (folder.path() / "no-redis.sock").string(),
                        std::chrono::seconds(3600), std::chrono::milliseconds(500));
  auto started = std::chrono::steady_clock::now();
  auto issued = tokens.issue("alice");
  ASSERT_FALSE(issued.ok());
  EXPECT_EQ(issued.error().code, Errc::server_busy);
  auto fetched = tokens.fetch("0123456789abcdef");
  ASSERT_FALSE(fetched.ok());
  EXPECT_EQ(fetched.error().code, Errc::server_busy);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_EQ(tokens.lookup("anything").check, LoginTokens::Check::unknown);  // none kept
}

}  // namespace
}  // namespace netdisk::server

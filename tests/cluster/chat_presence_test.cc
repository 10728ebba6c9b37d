// Chat history and presence across in-process nodes (cluster mode): PgChatHistoryStore on a
// scratch PostgreSQL (two nodes' stores on one table), and ChatPresenceRelay with two or three
// relays on one scratch Redis (members listed across nodes, joined and left events, a stopped
// node's members vanishing within the expiry). Members are recording stand-ins on an
// io_context's thread.
#include "server/cluster/chat_presence_relay.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <nlohmann/json.hpp>

#include "cluster/chat/chat_history.h"
#include "server/cluster/pg_chat_history_store.h"
#include "tests/cluster/scratch_services.h"
#include "tests/e2e/wait_until.h"

namespace netdisk::server {
namespace {

using namespace std::chrono_literals;

// Keeps "joined NAME" and "left NAME" for each presence event it is handed.
class PresenceMember final : public ChatMember {
 public:
  PresenceMember(std::string name, boost::asio::any_io_executor executor)
      : name_(std::move(name)), executor_(std::move(executor)) {}
  const std::string& chat_name() const override { return name_; }
  boost::asio::any_io_executor chat_executor() const override { return executor_; }
  bool chat_deliver(const SharedFrame& frame) override {
    auto event = nlohmann::json::parse(frame->substr(4));
    auto name = event.value("event", "");
    if (name != "chat.joined" && name != "chat.left") return true;
    std::lock_guard lock(mutex_);
    seen_.push_back((name == "chat.joined" ? "joined " : "left ") + event.value("user", ""));
    return true;
  }
  void chat_dropped(const SharedFrame&) override {}
  bool saw(const std::string& line) {
    std::lock_guard lock(mutex_);
    return std::find(seen_.begin(), seen_.end(), line) != seen_.end();
  }

 private:
  std::string name_;
  boost::asio::any_io_executor executor_;
  std::mutex mutex_;
  std::vector<std::string> seen_;
};

constexpr ChatPresenceTiming kFast{100ms, 500ms};

struct PresenceNode {
  PresenceNode(const std::string& redis, const std::string& name)
      : presence(room, redis, name, kFast) {}
  ChatRoom room;
  ChatPresenceRelay presence;
};

bool lists(ChatPresence& presence, const std::string& name) {
  auto names = presence.members();
  return std::find(names.begin(), names.end(), name) != names.end();
}

class ChatPresenceAcrossNodes : public ::testing::Test {
 protected:
  void SetUp() override { io_thread_ = std::thread([this] { io_.run(); }); }
  void TearDown() override {
    work_.reset();
    io_thread_.join();
  }
  std::shared_ptr<PresenceMember> member(const std::string& name) {
    return std::make_shared<PresenceMember>(name, io_.get_executor());
  }

  static void SetUpTestSuite() { redis_ = new cluster_test::ScratchRedis(); }
  static void TearDownTestSuite() {
    delete redis_;
    redis_ = nullptr;
  }
  static const std::string& redis() { return redis_->address(); }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_);
  std::thread io_thread_;
  static inline cluster_test::ScratchRedis* redis_ = nullptr;
};

TEST_F(ChatPresenceAcrossNodes, AMemberJoinedOnOneNodeIsListedOnTheOtherOnceEvenWhenOnBoth) {
  PresenceNode a(redis(), "list-a");
  PresenceNode b(redis(), "list-b");
  auto alice = member("alice");
  auto bob = member("bob");
  a.room.join(alice);
  b.room.join(bob);
  ASSERT_TRUE(e2e::wait_until([&] { return lists(b.presence, "alice"); }));
  ASSERT_TRUE(e2e::wait_until([&] { return lists(a.presence, "bob"); }));
  auto alice_again = member("alice");  // alice's second connection, through node B
  b.room.join(alice_again);
  EXPECT_EQ(b.presence.members(), (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(a.presence.members(), (std::vector<std::string>{"alice", "bob"}));
  a.room.leave(*alice);
  b.room.leave(*alice_again);
  ASSERT_TRUE(e2e::wait_until([&] { return !lists(b.presence, "alice"); }));
  EXPECT_EQ(a.presence.members(), std::vector<std::string>{"bob"});
  b.room.leave(*bob);
}

TEST_F(ChatPresenceAcrossNodes, JoinedAndLeftOnOneNodeAreAnnouncedToMembersOnTheOther) {
  PresenceNode a(redis(), "events-a");
  PresenceNode b(redis(), "events-b");
  ASSERT_TRUE(a.presence.wait_subscribed(20s));
  ASSERT_TRUE(b.presence.wait_subscribed(20s));
  auto watcher = member("watcher");
  b.room.join(watcher);
  auto carol = member("carol");
  a.room.join(carol);
  ASSERT_TRUE(e2e::wait_until([&] { return watcher->saw("joined carol"); }));
  a.room.leave(*carol);
  ASSERT_TRUE(e2e::wait_until([&] { return watcher->saw("left carol"); }));
  EXPECT_FALSE(watcher->saw("joined watcher"));  // no echo of B's own join from Redis
  b.room.leave(*watcher);
}

TEST_F(ChatPresenceAcrossNodes, AStoppedNodesMembersVanishOnTheOthersWithinTheExpiry) {
  auto b = std::make_unique<PresenceNode>(redis(), "expiry-b");
  auto a = std::make_unique<PresenceNode>(redis(), "expiry-a");
  auto dave = member("dave");
  a->room.join(dave);
  ASSERT_TRUE(e2e::wait_until([&] { return lists(b->presence, "dave"); }));
  // A stops renewing and leaves its set in Redis, as a node killed with SIGKILL does.
  a->presence.abandon();
  auto stopped = std::chrono::steady_clock::now();
  ASSERT_TRUE(e2e::wait_until([&] { return !lists(b->presence, "dave"); }, 30s, 20ms));
  auto vanished_after = std::chrono::steady_clock::now() - stopped;
  // The set was renewed at most renew_every before the stop: gone within the expiry, plus the
  // polling step and Redis' expiry resolution (1 ms).
  EXPECT_LE(vanished_after, kFast.expire_after + 200ms);
  RecordProperty("vanished_after_ms", static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(vanished_after).count()));
  a->room.leave(*dave);
}

TEST_F(ChatPresenceAcrossNodes, ANodeThatStopsCleanlyTakesItsMembersOutAtOnce) {
  PresenceNode b(redis(), "clean-b");
  auto a = std::make_unique<PresenceNode>(redis(), "clean-a");
  auto erin = member("erin");
  a->room.join(erin);
  ASSERT_TRUE(e2e::wait_until([&] { return lists(b.presence, "erin"); }));
  a->room.leave(*erin);
  a.reset();
  EXPECT_FALSE(lists(b.presence, "erin"));
}

TEST_F(ChatPresenceAcrossNodes, AMalformedPresenceEventIsIgnored) {
  PresenceNode b(redis(), "malformed-b");
  ASSERT_TRUE(b.presence.wait_subscribed(20s));
  auto watcher = member("watcher");
  b.room.join(watcher);
  cluster::RedisClient raw(redis(), 2s);
  for (const char* payload : {"not json", R"({"event":"joined","user":7,"node":"x"})",
                              R"({"event":"exploded","user":"eve","node":"x"})",
                              "{\"event\":\"joined\",\"user\":\"e\\u001bve\",\"node\":\"x\"}",
                              R"({"event":"joined","user":"frank","node":"x"})"}) {
    ASSERT_TRUE(raw.command({"PUBLISH", std::string(kChatPresenceChannel), payload}).ok());
  }
  // Redis delivers in order: once frank's (well-formed) event is in, the others were seen.
  ASSERT_TRUE(e2e::wait_until([&] { return watcher->saw("joined frank"); }));
  EXPECT_FALSE(watcher->saw("joined eve"));
  EXPECT_FALSE(watcher->saw("joined e\x1bve"));
  b.room.leave(*watcher);
}

// --- the history in PostgreSQL, two nodes' stores on one table ---

class PgChatHistoryAcrossNodes : public cluster_test::WithSuitePostgres {
 protected:
  std::unique_ptr<PgChatHistoryStore> store(const std::string& node) {
    auto pool = std::make_shared<cluster::pg::PgPool>(postgres().conninfo(), 2);
    auto opened = cluster::ChatHistory::open(std::move(pool));
    EXPECT_TRUE(opened.ok());
    return std::make_unique<PgChatHistoryStore>(std::move(*opened), node, blocking_);
  }
  void SetUp() override { postgres().psql("DROP TABLE IF EXISTS netdisk.chat_history"); }

  boost::asio::thread_pool blocking_{2};
};

std::vector<std::string> texts_of(const std::vector<ChatRecord>& records) {
  std::vector<std::string> texts;
  for (const auto& record : records) texts.push_back(record.from + ": " + record.text);
  return texts;
}

TEST_F(PgChatHistoryAcrossNodes, EveryNodesMessagesAreServedByAnyNodeOldestFirst) {
  auto a = store("node-a");
  auto b = store("node-b");
  auto when = std::chrono::system_clock::now();
  std::vector<std::string> sent;
  for (int i = 1; i <= 5; ++i) {
    a->record("alice", "a" + std::to_string(i), when);
    sent.push_back("alice: a" + std::to_string(i));
  }
  ASSERT_TRUE(e2e::wait_until([&] {
    auto page = b->page(100, std::nullopt);
    return page.ok() && page->size() == 5;
  }));
  b->record("bob", "b1", when);
  sent.push_back("bob: b1");
  ASSERT_TRUE(e2e::wait_until([&] {
    auto page = a->page(100, std::nullopt);
    return page.ok() && page->size() == 6;
  }));
  auto page = a->page(100, std::nullopt);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(texts_of(*page), sent);
  // Kept to the microsecond (give or take one: the insert goes through a double).
  auto apart = page->front().when - when;
  EXPECT_LE(std::chrono::abs(std::chrono::duration_cast<std::chrono::microseconds>(apart)), 1us);
}

TEST_F(PgChatHistoryAcrossNodes, LimitAndCursorPageBackwardsAndThePageIsBounded) {
  auto a = store("node-a");
  auto when = std::chrono::system_clock::now();
  constexpr int kSent = static_cast<int>(kMaxChatHistoryPage) + 20;
  for (int i = 1; i <= kSent; ++i) a->record("alice", "m" + std::to_string(i), when);
  ASSERT_TRUE(e2e::wait_until([&] {
    auto page = a->page(3, std::nullopt);
    return page.ok() && !page->empty() && page->back().text == "m" + std::to_string(kSent);
  }));
  auto all = a->page(kMaxChatHistoryPage + 100, std::nullopt);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), kMaxChatHistoryPage);
  EXPECT_EQ(all->front().text, "m21");
  auto newest = a->page(2, std::nullopt);
  ASSERT_TRUE(newest.ok());
  auto older = a->page(2, newest->front().id);
  ASSERT_TRUE(older.ok());
  EXPECT_EQ(texts_of(*older), (std::vector<std::string>{"alice: m" + std::to_string(kSent - 3),
                                                        "alice: m" + std::to_string(kSent - 2)}));
  auto first = a->page(5, all->front().id - 19);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(texts_of(*first), std::vector<std::string>{"alice: m1"});
}

}  // namespace
}  // namespace netdisk::server

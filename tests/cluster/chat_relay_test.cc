// Chat across two in-process nodes sharing one scratch Redis (cluster mode): each node is a
// ChatRoom with its ChatRelay; members are recording stand-ins on an io_context's thread.
#include "server/cluster/chat_relay.h"

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <nlohmann/json.hpp>

#include "tests/cluster/scratch_services.h"
#include "tests/e2e/wait_until.h"

namespace netdisk::server {
namespace {

// Keeps the text of each chat.message it is handed, in order.
class RecordingMember final : public ChatMember {
 public:
  RecordingMember(std::string name, boost::asio::any_io_executor executor)
      : name_(std::move(name)), executor_(std::move(executor)) {}
  const std::string& chat_name() const override { return name_; }
  boost::asio::any_io_executor chat_executor() const override { return executor_; }
  bool chat_deliver(const SharedFrame& frame) override {
    auto event = nlohmann::json::parse(frame->substr(4));
    if (event.value("event", "") != "chat.message") return true;
    std::lock_guard lock(mutex_);
    texts_.push_back(event["from"].get<std::string>() + ": " + event["text"].get<std::string>());
    return true;
  }
  void chat_dropped(const SharedFrame&) override {}
  std::vector<std::string> texts() {
    std::lock_guard lock(mutex_);
    return texts_;
  }

 private:
  std::string name_;
  boost::asio::any_io_executor executor_;
  std::mutex mutex_;
  std::vector<std::string> texts_;
};

// One node: its room, its relay, its blocking pool.
struct Node {
  Node(const std::string& redis, const std::string& name)
      : relay(room, redis, name, pool) {}
  boost::asio::thread_pool pool{2};
  ChatRoom room;
  ChatRelay relay;
};

class ChatAcrossNodes : public ::testing::Test {
 protected:
  void SetUp() override {
    io_thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    work_.reset();
    io_thread_.join();
  }
  auto executor() { return io_.get_executor(); }

  cluster_test::ScratchRedis redis_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_);
  std::thread io_thread_;
};

TEST_F(ChatAcrossNodes, OneSendersMessagesReachMembersOnTheOtherNodeInOrder) {
  constexpr int kMessages = 200;
  Node a(redis_.address(), "node-a");
  Node b(redis_.address(), "node-b");
  ASSERT_TRUE(a.relay.wait_subscribed(std::chrono::seconds(20)));
  ASSERT_TRUE(b.relay.wait_subscribed(std::chrono::seconds(20)));
  auto sender = std::make_shared<RecordingMember>("alice", executor());
  auto local = std::make_shared<RecordingMember>("carol", executor());
  auto remote = std::make_shared<RecordingMember>("bob", executor());
  a.room.join(sender);
  a.room.join(local);
  b.room.join(remote);

  std::vector<std::string> sent;
  for (int i = 0; i < kMessages; ++i) {
    std::string text = "message " + std::to_string(i);
    ASSERT_TRUE(a.room.broadcast(*sender, text).ok());
    sent.push_back("alice: " + text);
  }
  ASSERT_TRUE(e2e::wait_until([&] { return remote->texts().size() >= sent.size(); }));
  ASSERT_TRUE(e2e::wait_until([&] { return local->texts().size() >= sent.size(); }));
  EXPECT_EQ(remote->texts(), sent);  // every message, once, in the order sent
  EXPECT_EQ(local->texts(), sent);   // this node's own members: once each, no echo
  EXPECT_TRUE(sender->texts().empty());
  EXPECT_EQ(b.relay.relayed_in(), static_cast<std::uint64_t>(kMessages));
  EXPECT_EQ(a.relay.relayed_in(), 0u);  // node A skipped its own echo
}

TEST_F(ChatAcrossNodes, MessagesFromBothNodesReachEveryMemberEachSendersInOrder) {
  constexpr int kMessages = 50;
  Node a(redis_.address(), "node-a");
  Node b(redis_.address(), "node-b");
  ASSERT_TRUE(a.relay.wait_subscribed(std::chrono::seconds(20)));
  ASSERT_TRUE(b.relay.wait_subscribed(std::chrono::seconds(20)));
  auto alice = std::make_shared<RecordingMember>("alice", executor());
  auto bob = std::make_shared<RecordingMember>("bob", executor());
  auto watcher = std::make_shared<RecordingMember>("watcher", executor());
  a.room.join(alice);
  b.room.join(bob);
  b.room.join(watcher);
  for (int i = 0; i < kMessages; ++i) {
    ASSERT_TRUE(a.room.broadcast(*alice, "a" + std::to_string(i)).ok());
    ASSERT_TRUE(b.room.broadcast(*bob, "b" + std::to_string(i)).ok());
  }
  ASSERT_TRUE(e2e::wait_until([&] { return watcher->texts().size() >= 2u * kMessages; }));
  std::vector<std::string> from_alice;
  std::vector<std::string> from_bob;
  for (const auto& text : watcher->texts()) {
    (text.starts_with("alice: ") ? from_alice : from_bob).push_back(text);
  }
  ASSERT_EQ(from_alice.size(), static_cast<std::size_t>(kMessages));
  ASSERT_EQ(from_bob.size(), static_cast<std::size_t>(kMessages));
  for (int i = 0; i < kMessages; ++i) {
    EXPECT_EQ(from_alice[static_cast<std::size_t>(i)], "alice: a" + std::to_string(i));
    EXPECT_EQ(from_bob[static_cast<std::size_t>(i)], "bob: b" + std::to_string(i));
  }
  ASSERT_TRUE(e2e::wait_until([&] { return bob->texts().size() >= kMessages; }));
  ASSERT_TRUE(e2e::wait_until([&] { return alice->texts().size() >= kMessages; }));
  EXPECT_EQ(alice->texts().size(), static_cast<std::size_t>(kMessages));  // bob's, not her own
}

TEST_F(ChatAcrossNodes, WhatANodeWouldNotPublishIsIgnoredAndTheNextMessageStillArrives) {
  Node b(redis_.address(), "node-b");
  ASSERT_TRUE(b.relay.wait_subscribed(std::chrono::seconds(20)));
  auto member = std::make_shared<RecordingMember>("bob", executor());
  b.room.join(member);
  cluster::RedisClient redis(redis_.address(), std::chrono::seconds(2));
  for (std::string payload :
       {std::string("not json"), std::string(R"({"from": "x"})"),
        std::string(R"({"from": "x", "text": 7, "node": "n"})"),
        std::string(R"({"from": "x", "text": "\u001b[2Jwiped", "node": "n"})"),
        std::string(R"({"from": "eve", "text": "hello", "node": "n"})")}) {
    ASSERT_TRUE(redis.command({"PUBLISH", std::string(kChatChannel), payload}).ok());
  }
  ASSERT_TRUE(e2e::wait_until([&] { return b.relay.relayed_in() >= 2u; }));
  ASSERT_TRUE(e2e::wait_until([&] { return !member->texts().empty(); }));
  EXPECT_EQ(member->texts(), std::vector<std::string>{"eve: hello"});
}

TEST_F(ChatAcrossNodes, AnUnreachableRedisLeavesLocalChatWorkingAndNeverBlocksTheSender) {
  ChatRoom room;
  boost::asio::thread_pool pool(1);
  ChatRelay relay(room, "unix:" + (redis_.socket().parent_path() / "no-such.sock").string(),
                  "node-a", pool);
  auto sender = std::make_shared<RecordingMember>("alice", executor());
  auto local = std::make_shared<RecordingMember>("carol", executor());
  room.join(sender);
  room.join(local);
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(room.broadcast(*sender, "hello").ok());
  // broadcast() only queues for Redis: twenty sends return at once.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(500));
  ASSERT_TRUE(e2e::wait_until([&] { return local->texts().size() >= 20u; }));
  EXPECT_EQ(relay.published(), 0u);
}

}  // namespace
}  // namespace netdisk::server

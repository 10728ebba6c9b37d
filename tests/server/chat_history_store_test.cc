// MemoryChatHistory (the one-server chat history behind chat.history) and ChatRoom's use of
// it: order, limit, cursor, the bound on what is kept, and no private message in it.
#include "server/chat/chat_history_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include <boost/asio/thread_pool.hpp>

#include "server/chat/chat_room.h"

namespace netdisk::server {
namespace {

std::vector<std::string> texts_of(const std::vector<ChatRecord>& records) {
  std::vector<std::string> texts;
  for (const auto& record : records) texts.push_back(record.from + ": " + record.text);
  return texts;
}

void record_numbered(ChatHistoryStore& store, int count) {
  auto when = std::chrono::system_clock::now();
  for (int i = 1; i <= count; ++i) store.record("alice", "m" + std::to_string(i), when);
}

TEST(MemoryChatHistory, APageIsTheLatestMessagesOldestFirst) {
  MemoryChatHistory store;
  record_numbered(store, 5);
  auto page = store.page(3, std::nullopt);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(texts_of(*page), (std::vector<std::string>{"alice: m3", "alice: m4", "alice: m5"}));
  ASSERT_EQ(page->size(), 3u);
  EXPECT_LT((*page)[0].id, (*page)[1].id);
  EXPECT_LT((*page)[1].id, (*page)[2].id);
}

TEST(MemoryChatHistory, TheBeforeCursorPagesBackwardsWithoutGapOrRepeat) {
  MemoryChatHistory store;
  record_numbered(store, 7);
  auto newest = store.page(3, std::nullopt);
  ASSERT_TRUE(newest.ok());
  auto older = store.page(3, newest->front().id);
  ASSERT_TRUE(older.ok());
  EXPECT_EQ(texts_of(*older), (std::vector<std::string>{"alice: m2", "alice: m3", "alice: m4"}));
  auto oldest = store.page(3, older->front().id);
  ASSERT_TRUE(oldest.ok());
  EXPECT_EQ(texts_of(*oldest), std::vector<std::string>{"alice: m1"});
  auto none = store.page(3, oldest->front().id);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(MemoryChatHistory, KeepsOnlyTheLatestCapacityMessages) {
  MemoryChatHistory store(4);
  record_numbered(store, 10);
  auto page = store.page(100, std::nullopt);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(texts_of(*page),
            (std::vector<std::string>{"alice: m7", "alice: m8", "alice: m9", "alice: m10"}));
}

TEST(MemoryChatHistory, APageNeverExceedsTheProtocolsBound) {
  MemoryChatHistory store(kMaxChatHistoryPage + 100);
  record_numbered(store, static_cast<int>(kMaxChatHistoryPage) + 50);
  auto page = store.page(kMaxChatHistoryPage + 50, std::nullopt);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->size(), kMaxChatHistoryPage);
  EXPECT_EQ(page->back().text, "m" + std::to_string(kMaxChatHistoryPage + 50));
}

class SilentMember final : public ChatMember {
 public:
  SilentMember(std::string name, boost::asio::any_io_executor executor)
      : name_(std::move(name)), executor_(std::move(executor)) {}
  const std::string& chat_name() const override { return name_; }
  boost::asio::any_io_executor chat_executor() const override { return executor_; }
  bool chat_deliver(const SharedFrame&) override { return true; }
  void chat_dropped(const SharedFrame&) override {}

 private:
  std::string name_;
  boost::asio::any_io_executor executor_;
};

TEST(MemoryChatHistory, TheRoomKeepsAcceptedPublicMessagesButNoPrivateOrRefusedOne) {
  boost::asio::thread_pool workers(1);
  auto history = std::make_shared<MemoryChatHistory>();
  ChatRoom room;
  room.set_history(history);
  auto alice = std::make_shared<SilentMember>("alice", workers.get_executor());
  auto bob = std::make_shared<SilentMember>("bob", workers.get_executor());
  room.join(alice);
  room.join(bob);
  ASSERT_TRUE(room.broadcast(*alice, "hello all").ok());
  ASSERT_TRUE(room.send_private(*alice, "bob", "a secret").ok());
  ASSERT_FALSE(room.broadcast(*bob, "").ok());
  ASSERT_TRUE(room.broadcast(*bob, "hi alice").ok());
  workers.join();
  auto page = history->page(10, std::nullopt);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(texts_of(*page), (std::vector<std::string>{"alice: hello all", "bob: hi alice"}));
}

}  // namespace
}  // namespace netdisk::server

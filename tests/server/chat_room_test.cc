// ChatRoom used directly from several threads, as the I/O workers use it, without a server.
#include "server/chat/chat_room.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/thread_pool.hpp>

namespace netdisk::server {
namespace {

class CountingMember final : public ChatMember {
 public:
  CountingMember(std::string name, boost::asio::any_io_executor executor)
      : name_(std::move(name)), executor_(std::move(executor)) {}

  const std::string& chat_name() const override { return name_; }
  boost::asio::any_io_executor chat_executor() const override { return executor_; }
  bool chat_deliver(const SharedFrame&) override {
    delivered.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  void chat_dropped(const SharedFrame&) override {}

  std::atomic<int> delivered{0};

 private:
  std::string name_;
  boost::asio::any_io_executor executor_;
};

// Guards who() and contains() holding the snapshot they iterate: when they looped over
// `snapshot()->groups`, the temporary pointer was released before the loop ran, so a leave()
// on another thread could free the member list being read (a use-after-free that ASan and
// ThreadSanitizer report here, and that first showed in Chat.TwoHundredMembersAllReceiveABroadcast).
TEST(ChatRoom, WhoAndContainsStayValidWhileMembersJoinAndLeaveOnAnotherThread) {
  constexpr int kRounds = 3000;
  boost::asio::thread_pool workers(2);
  ChatRoom room;
  auto resident = std::make_shared<CountingMember>("resident", workers.get_executor());
  room.join(resident);

  std::atomic<bool> churn_done{false};
  std::thread churn([&] {
    for (int i = 0; i < kRounds; ++i) {
      auto visitor =
          std::make_shared<CountingMember>("visitor" + std::to_string(i % 8), workers.get_executor());
      room.join(visitor);
      room.leave(*visitor);
    }
    churn_done = true;
  });

  int reads = 0;
  while (!churn_done) {
    auto names = room.who();
    ASSERT_TRUE(std::find(names.begin(), names.end(), "resident") != names.end());
    ASSERT_LE(names.size(), 2u);
    ASSERT_TRUE(room.contains(*resident));
    ++reads;
  }
  churn.join();
  workers.join();  // every fan-out task has run

  EXPECT_GT(reads, 0);
  EXPECT_EQ(room.who(), std::vector<std::string>{"resident"});
  // Each round announced one chat.joined and one chat.left to the resident.
  EXPECT_EQ(resident->delivered.load(), 2 * kRounds);
}

}  // namespace
}  // namespace netdisk::server

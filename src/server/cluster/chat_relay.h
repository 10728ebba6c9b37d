// ChatRelay: the chat across the nodes of a cluster (cluster mode). ChatRoom::broadcast()
// delivers a message to this node's members at once and hands it here; it is published on
// Redis channel netdisk:chat (JSON: room, from, text, time, node); the history is kept by
// the room's ChatHistoryStore (server/chat/chat_history_store.h), not here. Every node's subscriber (a thread of its own)
// hands what other nodes published to its own ChatRoom and skips its own echo. Publishing
// runs on the blocking pool through one strand, so one node's messages reach Redis, and so
// every other node, in the order they were sent. Owned by Services; thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include "cluster/redis/redis_connection.h"
#include "cluster/redis/redis_subscriber.h"
#include "server/chat/chat_room.h"

namespace netdisk::server {

inline constexpr std::string_view kChatChannel = "netdisk:chat";

class ChatRelay {
 public:
  // Sets itself as `room`'s relay. `node_name` tells this node's messages from the others'.
  ChatRelay(ChatRoom& room, std::string redis_address, std::string node_name,
            boost::asio::thread_pool& blocking_pool);
  ~ChatRelay();
  ChatRelay(const ChatRelay&) = delete;
  ChatRelay& operator=(const ChatRelay&) = delete;

  // Queues one message for the other nodes; never blocks. Past kMaxQueued messages waiting
  // (Redis unreachable) new ones are dropped for the other nodes, with a warning.
  void publish(const std::string& from, std::string_view text);
  bool wait_subscribed(std::chrono::milliseconds timeout) {
    return subscriber_->wait_subscribed(timeout);
  }
  std::uint64_t published() const noexcept { return published_.load(); }
  std::uint64_t relayed_in() const noexcept { return relayed_in_.load(); }

  static constexpr std::size_t kMaxQueued = 1024;

 private:
  void send(const std::string& payload, const std::string& from);
  void on_message(const std::string& payload);

  ChatRoom& room_;
  const std::string node_name_;
  cluster::RedisClient redis_;
  boost::asio::strand<boost::asio::thread_pool::executor_type> strand_;
  std::mutex mutex_;
  std::condition_variable drained_;
  std::size_t queued_ = 0;
  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::uint64_t> relayed_in_{0};
  std::unique_ptr<cluster::RedisSubscriber> subscriber_;  // last: stopped first
};

}  // namespace netdisk::server

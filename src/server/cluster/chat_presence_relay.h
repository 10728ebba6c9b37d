// ChatPresenceRelay: who is in the chat across the nodes of a cluster (cluster mode). Each
// node keeps its members' names in a Redis set, netdisk:chat:members:<node>, that expires
// unless renewed: a thread of its own rewrites it at every local join and leave and at least
// every `renew_every`, with an expiry of `expire_after`, so the members of a node that dies
// (kill -9, power) vanish from every node's chat.who within `expire_after`. The node's name is
// kept in the set netdisk:chat:nodes. Joins and leaves are also published on Redis channel
// netdisk:chat:presence (JSON: event "joined" or "left", user, node); every other node's
// subscriber hands them to its ChatRoom, which tells its members (chat.joined, chat.left).
// members() blocks on Redis: blocking pool only. Owned by Services; thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cluster/redis/redis_connection.h"
#include "cluster/redis/redis_subscriber.h"
#include "server/chat/chat_presence.h"
#include "server/chat/chat_room.h"

namespace netdisk::server {

inline constexpr std::string_view kChatPresenceChannel = "netdisk:chat:presence";

struct ChatPresenceTiming {
  // A node renews its members' set this often; the set expires after `expire_after` without a
  // renewal. Three renewals per expiry: a Redis stall of one period loses nobody.
  std::chrono::milliseconds renew_every{2000};
  std::chrono::milliseconds expire_after{6000};
};

class ChatPresenceRelay final : public ChatPresence {
 public:
  // Sets itself as `room`'s presence hook; `node_name` must be unique in the cluster.
  ChatPresenceRelay(ChatRoom& room, std::string redis_address, std::string node_name,
                    ChatPresenceTiming timing = {});
  ~ChatPresenceRelay() override;
  ChatPresenceRelay(const ChatPresenceRelay&) = delete;
  ChatPresenceRelay& operator=(const ChatPresenceRelay&) = delete;

  // This node's members and every other node's (as last renewed), sorted, once each. When
  // Redis cannot be read: this node's members, and a warning.
  std::vector<std::string> members() override;
  bool blocks() const override { return true; }
  bool wait_subscribed(std::chrono::milliseconds timeout) {
    return subscriber_->wait_subscribed(timeout);
  }
  // Stops renewing and publishing, and leaves this node's set in Redis to expire: what the
  // other nodes see when this node dies. For tests; the destructor does it too, then deletes
  // the set (a node that stops cleanly takes its members out at once).
  void abandon();

  static constexpr std::size_t kMaxPending = 4096;  // joins and leaves waiting to be published

 private:
  void on_local(const std::string& user, bool joined);
  void run();
  void renew();
  void publish(const std::string& user, bool joined);
  void on_message(const std::string& payload);
  std::string members_key(std::string_view node) const;

  ChatRoom& room_;
  const std::string node_name_;
  const ChatPresenceTiming timing_;
  cluster::RedisClient writer_;  // the renewing thread's
  cluster::RedisClient reader_;  // members(), on the blocking pool
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::pair<std::string, bool>> pending_;
  bool stopping_ = false;
  bool abandoned_ = false;
  std::thread thread_;
  std::unique_ptr<cluster::RedisSubscriber> subscriber_;
};

}  // namespace netdisk::server

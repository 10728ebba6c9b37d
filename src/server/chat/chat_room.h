// ChatRoom: the one group chat of a server. Membership is an immutable snapshot, replaced on
// join and leave (rare), so sending a message holds a lock only for the copy of one pointer:
// the sender takes the snapshot and posts one task per I/O worker, which hands the same shared
// frame to each of its members. Messages from one sender reach every receiver in the order sent, because posts
// to one worker run in order. A member whose queue overflows is dropped and told why.
// Thread-safe; owned by Services.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/result.h"
#include "server/chat/chat_history_store.h"
#include "server/chat/chat_member.h"

namespace netdisk::server {

// The longest chat message, in bytes of UTF-8.
inline constexpr std::size_t kMaxChatMessageBytes = 4096;

class ChatRoom {
 public:
  ChatRoom() = default;
  ChatRoom(const ChatRoom&) = delete;
  ChatRoom& operator=(const ChatRoom&) = delete;

  // Adds a member (a second join of the same member is ignored) and announces it to the
  // others with chat.joined. Returns who is in the room now.
  std::vector<std::string> join(const std::shared_ptr<ChatMember>& member);
  // Removes a member and announces chat.left. Safe to call for a non-member.
  void leave(const ChatMember& member);

  // Sends chat.message to every member except `sender` itself (the user's other connections
  // do receive it). Errors: message_too_large, bad_request (empty or control characters).
  Status broadcast(const ChatMember& sender, std::string_view text);
  // Cluster mode: what broadcast() also hands each message to, after the local fan-out
  // (server/chat/chat_relay.h publishes it to the other nodes). Set once, before the first
  // member joins; never called with a refused message.
  using Relay = std::function<void(const std::string& from, std::string_view text)>;
  void set_relay(Relay relay) { relay_ = std::move(relay); }
  // A message another node's member sent (cluster mode): chat.message to every member here.
  // Errors as broadcast() (a message is checked again: it crossed the network).
  Status deliver_relayed(std::string_view from, std::string_view text);

  // Where broadcast() keeps each accepted public message for chat.history (never private
  // ones). Set once, before the first member joins.
  void set_history(std::shared_ptr<ChatHistoryStore> history) { history_ = std::move(history); }
  // Cluster mode: told of every local join (true) and leave (false) after the room changed,
  // on the caller's thread; it must not block (ChatPresenceRelay queues it). Set once, before
  // the first member joins.
  using PresenceHook = std::function<void(const std::string& user, bool joined)>;
  void set_presence_hook(PresenceHook hook) { presence_hook_ = std::move(hook); }
  // A member joined or left on another node (cluster mode): chat.joined or chat.left to every
  // member here. Errors: bad_request for a name that is empty, too long or has control
  // characters (it crossed the network).
  Status deliver_presence(std::string_view user, bool joined);

  // Sends chat.private to every connection of user `to` in the room. Errors as for
  // broadcast, and not_found when `to` is not in the room.
  Status send_private(const ChatMember& sender, std::string_view to, std::string_view text);

  // The distinct names in the room, sorted.
  std::vector<std::string> who() const;
  bool contains(const ChatMember& member) const;

 private:
  // Members grouped by executor, so one post reaches all members of one I/O worker.
  struct Group {
    boost::asio::any_io_executor executor;
    std::vector<std::shared_ptr<ChatMember>> members;
  };
  struct Snapshot {
    std::vector<Group> groups;
  };
  using SnapshotPtr = std::shared_ptr<const Snapshot>;

  SnapshotPtr snapshot() const {
    std::lock_guard lock(snapshot_mutex_);
    return members_;
  }
  // Replaces the snapshot with one edited by `edit`, under the (cold-path) writer mutex.
  template <typename Edit>
  void update(Edit edit);
  // Hands `frame` to every member of `snapshot` that `wanted` accepts.
  template <typename Filter>
  void fan_out(const SnapshotPtr& snapshot, const SharedFrame& frame, Filter wanted);
  void drop(const std::shared_ptr<ChatMember>& member);

  // Guards only the pointer, never held while copying a snapshot. Not std::atomic<shared_ptr>:
  // libstdc++ 12's load() releases its internal lock with relaxed ordering, so a reader's
  // access is not ordered before the next store's, which ThreadSanitizer rightly reports
  // (Chat.TwoHundredMembersAllReceiveABroadcast under scripts/test-sanitizers.sh tsan); it
  // is no faster than this uncontended mutex either.
  mutable std::mutex snapshot_mutex_;
  SnapshotPtr members_ = std::make_shared<const Snapshot>();
  std::mutex writers_;  // serialises updates
  Relay relay_;
  std::shared_ptr<ChatHistoryStore> history_;
  PresenceHook presence_hook_;
};

}  // namespace netdisk::server

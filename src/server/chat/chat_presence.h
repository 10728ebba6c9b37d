// ChatPresence: who is in the chat, for chat.join's and chat.who's `members`. On one server
// that is the room itself (LocalChatPresence, below); in cluster mode every node's members
// (ChatPresenceRelay, server/cluster/chat_presence_relay.h, through Redis). members() may
// block: the ops call it on the blocking pool. Owned by Services; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "server/chat/chat_room.h"

namespace netdisk::server {

class ChatPresence {
 public:
  virtual ~ChatPresence() = default;
  // The distinct names in the chat, sorted: a user connected twice (two connections, or two
  // nodes) is listed once. Never fails: when the shared view cannot be read, this node's own
  // members are the answer (and the failure is logged).
  virtual std::vector<std::string> members() = 0;
  // Whether members() blocks (on the network): then it is called on the blocking pool. The
  // local one answers inline, so a join's reply precedes every event of the room, as always.
  virtual bool blocks() const = 0;
};

class LocalChatPresence final : public ChatPresence {
 public:
  explicit LocalChatPresence(const ChatRoom& room) : room_(room) {}
  std::vector<std::string> members() override { return room_.who(); }
  bool blocks() const override { return false; }

 private:
  const ChatRoom& room_;
};

}  // namespace netdisk::server

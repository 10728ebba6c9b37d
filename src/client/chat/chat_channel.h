// ChatChannel: the wire side of `netdisk chat`. It owns a connection of its own (joining the
// room shrinks a connection's send buffer, and leaving ends with the connection, so chat
// never borrows the connection of other commands), sends what the user asked for without
// waiting (replies come back in order and are matched by id), and turns replies and events
// into lines on a ChatConsole. Main thread: the chat loop polls fd() and calls receive().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "client/chat/chat_console.h"
#include "client/server_link.h"

namespace netdisk::client {

class ChatChannel {
 public:
  // `link` must be logged in.
  explicit ChatChannel(std::unique_ptr<ServerLink> link);

  // Joins, then asks for the last kJoinHistory public messages, shown as history.
  void join();
  static constexpr std::size_t kJoinHistory = 20;
  void say(const std::string& text);
  void tell(const std::string& to, const std::string& text);
  void who();
  // Sends a ping when nothing was sent for kKeepAliveEvery: the server closes a connection
  // that is silent both ways for --idle-timeout (default 300 s), which a member of a quiet
  // room otherwise is. Call it from the loop at least once a second.
  void keep_alive();
  static constexpr std::chrono::seconds kKeepAliveEvery{10};
  // Sends chat.leave; finished() turns true when the server has answered, so every message
  // sent before it has been accepted (or refused, and the error shown) by then.
  void leave();

  // Reads what the server sent and shows it on `console`: events as lines, refused requests
  // as errors. Throws ServerError when the room refuses the join, std::runtime_error when
  // the connection ends before leave() is answered.
  void receive(ChatConsole& console);

  bool finished() const noexcept { return state_ == State::left || state_ == State::dropped; }
  // True when the server removed this member (chat.dropped: it read too slowly).
  bool dropped() const noexcept { return state_ == State::dropped; }
  // Requests sent and not answered yet.
  std::size_t pending() const noexcept { return pending_.size(); }
  int fd() const noexcept { return link_->connection().fd(); }
  const std::string& username() const noexcept;

 private:
  enum class State { outside, in_room, leaving, left, dropped };
  enum class Op { join, history, say, tell, who, leave, ping };

  void send(Op op, const char* name, nlohmann::json fields = nlohmann::json::object());
  void on_reply(const protocol::Reply& reply, ChatConsole& console);
  void on_event(const protocol::Reply& event, ChatConsole& console);

  std::unique_ptr<ServerLink> link_;
  State state_ = State::outside;
  std::map<std::uint64_t, Op> pending_;
  std::chrono::steady_clock::time_point last_sent_ = std::chrono::steady_clock::now();
};

}  // namespace netdisk::client

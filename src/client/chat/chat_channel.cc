#include "client/chat/chat_channel.h"

#include <stdexcept>

#include "client/chat/chat_format.h"

namespace netdisk::client {
namespace {

// The same one-line form as every other client error: "netdisk: MESSAGE (CODE)".
std::string error_line(const protocol::Reply& reply) {
  return "netdisk: " + printable(reply.error->message) + " (" + reply.error_code_name + ")";
}

}  // namespace

ChatChannel::ChatChannel(std::unique_ptr<ServerLink> link) : link_(std::move(link)) {}

const std::string& ChatChannel::username() const noexcept {
  static const std::string unknown = "?";
  return link_->username() ? *link_->username() : unknown;
}

void ChatChannel::send(Op op, const char* name, nlohmann::json fields) {
  pending_.emplace(link_->connection().send(name, std::move(fields)), op);
  last_sent_ = std::chrono::steady_clock::now();
}

void ChatChannel::keep_alive() {
  if (state_ != State::in_room) return;
  if (std::chrono::steady_clock::now() - last_sent_ >= kKeepAliveEvery) send(Op::ping, "ping");
}

void ChatChannel::join() {
  send(Op::join, "chat.join");
  send(Op::history, "chat.history", {{"limit", kJoinHistory}});
  state_ = State::in_room;  // requests that follow are handled after the join, in order
}

void ChatChannel::say(const std::string& text) { send(Op::say, "chat.send", {{"text", text}}); }

void ChatChannel::tell(const std::string& to, const std::string& text) {
  send(Op::tell, "chat.private", {{"to", to}, {"text", text}});
}

void ChatChannel::who() { send(Op::who, "chat.who"); }

void ChatChannel::leave() {
  if (state_ != State::in_room) return;
  send(Op::leave, "chat.leave");
  state_ = State::leaving;
}

void ChatChannel::receive(ChatConsole& console) {
  auto& connection = link_->connection();
  bool open = connection.read_available();
  while (!finished()) {
    auto frame = connection.buffered_reply();
    if (!frame) break;
    if (frame->event) {
      on_event(*frame, console);
    } else {
      on_reply(*frame, console);
    }
  }
  if (!open && !finished()) throw std::runtime_error("the server closed the connection");
}

void ChatChannel::on_reply(const protocol::Reply& reply, ChatConsole& console) {
  auto found = pending_.find(reply.id);
  if (found == pending_.end()) {  // id 0: an error that belongs to no request
    if (!reply.ok) console.error(error_line(reply));
    return;
  }
  Op op = found->second;
  pending_.erase(found);
  if (!reply.ok) {
    if (op == Op::join) throw ServerError(reply.error_code_name, reply.error->message);
    if (op == Op::leave) {
      state_ = State::left;
      return;
    }
    console.error(error_line(reply));
    return;
  }
  if (op == Op::join || op == Op::who) {
    console.show(format_members(reply.body.value("members", nlohmann::json::array())));
  }
  if (op == Op::history) {
    auto messages = reply.body.value("messages", nlohmann::json::array());
    if (!messages.is_array()) return;
    for (const auto& message : messages) console.show(format_history_message(message));
  }
  if (op == Op::leave) state_ = State::left;
}

void ChatChannel::on_event(const protocol::Reply& event, ChatConsole& console) {
  auto line = format_chat_event(event);
  if (line) console.show(*line);
  if (event.event == "chat.dropped") state_ = State::dropped;
}

}  // namespace netdisk::client

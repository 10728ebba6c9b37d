#include "server/ops/chat_ops.h"

#include "protocol/fields.h"
#include "server/ops/session.h"
#include "server/services.h"

namespace netdisk::server::ops {
namespace {

Error not_in_room() { return make_error(Errc::bad_request, "join the chat first (chat.join)"); }

}  // namespace

boost::asio::awaitable<OpResult> chat_join(OpCall& call) {
  OpReply reply;
  // Tells the transport, which bounds what a chat member may pin (TCP: its send buffer).
  reply.joined_chat = true;
  reply.fields = {{"members", call.session.join_chat()}};
  co_return reply;
}

boost::asio::awaitable<OpResult> chat_send(OpCall& call) {
  auto text = protocol::string_field(call.body, "text");
  if (!text) co_return std::move(text).error();
  auto member = call.session.chat_member();
  if (!call.session.in_chat() || !member) co_return not_in_room();
  auto sent = call.server.chat.broadcast(*member, *text);
  if (!sent.ok()) co_return std::move(sent).error();
  co_return reply_with(nlohmann::json::object());
}

boost::asio::awaitable<OpResult> chat_private(OpCall& call) {
  auto to = protocol::string_field(call.body, "to");
  if (!to) co_return std::move(to).error();
  auto text = protocol::string_field(call.body, "text");
  if (!text) co_return std::move(text).error();
  auto member = call.session.chat_member();
  if (!call.session.in_chat() || !member) co_return not_in_room();
  auto sent = call.server.chat.send_private(*member, *to, *text);
  if (!sent.ok()) co_return std::move(sent).error();
  co_return reply_with(nlohmann::json::object());
}

boost::asio::awaitable<OpResult> chat_who(OpCall& call) {
  co_return reply_with({{"members", call.server.chat.who()}});
}

boost::asio::awaitable<OpResult> chat_leave(OpCall& call) {
  call.session.leave_chat();
  co_return reply_with(nlohmann::json::object());
}

}  // namespace netdisk::server::ops

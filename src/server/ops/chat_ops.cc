#include "server/ops/chat_ops.h"

#include "protocol/fields.h"
#include "server/blocking.h"
#include "server/ops/session.h"
#include "server/services.h"

namespace netdisk::server::ops {
namespace {

Error not_in_room() { return make_error(Errc::bad_request, "join the chat first (chat.join)"); }

// Every member of the chat (cluster mode: on every node), read on the blocking pool.
boost::asio::awaitable<std::vector<std::string>> members_of(Services& server) {
  ChatPresence* presence = server.chat_presence.get();
  if (!presence->blocks()) co_return presence->members();
  auto names = co_await run_blocking(server.blocking_pool, [presence] { return presence->members(); });
  co_return names;
}

}  // namespace

boost::asio::awaitable<OpResult> chat_join(OpCall& call) {
  OpReply reply;
  // Tells the transport, which bounds what a chat member may pin (TCP: its send buffer).
  reply.joined_chat = true;
  call.session.join_chat();
  auto members = co_await members_of(call.server);
  reply.fields = {{"members", std::move(members)}};
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
  auto members = co_await members_of(call.server);
  co_return reply_with({{"members", std::move(members)}});
}

boost::asio::awaitable<OpResult> chat_leave(OpCall& call) {
  call.session.leave_chat();
  co_return reply_with(nlohmann::json::object());
}

}  // namespace netdisk::server::ops

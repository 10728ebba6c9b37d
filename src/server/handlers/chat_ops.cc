#include "server/handlers/chat_ops.h"

#include "protocol/fields.h"
#include "server/connection.h"
#include "server/server_context.h"

namespace netdisk::server::handlers {
namespace {

Error not_in_room() { return make_error(Errc::bad_request, "join the chat first (chat.join)"); }

}  // namespace

boost::asio::awaitable<HandlerResult> chat_join(RequestContext& context) {
  auto& connection = context.connection;
  // A member that stops reading may pin only so much memory: its Outbox queue is bounded by
  // --chat-queue-bytes, and so is its kernel send buffer (which loopback autotuning would
  // otherwise let grow to megabytes). Bulk transfers belong on another connection.
  boost::system::error_code ignored;
  connection.socket().set_option(boost::asio::socket_base::send_buffer_size(static_cast<int>(
                                     connection.server().config.chat_queue_bytes)),
                                 ignored);
  connection.set_in_chat(true);
  auto members = connection.server().chat.join(connection.shared_from_this());
  co_return reply_with({{"members", members}});
}

boost::asio::awaitable<HandlerResult> chat_send(RequestContext& context) {
  auto& connection = context.connection;
  auto text = protocol::string_field(context.request.body, "text");
  if (!text) co_return std::move(text).error();
  if (!connection.in_chat()) co_return not_in_room();
  auto sent = connection.server().chat.broadcast(connection, *text);
  if (!sent.ok()) co_return std::move(sent).error();
  co_return reply_with(nlohmann::json::object());
}

boost::asio::awaitable<HandlerResult> chat_private(RequestContext& context) {
  auto& connection = context.connection;
  auto to = protocol::string_field(context.request.body, "to");
  if (!to) co_return std::move(to).error();
  auto text = protocol::string_field(context.request.body, "text");
  if (!text) co_return std::move(text).error();
  if (!connection.in_chat()) co_return not_in_room();
  auto sent = connection.server().chat.send_private(connection, *to, *text);
  if (!sent.ok()) co_return std::move(sent).error();
  co_return reply_with(nlohmann::json::object());
}

boost::asio::awaitable<HandlerResult> chat_who(RequestContext& context) {
  co_return reply_with({{"members", context.connection.server().chat.who()}});
}

boost::asio::awaitable<HandlerResult> chat_leave(RequestContext& context) {
  auto& connection = context.connection;
  if (connection.in_chat()) {
    connection.server().chat.leave(connection);
    connection.set_in_chat(false);
  }
  co_return reply_with(nlohmann::json::object());
}

}  // namespace netdisk::server::handlers

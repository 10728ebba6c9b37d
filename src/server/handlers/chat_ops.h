// Chat ops (docs/PROTOCOL.md, section 9): join and leave the room, send to everyone or to one
// user, list who is there. The fan-out is ChatRoom's; these adapt it to the wire.
#pragma once

#include "server/op_table.h"

namespace netdisk::server::handlers {

boost::asio::awaitable<HandlerResult> chat_join(RequestContext& context);
boost::asio::awaitable<HandlerResult> chat_send(RequestContext& context);
boost::asio::awaitable<HandlerResult> chat_private(RequestContext& context);
boost::asio::awaitable<HandlerResult> chat_who(RequestContext& context);
boost::asio::awaitable<HandlerResult> chat_leave(RequestContext& context);

}  // namespace netdisk::server::handlers

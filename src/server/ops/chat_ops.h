// Chat ops (docs/PROTOCOL.md, section 9): join and leave the room, send to everyone or to one
// user, list who is there. The fan-out is ChatRoom's and delivery the transport's chat member
// (Session::attach_chat_member); these adapt it to the reply.
#pragma once

#include "server/ops/operation.h"

namespace netdisk::server::ops {

boost::asio::awaitable<OpResult> chat_join(OpCall& call);
boost::asio::awaitable<OpResult> chat_send(OpCall& call);
boost::asio::awaitable<OpResult> chat_private(OpCall& call);
boost::asio::awaitable<OpResult> chat_who(OpCall& call);
boost::asio::awaitable<OpResult> chat_leave(OpCall& call);

}  // namespace netdisk::server::ops

// GET /ws/chat: the chat room (server/chat/chat_room.h) over a WebSocket. The upgraded
// connection becomes a ChatMember named after the logged-in user; it receives the same event
// JSON as a TCP member (docs/PROTOCOL.md, section 9) and sends requests shaped like the TCP
// ops (docs/HTTP.md, "Chat"). Connection thread.
#pragma once

#include <boost/asio/awaitable.hpp>

namespace netdisk::server::http {

class Exchange;
struct Caller;

boost::asio::awaitable<void> serve_chat_socket(Exchange& exchange, const Caller& caller);

}  // namespace netdisk::server::http

// Ops every connection has from the start: the hello handshake and ping.
#pragma once

#include "server/op_table.h"

namespace netdisk::server::handlers {

boost::asio::awaitable<HandlerResult> hello(RequestContext& context);
boost::asio::awaitable<HandlerResult> ping(RequestContext& context);

}  // namespace netdisk::server::handlers

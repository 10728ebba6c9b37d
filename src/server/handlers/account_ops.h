// Account ops: register, login (password or session token), logout, whoami. The work is done
// by AccountService; these adapt it to the wire (docs/PROTOCOL.md, section 6).
#pragma once

#include "server/op_table.h"

namespace netdisk::server::handlers {

boost::asio::awaitable<HandlerResult> register_user(RequestContext& context);
boost::asio::awaitable<HandlerResult> login(RequestContext& context);
boost::asio::awaitable<HandlerResult> logout(RequestContext& context);
boost::asio::awaitable<HandlerResult> whoami(RequestContext& context);

}  // namespace netdisk::server::handlers

// Account ops: register, login (password or login token), logout (this login or, with "all",
// every login of the user), passwd (change_password), whoami. The work is done
// by AccountService; these adapt it to the reply (docs/PROTOCOL.md, section 6). login keeps
// the token in the session, where HTTP turns it into its cookie.
#pragma once

#include "server/ops/operation.h"

namespace netdisk::server::ops {

boost::asio::awaitable<OpResult> register_user(OpCall& call);
boost::asio::awaitable<OpResult> login(OpCall& call);
boost::asio::awaitable<OpResult> logout(OpCall& call);
boost::asio::awaitable<OpResult> change_password(OpCall& call);
boost::asio::awaitable<OpResult> whoami(OpCall& call);

}  // namespace netdisk::server::ops

// Ops a TCP connection has from the start: the hello handshake and ping. hello returns the
// agreed version as data (OpReply::agreed_version); the connection applies it.
#pragma once

#include "server/ops/operation.h"

namespace netdisk::server::ops {

boost::asio::awaitable<OpResult> hello(OpCall& call);
boost::asio::awaitable<OpResult> ping(OpCall& call);

}  // namespace netdisk::server::ops

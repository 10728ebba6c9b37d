// chat.history (docs/PROTOCOL.md, section 9): the public chat messages kept for members who
// join later, a page at a time, oldest first, from Services' ChatHistoryStore (in memory on
// one server, PostgreSQL in cluster mode), read on the blocking pool.
#pragma once

#include "server/ops/operation.h"

namespace netdisk::server::ops {

boost::asio::awaitable<OpResult> chat_history(OpCall& call);

}  // namespace netdisk::server::ops

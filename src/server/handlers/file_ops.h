// File ops on the logged-in user's own folder: list, stat, mkdir, remove, rename, checksum
// (docs/PROTOCOL.md, section 8). Each runs its storage call on the blocking pool; confinement
// and path rules are storage::FileStore's.
#pragma once

#include <functional>

#include "server/op_table.h"
#include "storage/file_store.h"

namespace netdisk::server::handlers {

boost::asio::awaitable<HandlerResult> list(RequestContext& context);
boost::asio::awaitable<HandlerResult> stat(RequestContext& context);
boost::asio::awaitable<HandlerResult> make_directory(RequestContext& context);
boost::asio::awaitable<HandlerResult> remove(RequestContext& context);
boost::asio::awaitable<HandlerResult> rename(RequestContext& context);
boost::asio::awaitable<HandlerResult> checksum(RequestContext& context);

// Runs `work(store)` on the blocking pool with the user's folder, opening it on first use.
boost::asio::awaitable<HandlerResult> with_store(
    RequestContext& context, std::function<HandlerResult(storage::FileStore&)> work);

}  // namespace netdisk::server::handlers

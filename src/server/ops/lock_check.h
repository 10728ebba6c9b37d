// The WebDAV locks as every operation sees them (docs/HTTP.md, "Locks and other transports"):
// an operation that changes a name first asks here whether a lock the caller did not submit
// the token of covers it, whatever transport carried the request. TCP requests submit no
// tokens, so a locked name refuses them; HTTP requests submit their If header's tokens
// (ops::Session::lock_tokens). Coroutines on the caller's I/O thread: the lock store
// (Services::locks) never blocks it, in memory or in cluster mode's PostgreSQL.
#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>

#include "common/result.h"

namespace netdisk::server::ops {

struct OpCall;

// Errc::locked naming the lock's root (a path in the caller's own space) when a lock of the
// caller's forbids changing `path` without its token; with `subtree`, locks on names below
// `path` count too (the operation removes or moves everything there). server_busy when the
// lock store did not answer: a write it cannot check is refused, never let through.
boost::asio::awaitable<Status> check_unlocked(const OpCall& call, const std::string& path,
                                              bool subtree);

// Forgets the locks on `path` and below once an operation removed those names.
boost::asio::awaitable<void> forget_locks(const OpCall& call, const std::string& path);

}  // namespace netdisk::server::ops

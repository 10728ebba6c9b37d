// Share-link ops for the logged-in owner (docs/PROTOCOL.md, "Share links"): create a link to
// one of their files or folders, list their links with use counts and state, revoke one. The
// anonymous side of a link is HTTP's (server/http/share_route.h). The book itself is
// server/shares/share_service.h; its writes and hashing run on the blocking pool.
#pragma once

#include <string>

#include "server/ops/operation.h"

namespace netdisk::server::ops {

// {path, expires_in?, max_downloads?, upload_only?, password?} -> the link with its token and
// URL (shown this once).
boost::asio::awaitable<OpResult> share_create(OpCall& call);
// {} -> {links: [...]}: the caller's links, without tokens.
boost::asio::awaitable<OpResult> share_list(OpCall& call);
// {target: token | id | path} -> {revoked: n}.
boost::asio::awaitable<OpResult> share_revoke(OpCall& call);

// The hook of every op that removes or moves a name: ends the caller's links on `path` or
// under it, so a link never reaches what later takes the name (blocking pool).
boost::asio::awaitable<void> end_shares_under(OpCall& call, std::string path);

}  // namespace netdisk::server::ops

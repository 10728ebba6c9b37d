// Ops that act on whole trees, added for WebDAV (docs/HTTP.md, "WebDAV") and open to every
// transport that lists them in the op table: copy (a file or a folder tree, or with
// "shallow" a folder alone, as COPY with Depth 0 wants) and move, both with an optional
// "overwrite" that first removes what is at the target (RFC 4918: the destination is deleted,
// then the resource copied or moved). The reply says whether something was replaced.
// Each runs its storage calls through with_space, on the blocking pool.
#pragma once

#include "server/ops/operation.h"

namespace netdisk::server::ops {

// {from, to, overwrite=false, shallow=false} -> {"replaced": bool}.
boost::asio::awaitable<OpResult> copy_tree(OpCall& call);
// {from, to, overwrite=false} -> {"replaced": bool}.
boost::asio::awaitable<OpResult> move_tree(OpCall& call);

}  // namespace netdisk::server::ops

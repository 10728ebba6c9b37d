// The trash and versions ops (docs/PROTOCOL.md, "Trash and versions"): list, restore and
// empty the trash; list and restore a file's earlier versions. `remove` itself (file_ops.h)
// moves into the trash unless "permanent". Each runs its storage call through with_space on
// the blocking pool; the storage backend keeps the trash and versions (storage/retention.h).
#pragma once

#include "server/ops/operation.h"

namespace netdisk::server::ops {

// trash.list: {"entries": [{"id", "path", "type", "size", "removed"}...]}, newest first.
boost::asio::awaitable<OpResult> trash_list(OpCall& call);
// trash.restore {"name", "to"?}: "name" is an entry's id, or an original path (its newest
// entry). Never overwrites (already_exists). {"path": where it is now}.
boost::asio::awaitable<OpResult> trash_restore(OpCall& call);
// trash.empty {"name"?}: deletes one entry (as trash.restore names it) or all, for good.
// {"removed": entries, "bytes": freed}.
boost::asio::awaitable<OpResult> trash_empty(OpCall& call);
// versions.list {"path"}: {"versions": [{"id", "time", "size", "checksum"}...]}, newest first.
boost::asio::awaitable<OpResult> versions_list(OpCall& call);
// versions.restore {"path", "version"}: makes that version current; the replaced content is
// kept as a version. {"version": the file's new version tag}.
boost::asio::awaitable<OpResult> versions_restore(OpCall& call);

}  // namespace netdisk::server::ops

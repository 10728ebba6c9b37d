// File ops on the logged-in user's own folder: list, stat, mkdir, remove, rename, checksum
// (docs/PROTOCOL.md, section 8). Each runs its storage call through with_space, on the
// blocking pool; confinement and path rules are the storage backend's (storage/user_space.h).
#pragma once

#include "server/ops/operation.h"

namespace netdisk::server::ops {

// A page of a folder's entries as OpReply::listing (no fields): each adapter renders it. With
// "versions": true the JSON renderings give each file's "version" too.
boost::asio::awaitable<OpResult> list(OpCall& call);
boost::asio::awaitable<OpResult> stat(OpCall& call);
boost::asio::awaitable<OpResult> make_directory(OpCall& call);
// Honours OpCall::target_check (HTTP DELETE's preconditions). With "recursive": true a folder
// goes with everything under it (storage::UserSpace::remove_tree; no precondition then).
boost::asio::awaitable<OpResult> remove(OpCall& call);
boost::asio::awaitable<OpResult> rename(OpCall& call);
boost::asio::awaitable<OpResult> checksum(OpCall& call);

}  // namespace netdisk::server::ops

// RFC 4918's lock rules as pure functions over a user's current locks, shared by every lock
// store (the in-memory LockTable's semantics, written once for the stores that keep their locks
// elsewhere, such as cluster mode's PostgreSQL table). No state, no threads.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/dav/lock_table.h"

namespace netdisk::server::dav {

// A fresh lock token: a random (version 4) UUID as a "urn:uuid:" URI (RFC 4918 §20.7).
std::string new_lock_token();

// The timeout a lock gets for `asked`: the default for none, capped at the maximum.
std::chrono::seconds granted_timeout(const LockTable::Limits& limits, std::chrono::seconds asked);

// True when a new lock (`request`'s scope and depth) on `path` conflicts with one of `held`:
// they overlap (either one's scope takes in the other's root) and either is exclusive.
bool lock_conflicts(std::span<const ActiveLock> held, std::string_view path,
                    const LockRequest& request);

// The root of the first lock of `held` that forbids writing `path` without its token
// (LockTable::blocker's rule), or nullopt.
std::optional<std::string> blocking_root(std::span<const ActiveLock> held, std::string_view path,
                                         std::span<const std::string> submitted, bool subtree);

// The locks of `held` whose scope takes in `path`, in `held`'s order.
std::vector<ActiveLock> covering_of(std::span<const ActiveLock> held, std::string_view path);

}  // namespace netdisk::server::dav

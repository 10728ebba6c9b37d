// The XML of WebDAV locking (RFC 4918 §9.10, §14, §15.7–15.8): the LOCK request's
// <D:lockinfo>, and the <D:lockdiscovery> and <D:supportedlock> properties a response shows.
// Transport-free: the HTTP adapter reads the body and headers (Depth, Timeout) and writes what
// these return. Pure functions; any thread.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "server/dav/lock_table.h"

namespace netdisk::server::dav {

// The scope and owner a LOCK body asks for (depth and timeout come from headers). bad_request
// when the body is not a DAV:lockinfo with a lockscope of exclusive or shared and a locktype
// of write. An empty body is a refresh: the caller checks for one before calling this.
Result<LockRequest> parse_lock_body(std::string_view body);

// Gives the href (percent-encoded path) of a lock's root, for <D:lockroot>.
using HrefOf = std::function<std::string(std::string_view root)>;

// <D:lockdiscovery> listing `locks`, each with its remaining timeout at `now`.
std::string lockdiscovery_xml(std::span<const ActiveLock> locks, const HrefOf& href_of,
                              TimePoint now);

// <D:supportedlock>: exclusive and shared write locks.
std::string supportedlock_xml();

// The contents of the two elements above (PROPFIND writes the elements itself).
std::string activelocks_xml(std::span<const ActiveLock> locks, const HrefOf& href_of,
                            TimePoint now);
std::string lockentries_xml();

// The whole body of a successful LOCK (new or refreshed): the lock's discovery in a D:prop.
std::string lock_response_body(const ActiveLock& lock, const HrefOf& href_of, TimePoint now);

}  // namespace netdisk::server::dav

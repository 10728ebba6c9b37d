// Dead properties (storage/dead_properties.h), for WebDAV's PROPFIND and PROPPATCH
// (docs/HTTP.md, "WebDAV"): read the properties of several resources at once (a PROPFIND
// page), and patch one resource's, all or nothing. Values are opaque text here (WebDAV keeps
// an XML element there; no op parses it). Storage calls run through with_space, on the
// blocking pool.
#pragma once

#include "server/ops/operation.h"

namespace netdisk::server::ops {

// {paths: [path, ...] (1 to 1000)} -> {"properties": [entry per path]}, an entry being
// [{"ns", "name", "value"}, ...] in name order, or null for a path with nothing there (gone
// since it was listed).
boost::asio::awaitable<OpResult> read_properties(OpCall& call);

// {path, changes: [{"ns", "name", "value"?}, ...] (1 to 256)} -> {}: a change with a value
// sets, without one removes; applied in order, all or nothing. disk_full when the result is
// over the storage's bounds (nothing changed), not_found.
boost::asio::awaitable<OpResult> patch_properties(OpCall& call);

}  // namespace netdisk::server::ops

// COPY and MOVE on /files/ (RFC 4918, sections 9.8 and 9.9) through the copy and move ops:
// Destination confined to the caller's own space (dav_headers.h), Depth (COPY: 0 or
// infinity; MOVE: infinity), Overwrite (F and an existing target: 412). 201 when the target
// is new, 204 when something was replaced; 404 for a missing source, 409 for a missing
// destination folder, 403 onto or into itself. Nothing is changed by a refused request.
// Connection thread.
#pragma once

#include <string>

#include "server/http/dav/handler_fwd.h"

namespace netdisk::server::http::dav {

boost::asio::awaitable<void> serve_copy_move(Exchange& exchange, const Caller& caller,
                                             const std::string& path, bool move);

}  // namespace netdisk::server::http::dav

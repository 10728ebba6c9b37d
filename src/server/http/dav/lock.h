// LOCK and UNLOCK on /files/ (RFC 4918 §9.10, §9.11; docs/HTTP.md, "WebDAV"): adapters over
// the lock table in HttpServices. A LOCK of an unmapped URL creates an empty file there
// through the upload op (201); a LOCK with an empty body refreshes the lock its If header
// names. Connection thread.
#pragma once

#include <string>

#include "server/http/dav/handler_fwd.h"

namespace netdisk::server::http::dav {

boost::asio::awaitable<void> serve_lock(Exchange& exchange, const Caller& caller,
                                        const std::string& path);

boost::asio::awaitable<void> serve_unlock(Exchange& exchange, const Caller& caller,
                                          const std::string& path);

}  // namespace netdisk::server::http::dav

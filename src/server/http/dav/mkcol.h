// MKCOL on /files/ (RFC 4918, section 9.3) through the mkdir op: 201 Created; 405 when
// anything is at the URL already; 409 when the parent folder is missing; 415 for a request
// with a body (NetDisk defines no MKCOL body). Connection thread.
#pragma once

#include <string>

#include "server/http/dav/handler_fwd.h"

namespace netdisk::server::http::dav {

boost::asio::awaitable<void> serve_mkcol(Exchange& exchange, const Caller& caller,
                                         const std::string& path);

}  // namespace netdisk::server::http::dav

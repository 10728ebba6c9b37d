// PROPPATCH on /files/ (RFC 4918, section 9.2): dead properties set and removed, all or
// nothing, through the props.patch op. Behind the write gate (If header 400/412, locks 423);
// the body is a DAV:propertyupdate (400 when malformed or hostile, 413 over 64 KiB). The 207
// says 200 for every property when all were applied; otherwise nothing was: a live property
// is 403 cannot-modify-protected-property, a set the storage had no room for 507, the rest
// 424. 404 when nothing is at the URL. Connection thread.
#pragma once

#include <string>

#include "server/http/dav/handler_fwd.h"

namespace netdisk::server::http::dav {

boost::asio::awaitable<void> serve_proppatch(Exchange& exchange, const Caller& caller,
                                             const std::string& path, bool folder_url);

}  // namespace netdisk::server::http::dav

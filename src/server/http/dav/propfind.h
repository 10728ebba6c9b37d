// PROPFIND on /files/ (RFC 4918, section 9.1): Depth 0 and 1 (infinity is refused with
// propfind-finite-depth), allprop, propname and named properties. A folder's Depth-1 answer is
// streamed: the listing is read a page at a time through the list op and each page goes out
// as one chunk, so a folder of any size is answered in bounded memory. Connection thread.
#pragma once

#include <string>

#include "server/http/dav/handler_fwd.h"

namespace netdisk::server::http::dav {

boost::asio::awaitable<void> serve_propfind(Exchange& exchange, const Caller& caller,
                                            const std::string& path, bool folder_url);

}  // namespace netdisk::server::http::dav

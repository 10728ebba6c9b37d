// /s/<token> and /s/<token>/<path>: a share link opened by anyone, without an account
// (docs/HTTP.md, "Share links"). The link (server/shares/share_service.h) decides what the
// URL reaches inside its owner's space, and nothing outside it:
//   a file link      GET and HEAD of /s/<token>: the file, through the /files download path
//                    (Range, resume, ETag, conditional requests); a GET that starts at byte 0
//                    counts as one download, a resume from further on does not;
//   a folder link    /s/<token>/ lists the folder (HTML, or JSON when asked), its sub-folders
//                    likewise, and /s/<token>/<path> downloads a file under it;
//   a drop box       /s/<token>/ is an upload page that shows nothing of the folder, and
//                    PUT /s/<token>/<name> stores a new file there (through the upload op,
//                    never replacing a file: a taken name gets a " (n)" suffix).
// A password-protected link asks for HTTP Basic credentials (any user name), throttled per
// link and per address. Unknown or revoked: 404; expired or used up: 410; the answers say
// nothing more. Connection thread.
#pragma once

#include <string_view>

#include <boost/asio/awaitable.hpp>

namespace netdisk::server::http {

class Exchange;

// `rest` is the request path after "/s/", still percent-encoded.
boost::asio::awaitable<void> route_share(Exchange& exchange, std::string_view rest);

}  // namespace netdisk::server::http

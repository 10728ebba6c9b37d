// GET and HEAD of /files/<path>: a file of the caller's folder with Content-Length, a strong
// ETag (the storage version tag), Last-Modified, Accept-Ranges, single-range and multipart 206
// answers, 416 for unsatisfiable ranges, If-Range, the RFC 9110 preconditions (412 and 304,
// preconditions.h) and an RFC 6266 Content-Disposition. A folder's URL without its slash is
// redirected to its listing. File bodies go out through file_body.h. Connection thread.
#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>

namespace netdisk::server::http {

class Exchange;
struct Caller;

boost::asio::awaitable<void> serve_download(Exchange& exchange, const Caller& caller,
                                            const std::string& path);

}  // namespace netdisk::server::http

// GET and HEAD of /files/<path>: a file of the caller's folder with Content-Length, a strong
// ETag (the storage version tag), Last-Modified, Accept-Ranges, single-range 206 answers,
// 416 for unsatisfiable ranges, If-Range, If-None-Match/If-Modified-Since (304) and an RFC
// 6266 Content-Disposition. The body is read in chunks on the blocking pool, so a cold disk
// never stalls the I/O thread, and written with a progress deadline. Session thread.
#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>

namespace netdisk::server::http {

class Exchange;
struct Caller;

boost::asio::awaitable<void> serve_download(Exchange& exchange, const Caller& caller,
                                            const std::string& path);

// attachment; filename="<ASCII fallback>"; filename*=UTF-8''<RFC 5987 encoding>
std::string content_disposition(std::string_view file_name);

}  // namespace netdisk::server::http

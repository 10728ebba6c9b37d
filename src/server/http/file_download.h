// GET and HEAD of /files/<path>: a file of the caller's folder with Content-Length, a strong
// ETag (the storage version tag), Last-Modified, Accept-Ranges, single-range and multipart 206
// answers, 416 for unsatisfiable ranges, If-Range, the RFC 9110 preconditions (412 and 304,
// preconditions.h) and an RFC 6266 Content-Disposition. A folder's URL without its slash is
// redirected to its listing. File bodies go out through file_body.h. Connection thread.
#pragma once

#include <string>

#include <cstdint>

#include <boost/asio/awaitable.hpp>

#include "common/result.h"

namespace netdisk::server::http {

class Exchange;
struct Caller;

// Asked once a GET is sure to send file bytes (preconditions and ranges passed), with the
// first byte it sends; an error is sent instead of the body. Share links count downloads here
// (http/share_route.h).
class DownloadGate {
 public:
  virtual ~DownloadGate() = default;
  virtual boost::asio::awaitable<Status> before_body(std::uint64_t first_byte) = 0;
};

boost::asio::awaitable<void> serve_download(Exchange& exchange, const Caller& caller,
                                            const std::string& path,
                                            DownloadGate* gate = nullptr);

}  // namespace netdisk::server::http

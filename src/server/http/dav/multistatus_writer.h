// Writes a 207 Multi-Status response whose body is produced piece by piece: the header first,
// then each piece as an HTTP/1.1 chunk (for HTTP/1.0, raw bytes and the connection closes at
// the end). Each write is bounded by --http-body-timeout. Lives in the handler's coroutine
// frame; connection thread.
#pragma once

#include <string>

#include "server/http/dav/handler_fwd.h"

namespace netdisk::server::http::dav {

class MultistatusWriter {
 public:
  explicit MultistatusWriter(Exchange& exchange) : exchange_(exchange) {}

  // Each returns false when the connection failed (it will then close); stop writing then.
  boost::asio::awaitable<bool> start();
  boost::asio::awaitable<bool> write(const std::string& piece);
  boost::asio::awaitable<bool> finish();

 private:
  Exchange& exchange_;
  bool chunked_ = true;
};

}  // namespace netdisk::server::http::dav

// ChunkedBody: a request body in HTTP/1.1 chunked framing (Transfer-Encoding: chunked), read
// for the transfer engine as a BodyReader (transfer/transfer_engine.h), so a chunked PUT goes
// through the same receive loop, pacing and sink as one with a Content-Length. Beast's own
// request parser decodes the framing (a buffer_body parser taking over the exchange's header
// parser): chunk sizes, extensions and trailers are parsed there, not by hand. While it lives,
// the connection's buffer is capped, so framing that never ends (an endless chunk-size line,
// extension or trailer section) is refused instead of buffered. Connection thread only.
#pragma once

#include <cstddef>
#include <span>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/system/error_code.hpp>

#include "common/result.h"
#include "server/http/beast_fwd.h"
#include "server/transfer/transfer_engine.h"

namespace netdisk::server::http {

// How much unparsed framing (one chunk-size line with its extensions, or the trailer section)
// the buffer may hold: Beast reads 64 KiB at a time, and no honest client needs more.
inline constexpr std::size_t kMaxChunkFramingBytes = 64 * 1024;

class ChunkedBody {
 public:
  // Takes over `header_parser` (moved from) and reads through `buffer`, which holds the bytes
  // already read past the header; bytes after the body (a pipelined request) stay in it.
  ChunkedBody(HeaderParser& header_parser, beast::flat_buffer& buffer);
  ~ChunkedBody();
  ChunkedBody(const ChunkedBody&) = delete;
  ChunkedBody& operator=(const ChunkedBody&) = delete;

  // The BodyReader contract (transfer_engine.h).
  std::size_t capacity() const noexcept { return transfer::kReceiveChunkBytes; }
  bool done() const noexcept { return parser_.is_done(); }
  boost::asio::awaitable<transfer::detail::Moved> read(transfer::detail::Transfer<Stream>& transfer,
                                                       std::span<std::byte> into);
  // timeout when the peer stalled or trickled; bad_request for malformed framing (or framing
  // over kMaxChunkFramingBytes); size_mismatch when the body broke off before its last chunk.
  Error failure(const transfer::detail::Transfer<Stream>& transfer) const;

 private:
  bhttp::request_parser<bhttp::buffer_body> parser_;
  beast::flat_buffer& buffer_;
  std::size_t buffer_max_;  // the buffer's own cap, given back at the end
  boost::system::error_code error_;
};

}  // namespace netdisk::server::http

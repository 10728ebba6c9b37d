#include "server/http/chunked_body.h"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

namespace netdisk::server::http {
namespace {

namespace asio = boost::asio;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

// The parser's complaints about the framing itself, as opposed to the peer going away.
bool is_framing_error(const boost::system::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_chunk).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

}  // namespace

ChunkedBody::ChunkedBody(HeaderParser& header_parser, beast::flat_buffer& buffer)
    : parser_(std::move(header_parser)), buffer_(buffer), buffer_max_(buffer.max_size()) {
  // Parse every whole chunk the buffer holds in one call, not one piece per call.
  parser_.eager(true);
  // Never below what it holds already (bytes read with the header): Beast asserts that.
  buffer_.max_size(std::max(buffer_.size(), kMaxChunkFramingBytes));
}

ChunkedBody::~ChunkedBody() { buffer_.max_size(buffer_max_); }

asio::awaitable<transfer::detail::Moved> ChunkedBody::read(
    transfer::detail::Transfer<Stream>& transfer, std::span<std::byte> into) {
  std::size_t filled = 0;
  while (filled < into.size() && !parser_.is_done()) {
    auto& body = parser_.get().body();
    body.data = into.data() + filled;
    body.size = into.size() - filled;
    body.more = true;
    auto [ec, consumed] =
        co_await bhttp::async_read_some(transfer.stream(), buffer_, parser_, kAsTuple);
    filled = into.size() - body.size;
    // Framing counts as progress too: it is bytes the peer sent.
    transfer.pace().note(consumed);
    if (ec == bhttp::error::need_buffer) ec = {};  // `into` is full
    if (ec) {
      error_ = ec;
      co_return transfer::detail::Moved{false, filled};
    }
    if (transfer.pace().expired()) {
      transfer.mark_trickled();
      co_return transfer::detail::Moved{false, filled};
    }
  }
  co_return transfer::detail::Moved{true, filled};
}

Error ChunkedBody::failure(const transfer::detail::Transfer<Stream>& transfer) const {
  if (transfer.stalled()) return transfer.cut(0);  // the pace's timeout error
  if (error_ == bhttp::error::buffer_overflow) {
    return make_error(Errc::bad_request,
                      "malformed chunked body: a chunk-size line or the trailer is over 64 KiB");
  }
  if (is_framing_error(error_)) {
    return make_error(Errc::bad_request, "malformed chunked body: " + error_.message());
  }
  return make_error(Errc::size_mismatch, "the chunked body ended before its last chunk");
}

}  // namespace netdisk::server::http

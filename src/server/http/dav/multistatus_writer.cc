#include "server/http/dav/multistatus_writer.h"

#include <tuple>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/write.hpp>

#include "server/http/exchange.h"
#include "server/http/http_services.h"
#include "server/services.h"

namespace netdisk::server::http::dav {
namespace {

namespace asio = boost::asio;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

asio::awaitable<bool> MultistatusWriter::start() {
  bhttp::response<bhttp::empty_body> response{bhttp::status::multi_status, 11};
  response.set(bhttp::field::content_type, "application/xml; charset=utf-8");
  chunked_ = exchange_.request().version() >= 11;
  if (chunked_) {
    response.chunked(true);
  } else {
    exchange_.close_after();  // HTTP/1.0 has no chunks: the close ends the body
  }
  co_return co_await exchange_.send_header(response);
}

asio::awaitable<bool> MultistatusWriter::write(const std::string& piece) {
  if (piece.empty()) co_return true;  // an empty chunk would end the body
  exchange_.deadline().arm_after(exchange_.services().server.live.http_body_timeout());
  boost::system::error_code ec;
  if (chunked_) {
    std::tie(ec, std::ignore) = co_await asio::async_write(
        exchange_.stream(), bhttp::make_chunk(asio::buffer(piece)), kAsTuple);
  } else {
    std::tie(ec, std::ignore) =
        co_await asio::async_write(exchange_.stream(), asio::buffer(piece), kAsTuple);
  }
  if (ec) exchange_.close_after();
  co_return !ec;
}

asio::awaitable<bool> MultistatusWriter::finish() {
  if (!chunked_) co_return true;
  exchange_.deadline().arm_after(exchange_.services().server.live.http_body_timeout());
  auto [ec, n] = co_await asio::async_write(exchange_.stream(), bhttp::make_chunk_last(), kAsTuple);
  if (ec) exchange_.close_after();
  co_return !ec;
}

}  // namespace netdisk::server::http::dav

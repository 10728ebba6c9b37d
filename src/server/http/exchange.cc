#include "server/http/exchange.h"

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "server/http/http_services.h"
#include "server/http/responses.h"
#include "server/services.h"
#include "server/transfer/transfer_engine.h"

namespace netdisk::server::http {
namespace {

namespace asio = boost::asio;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

Exchange::Exchange(HttpServices& services, Stream& stream, beast::flat_buffer& buffer,
                   HeaderParser& parser, ConnectionState& connection)
    : services_(services),
      stream_(stream),
      buffer_(buffer),
      parser_(parser),
      connection_(connection),
      request_(parser.get()),
      body_read_(parser.is_done()) {}

std::string_view Exchange::header(bhttp::field field) const {
  auto it = request_.find(field);
  if (it == request_.end()) return {};
  return {it->value().data(), it->value().size()};
}

std::string_view Exchange::header(std::string_view name) const {
  auto it = request_.find(name);
  if (it == request_.end()) return {};
  return {it->value().data(), it->value().size()};
}

bool Exchange::keep_alive() const noexcept {
  return request_.keep_alive() && body_read_ && !close_ && !connection_.closing;
}

transfer::TransferEnv Exchange::transfer_env(transfer::ActivityClock& pace) {
  return {services_.server.blocking_pool, pace, *connection_.deadlines};
}

asio::awaitable<Result<std::string>> Exchange::read_body(std::size_t limit) {
  if (body_read_) co_return std::string();
  if (auto length = parser_.content_length(); length && *length > limit) {
    close_after();
    co_return make_error(Errc::message_too_large,
                         fmt::format("request bodies here are limited to {} bytes", limit));
  }
  bhttp::request_parser<bhttp::string_body> body_parser(std::move(parser_));
  body_parser.body_limit(limit);
  deadline().arm_after(services_.server.live.http_body_timeout());
  auto [ec, n] = co_await bhttp::async_read(stream_, buffer_, body_parser, kAsTuple);
  if (ec) {
    close_after();
    if (ec == bhttp::error::body_limit) {
      co_return make_error(Errc::message_too_large,
                           fmt::format("request bodies here are limited to {} bytes", limit));
    }
    co_return make_error(Errc::timeout, "the request body did not arrive: " + ec.message());
  }
  body_read_ = true;
  co_return std::move(body_parser.get().body());
}

void Exchange::prepare(bhttp::response_header<>& header) {
  header.version(request_.version());
  // What message::keep_alive() would write, for a header without its message.
  if (!keep_alive()) {
    header.set(bhttp::field::connection, "close");
  } else if (request_.version() < 11) {
    header.set(bhttp::field::connection, "keep-alive");
  }
  add_common_headers(header);
}

asio::awaitable<bool> Exchange::send_header(bhttp::response<bhttp::empty_body>& response) {
  prepare(response.base());
  bhttp::response_serializer<bhttp::empty_body> serializer(response);
  deadline().arm_after(services_.server.live.http_body_timeout());
  auto [ec, n] = co_await bhttp::async_write_header(stream_, serializer, kAsTuple);
  responded_ = true;
  if (ec) close_after();
  co_return !ec;
}

asio::awaitable<void> Exchange::send(StringResponse response) {
  prepare(response.base());
  response.prepare_payload();
  if (request_.method() == bhttp::verb::head) {
    // Same headers as GET (Content-Length included), no body.
    bhttp::response<bhttp::empty_body> head{response.base()};
    co_await send_header(head);
  } else {
    deadline().arm_after(services_.server.live.http_body_timeout());
    auto [ec, n] = co_await bhttp::async_write(stream_, response, kAsTuple);
    if (ec) close_after();
  }
  responded_ = true;
}

asio::awaitable<void> Exchange::send_error(const Error& error) {
  // The last guard: no reply ever shows a server-side path.
  co_await send(error_response(
      make_error(error.code, services_.server.layout.without_server_paths(error.message))));
}

}  // namespace netdisk::server::http

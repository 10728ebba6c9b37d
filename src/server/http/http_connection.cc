#include "server/http/http_connection.h"

#include <array>
#include <exception>
#include <limits>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "server/http/exchange.h"
#include "server/http/http_services.h"
#include "server/http/responses.h"
#include "server/http/router.h"
#include "server/services.h"
#include "server/telemetry/metrics.h"

namespace netdisk::server::http {
namespace {

namespace asio = boost::asio;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kFirstRead = 4096;

// A last word on a connection we are about to close: bad headers, too large, and the like.
asio::awaitable<void> send_and_close(Stream& stream, Deadline& deadline, bhttp::status status,
                                     Errc code, std::string message,
                                     std::chrono::seconds timeout) {
  auto response = error_response(status, code, std::move(message));
  response.keep_alive(false);
  add_common_headers(response.base());
  response.prepare_payload();
  deadline.arm_after(timeout);
  auto [ec, n] = co_await bhttp::async_write(stream, response, kAsTuple);
  if (ec) co_return;
  // A lingering close: closing with unread request bytes makes the kernel send a reset, which
  // can destroy the response before the client reads it. Stop sending, then read and drop
  // what is still in flight, for a moment.
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  std::array<char, 16 * 1024> sink;
  deadline.arm_after(std::chrono::seconds(1));
  for (int i = 0; i < 16; ++i) {
    auto [read_error, got] = co_await stream.async_read_some(asio::buffer(sink), kAsTuple);
    if (read_error) break;
  }
}

asio::awaitable<void> run_exchange(Exchange& exchange) {
  // co_await is not allowed inside a catch block: note the failure, then answer.
  bool failed = false;
  try {
    co_await route(exchange);
  } catch (const std::exception& failure) {
    spdlog::error("http: {} {} failed: {}", std::string_view(exchange.request().method_string()),
                  std::string_view(exchange.request().target()), failure.what());
    failed = true;
  }
  if (failed) {
    exchange.close_after();
    if (!exchange.responded()) {
      co_await exchange.send_error(make_error(Errc::internal_error, "internal error"));
    }
  }
}

}  // namespace

asio::awaitable<void> serve_connection(Stream stream, HttpServices& context,
                                       Deadlines& deadlines,
                                       std::optional<std::string> client_address) {
  const auto& live = context.server.live;  // a reload changes the timeouts
  telemetry::ConnectionCount counted(context.server.metrics, stream.secure()
                                                                 ? telemetry::Link::https
                                                                 : telemetry::Link::http);
  // On expiry the socket is closed, not only cancelled: the sweep may run just after a read
  // completed and before the coroutine resumed, when there is nothing pending to cancel, and
  // the next read must fail too.
  Deadline deadline(deadlines, context.server.now, [&stream] {
    boost::system::error_code ignored;
    stream.socket().close(ignored);
  });
  ConnectionState state;
  state.deadlines = &deadlines;
  state.deadline = &deadline;
  boost::system::error_code ec;
  if (client_address) {
    state.peer_address = std::move(*client_address);
  } else {
    auto peer = stream.socket().remote_endpoint(ec);
    if (!ec) state.peer_address = peer.address().to_string();
  }
  auto id = context.connections.add(stream.get_executor(), stream.socket(), state.closing);
  state.connection_id = id;
  beast::flat_buffer buffer;
  bool first = true;
  while (!state.closing) {
    // Idle: wait for the first byte of the next request (a pipelined one may be buffered).
    if (buffer.size() == 0) {
      context.connections.set_idle(id, true);
      deadline.arm_after(first ? live.http_header_timeout() : live.http_idle_timeout());
      auto [read_error, n] = co_await stream.async_read_some(buffer.prepare(kFirstRead), kAsTuple);
      if (read_error) break;
      buffer.commit(n);
      context.connections.set_idle(id, false);
    }
    first = false;
    if (state.closing) break;

    HeaderParser parser;
    parser.header_limit(kMaxHeaderBytes);
    // Body limits belong to the handlers (64 KiB of JSON; uploads as large as the disk takes);
    // Beast's default would refuse a Content-Length over 1 MiB while reading the headers.
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    deadline.arm_after(live.http_header_timeout());
    auto [read_error, n] = co_await bhttp::async_read_header(stream, buffer, parser, kAsTuple);
    if (read_error == bhttp::error::header_limit) {
      co_await send_and_close(stream, deadline, bhttp::status::request_header_fields_too_large,
                              Errc::bad_request, "request headers are limited to 16 KiB",
                              live.http_header_timeout());
      break;
    }
    if (deadline.expired() || read_error == bhttp::error::end_of_stream ||
        read_error == asio::error::operation_aborted) {
      break;
    }
    if (read_error) {
      co_await send_and_close(stream, deadline, bhttp::status::bad_request, Errc::bad_request,
                              "malformed request: " + read_error.message(),
                              live.http_header_timeout());
      break;
    }

    Exchange exchange(context, stream, buffer, parser, state);
    co_await run_exchange(exchange);
    if (!exchange.keep_alive()) break;
  }
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  stream.socket().close(ec);
  context.connections.remove(id);
}

}  // namespace netdisk::server::http

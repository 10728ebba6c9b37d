#include "server/http/file_body.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "server/blocking.h"
#include "server/http/exchange.h"
#include "server/http/http_context.h"
#include "server/sendfile_loop.h"
#include "server/server_context.h"
#include "server/stream_pace.h"

namespace netdisk::server::http {
namespace {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kChunkBytes = 256 * 1024;

// pread on the blocking pool, then writes through the stream (TLS encrypts there), one
// write_some at a time, each paced (server/stream_pace.h): a slow but steady reader is not cut
// off because a whole chunk took longer than the body timeout, and a trickling one is. Time
// spent reading our own disk does not count against the client.
asio::awaitable<bool> send_buffered(Exchange& exchange, int fd, std::uint64_t offset,
                                    std::uint64_t length) {
  auto& server = exchange.context().server;
  std::vector<char> chunk(static_cast<std::size_t>(std::min<std::uint64_t>(length, kChunkBytes)));
  auto activity = Clock::now();
  while (length > 0) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(length, chunk.size()));
    auto reading_since = Clock::now();
    // Captures references and plain values only (server/blocking.h).
    auto got =
        co_await run_blocking(server.blocking_pool, [fd, &chunk, want, offset]() -> std::int64_t {
          auto n = ::pread(fd, chunk.data(), want, static_cast<off_t>(offset));
          return n < 0 ? -errno : n;
        });
    if (got <= 0) {
      spdlog::warn("http: reading a download failed: {}",
                   got == 0 ? "the file shrank" : std::strerror(static_cast<int>(-got)));
      co_return false;
    }
    activity += Clock::now() - reading_since;
    auto pending = static_cast<std::size_t>(got);
    std::size_t sent = 0;
    while (sent < pending) {
      exchange.stream().expires_at(activity + server.config.http_body_timeout);
      auto [ec, n] = co_await exchange.stream().async_write_some(
          asio::buffer(chunk.data() + sent, pending - sent), kAsTuple);
      sent += n;
      activity = paced_activity(activity, n, server.config.min_stream_rate, Clock::now());
      if (ec) co_return false;
    }
    offset += pending;
    length -= pending;
  }
  co_return true;
}

// Returns once `activity` is older than `limit`; the || in send_zero_copy then cancels the
// sendfile loop's wait for writability. One timer per body, re-armed only when it fires.
asio::awaitable<void> stall_watchdog(const Clock::time_point& activity,
                                     std::chrono::seconds limit) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (true) {
    auto deadline = activity + limit;
    if (deadline <= Clock::now()) co_return;
    timer.expires_at(deadline);
    auto [ec] = co_await timer.async_wait(kAsTuple);
    if (ec == asio::error::operation_aborted) co_return;  // the body finished first
  }
}

asio::awaitable<bool> send_zero_copy(Exchange& exchange, asio::ip::tcp::socket& socket, int fd,
                                     std::uint64_t offset, std::uint64_t length) {
  const auto& config = exchange.context().server.config;
  auto activity = Clock::now();
  std::function<void(std::size_t)> on_progress = [&activity, &config](std::size_t bytes) {
    activity = paced_activity(activity, bytes, config.min_stream_rate, Clock::now());
  };
  auto outcome = co_await (sendfile_to_socket(socket, fd, offset, length, on_progress) ||
                           stall_watchdog(activity, config.http_body_timeout));
  if (outcome.index() == 1) co_return false;  // stalled or too slow for the body timeout
  const auto& sent = std::get<0>(outcome);
  if (!sent.ok()) spdlog::debug("http: a download ended early: {}", sent.error().message);
  co_return sent.ok();
}

}  // namespace

asio::awaitable<bool> send_file_body(Exchange& exchange, int fd, std::uint64_t offset,
                                     std::uint64_t length) {
  if (length == 0) co_return true;
  auto* socket = exchange.plain_socket();
  if (socket != nullptr && exchange.context().server.config.send_mode == SendMode::sendfile) {
    co_return co_await send_zero_copy(exchange, *socket, fd, offset, length);
  }
  co_return co_await send_buffered(exchange, fd, offset, length);
}

}  // namespace netdisk::server::http

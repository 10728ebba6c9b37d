#include "server/listener.h"

#include <chrono>
#include <memory>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "protocol/message.h"
#include "server/connection.h"
#include "server/io_workers.h"
#include "server/logging/component_log.h"
#include "server/services.h"
#include "server/tcp_socket.h"
#include "server/tls/tls_context.h"

namespace netdisk::server {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

// Sends the refusal and closes. The frame is tiny, so it fits the socket buffer at once; a
// peer that never reads cannot hold us up.
asio::awaitable<void> refuse(TcpSocket socket, std::shared_ptr<const std::string> frame) {
  co_await asio::async_write(socket, asio::buffer(*frame), kAsTuple);
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

bool out_of_descriptors(const boost::system::error_code& ec) {
  return ec == asio::error::no_descriptors || ec.value() == ENFILE || ec.value() == ENOBUFS ||
         ec.value() == ENOMEM;
}

}  // namespace

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, IoWorkers& workers,
                                  Services& server) {
  auto refusal = std::make_shared<const std::string>(protocol::encode_error(
      0, make_error(Errc::too_many_connections, "the server is at its connection limit")));
  asio::steady_timer backoff(acceptor.get_executor());
  std::uint64_t serial = 0;
  auto last_fd_warning = std::chrono::steady_clock::time_point{};
  while (acceptor.is_open()) {
    IoWorker& worker = workers.next();
    // Accepted onto the worker's io_context: the socket is a TcpSocket, typed on its executor.
    auto [ec, socket] = co_await acceptor.async_accept(worker.context, kAsTuple);
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) break;
    if (ec) {
      if (out_of_descriptors(ec)) {
        // The connection stays in the backlog; retrying at once would spin at 100% CPU.
        auto now = std::chrono::steady_clock::now();
        if (now - last_fd_warning > std::chrono::seconds(10)) {
          log_of(LogComponent::tcp)
              .warn("accept: {} (out of file descriptors); pausing accepts", ec.message());
          last_fd_warning = now;
        }
        backoff.expires_after(std::chrono::milliseconds(100));
        co_await backoff.async_wait(kAsTuple);
      } else {
        log_of(LogComponent::tcp).warn("accept: {}", ec.message());
      }
      continue;
    }
    if (server.shutting_down.load() ||
        server.open_connections.load(std::memory_order_relaxed) >= server.live.max_connections()) {
      log_of(LogComponent::tcp)
          .warn("refusing a connection: {} connections open (limit {})",
                server.open_connections.load(), server.live.max_connections());
      asio::co_spawn(worker.context, refuse(std::move(socket), refusal), asio::detached);
      continue;
    }
    SSL* ssl = server.tls != nullptr ? server.tls->new_session() : nullptr;
    if (server.tls != nullptr && ssl == nullptr) {
      log_of(LogComponent::tcp).error("refusing a connection: no memory for its TLS session");
      continue;  // the socket closes here
    }
    auto connection =
        std::make_shared<Connection>(std::move(socket), ssl, worker, server, ++serial);
    asio::post(worker.context, [c = std::move(connection)]() mutable {
      Connection::start(std::move(c));
    });
  }
}

}  // namespace netdisk::server

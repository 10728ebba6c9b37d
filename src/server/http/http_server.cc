#include "server/http/http_server.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "server/http/bind_listener.h"
#include "server/http/http_connection.h"
#include "server/http/http_services.h"
#include "server/http/proxy_accept.h"
#include "server/http/tls.h"
#include "server/io_workers.h"
#include "server/logging/component_log.h"
#include "server/services.h"

namespace netdisk::server {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

// `tls` null: plain HTTP; otherwise each connection starts with a TLS handshake.
asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, IoWorkers& workers,
                                  http::HttpServices& context, http::TlsContext* tls) {
  while (acceptor.is_open()) {
    IoWorker& worker = workers.next();
    auto [ec, socket] = co_await acceptor.async_accept(worker.context, kAsTuple);
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) break;
    if (ec) {
      // Out of descriptors and the like: pause rather than spin (as the TCP listener does).
      log_of(LogComponent::http).warn("http accept: {}", ec.message());
      asio::steady_timer backoff(acceptor.get_executor(), std::chrono::milliseconds(100));
      co_await backoff.async_wait(kAsTuple);
      continue;
    }
    if (context.connections.stopping() ||
        context.connections.size() >= context.server.live.max_connections()) {
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    // A response leaves in several writes (headers, then the body): with Nagle's algorithm on,
    // each write after the first would wait for the client's delayed ACK, about 40 ms.
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (context.server.config.proxy_protocol) {
      asio::co_spawn(worker.context,
                     http::serve_proxied(std::move(socket), tls, context, worker.deadlines),
                     asio::detached);
    } else if (tls != nullptr) {
      asio::co_spawn(worker.context,
                     http::serve_tls_connection(std::move(socket), *tls, context, worker.deadlines),
                     asio::detached);
    } else {
      asio::co_spawn(
          worker.context,
          http::serve_connection(http::Stream::plain(std::move(socket)), context, worker.deadlines),
          asio::detached);
    }
  }
}

// Drops expired WebDAV locks once a second, as the deadline sweep checks timeouts, so an
// abandoned lock costs nothing once it has lapsed (a lock lasts whole seconds). Logs what it
// dropped; an empty in-memory table costs one look at its size (cluster mode's store deletes
// expired rows once a minute per node).
asio::awaitable<void> sweep_locks(http::HttpServices& context) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!context.connections.stopping()) {
    timer.expires_after(std::chrono::seconds(1));
    auto [ec] = co_await timer.async_wait(kAsTuple);
    if (ec) break;
    auto dropped = co_await context.locks.sweep();
    if (dropped > 0) {
      log_of(LogComponent::http).info("http: {} expired WebDAV lock(s) dropped", dropped);
    }
  }
}

// Binds and listens (bind_listener.h), and says where.
std::uint16_t listen_on(tcp::acceptor& acceptor, const Endpoint& where, std::string_view scheme) {
  auto port = bind_listener(acceptor, where, scheme);
  log_of(LogComponent::http)
      .info("netdiskd serving {} on {}://{}:{}/", scheme, scheme == "HTTPS" ? "https" : "http",
            where.host, port);
  return port;
}

// Written to a temporary name and renamed, so a reader never sees a half-written port.
void write_port_file(const std::string& path, std::uint16_t port) {
  if (path.empty()) return;
  std::string temp = path + ".tmp";
  std::ofstream(temp) << port << "\n";
  std::filesystem::rename(temp, path);
}

}  // namespace

struct HttpServer::State {
  State(Services& server, IoWorkers& io_workers)
      : workers(io_workers),
        context{server, {}, *server.locks},
        acceptor(io_workers.at(0).context),
        tls_acceptor(io_workers.at(0).context) {}

  IoWorkers& workers;
  http::HttpServices context;
  tcp::acceptor acceptor;
  tcp::acceptor tls_acceptor;
  http::TlsContextPtr tls;
  std::uint16_t port = 0;
  std::uint16_t tls_port = 0;
};

HttpServer::HttpServer(Services& server, IoWorkers& workers)
    : state_(std::make_unique<State>(server, workers)) {
  // One sweep for both listeners: the lock table is theirs together.
  asio::co_spawn(workers.at(0).context, sweep_locks(state_->context), asio::detached);
}

HttpServer::~HttpServer() = default;

void HttpServer::start() {
  const auto& config = state_->context.server.config;
  state_->port = listen_on(state_->acceptor, config.http_listen, "HTTP");
  // Printed share links use HTTPS when it is on (start_tls runs first), else this port.
  auto& shares = state_->context.server.shares;
  if (shares.public_origin().empty()) {
    shares.set_public_origin(
        ShareService::origin_for("http", config.http_listen.host, state_->port));
  }
  write_port_file(config.http_port_file, state_->port);
  asio::co_spawn(state_->workers.at(0).context,
                 accept_loop(state_->acceptor, state_->workers, state_->context, nullptr),
                 asio::detached);
}

void HttpServer::start_tls() {
  const auto& config = state_->context.server.config;
  state_->tls = http::load_tls_context(config.tls_cert_file, config.tls_key_file);
  state_->tls_port = listen_on(state_->tls_acceptor, config.https_listen, "HTTPS");
  state_->context.server.shares.set_public_origin(
      ShareService::origin_for("https", config.https_listen.host, state_->tls_port));
  write_port_file(config.https_port_file, state_->tls_port);
  asio::co_spawn(
      state_->workers.at(0).context,
      accept_loop(state_->tls_acceptor, state_->workers, state_->context, state_->tls.get()),
      asio::detached);
}

std::uint16_t HttpServer::port() const { return state_->port; }

void HttpServer::stop() {
  asio::post(state_->acceptor.get_executor(), [state = state_.get()] {
    boost::system::error_code ignored;
    state->acceptor.close(ignored);
    state->tls_acceptor.close(ignored);
  });
  state_->context.connections.stop();
}

void HttpServer::close_all() { state_->context.connections.close_all(); }

std::size_t HttpServer::open_http_connections() const { return state_->context.connections.size(); }

}  // namespace netdisk::server

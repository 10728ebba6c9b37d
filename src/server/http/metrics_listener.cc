#include "server/http/metrics_listener.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "server/http/bind_listener.h"
#include "server/http/metrics_route.h"
#include "server/http/responses.h"
#include "server/services.h"
#include "server/telemetry/exposition.h"
#include "server/telemetry/scrape.h"

namespace netdisk::server::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);
// A scraper sends a small GET at once; anything slower or larger is not one.
constexpr auto kRequestTimeout = std::chrono::seconds(10);
constexpr std::size_t kMaxRequestBytes = 8 * 1024;

StringResponse answer(bhttp::status status, std::string_view type, std::string body) {
  StringResponse response{status, 11};
  response.set(bhttp::field::content_type, type);
  response.set(bhttp::field::cache_control, "no-store");
  response.keep_alive(false);
  add_common_headers(response.base());
  response.body() = std::move(body);
  return response;
}

asio::awaitable<StringResponse> respond_to(Services& server,
                                           const bhttp::request<bhttp::empty_body>& request) {
  auto target = std::string_view(request.target());
  target = target.substr(0, target.find('?'));
  if (request.method() != bhttp::verb::get && request.method() != bhttp::verb::head) {
    auto refusal = answer(bhttp::status::method_not_allowed, "text/plain; charset=utf-8",
                          "method not allowed\n");
    refusal.set(bhttp::field::allow, "GET, HEAD");
    co_return refusal;
  }
  if (target == "/healthz") {
    co_return answer(health_status(server), "text/plain; charset=utf-8",
                     std::string(health_word(server)));
  }
  if (target != "/metrics") {
    co_return answer(bhttp::status::not_found, "text/plain; charset=utf-8", "not found\n");
  }
  auto text = co_await telemetry::scrape(server);
  co_return answer(bhttp::status::ok, telemetry::kExpositionContentType, std::move(text));
}

asio::awaitable<void> serve_scraper(tcp::socket socket, Services& server) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  bhttp::request_parser<bhttp::empty_body> parser;
  parser.header_limit(kMaxRequestBytes);
  stream.expires_after(kRequestTimeout);
  auto [read_error, n] = co_await bhttp::async_read(stream, buffer, parser, kAsTuple);
  if (read_error) co_return;
  auto response = co_await respond_to(server, parser.get());
  if (parser.get().method() == bhttp::verb::head) {
    response.content_length(response.body().size());
    bhttp::response_serializer<bhttp::string_body> serializer(response);
    stream.expires_after(kRequestTimeout);
    co_await bhttp::async_write_header(stream, serializer, kAsTuple);
  } else {
    response.prepare_payload();
    stream.expires_after(kRequestTimeout);
    co_await bhttp::async_write(stream, response, kAsTuple);
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

asio::awaitable<void> accept_scrapers(tcp::acceptor& acceptor, Services& server) {
  while (acceptor.is_open()) {
    auto [ec, socket] = co_await acceptor.async_accept(kAsTuple);
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) break;
    if (ec) {
      spdlog::warn("metrics accept: {}", ec.message());
      asio::steady_timer backoff(acceptor.get_executor(), std::chrono::milliseconds(100));
      co_await backoff.async_wait(kAsTuple);
      continue;
    }
    asio::co_spawn(acceptor.get_executor(), serve_scraper(std::move(socket), server),
                   asio::detached);
  }
}

}  // namespace

struct MetricsListener::State {
  State(asio::io_context& io, Services& services) : server(services), acceptor(io) {}
  Services& server;
  tcp::acceptor acceptor;
  std::uint16_t port = 0;
};

MetricsListener::MetricsListener(asio::io_context& context, Services& server)
    : state_(std::make_unique<State>(context, server)) {}

MetricsListener::~MetricsListener() = default;

void MetricsListener::start() {
  const auto& where = state_->server.config.metrics_listen;
  state_->port = bind_listener(state_->acceptor, where, "metrics");
  spdlog::info("netdiskd serving metrics on http://{}:{}/metrics", where.host, state_->port);
  if (const auto& path = state_->server.config.metrics_port_file; !path.empty()) {
    // Written to a temporary name and renamed, so a reader never sees a half-written port.
    std::string temp = path + ".tmp";
    std::ofstream(temp) << state_->port << "\n";
    std::filesystem::rename(temp, path);
  }
  auto& acceptor = state_->acceptor;
  asio::co_spawn(acceptor.get_executor(), accept_scrapers(acceptor, state_->server),
                 asio::detached);
}

void MetricsListener::stop() {
  boost::system::error_code ignored;
  state_->acceptor.close(ignored);
}

std::uint16_t MetricsListener::port() const { return state_->port; }

}  // namespace netdisk::server::http

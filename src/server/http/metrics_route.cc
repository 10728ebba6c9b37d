#include "server/http/metrics_route.h"

#include "server/http/exchange.h"
#include "server/http/http_services.h"
#include "server/http/responses.h"
#include "server/services.h"
#include "server/telemetry/exposition.h"
#include "server/telemetry/scrape.h"

namespace netdisk::server::http {
namespace {

namespace asio = boost::asio;

bool get_or_head(const Exchange& exchange) {
  auto method = exchange.request().method();
  return method == bhttp::verb::get || method == bhttp::verb::head;
}

StringResponse plain_response(bhttp::status status, std::string_view content_type,
                              std::string body) {
  StringResponse response{status, 11};
  response.set(bhttp::field::content_type, content_type);
  response.set(bhttp::field::cache_control, "no-store");
  response.body() = std::move(body);
  return response;
}

asio::awaitable<void> refuse_method(Exchange& exchange) {
  auto response = error_response(bhttp::status::method_not_allowed, Errc::bad_request,
                                 "only GET and HEAD are supported here");
  response.set(bhttp::field::allow, "GET, HEAD");
  co_await exchange.send(std::move(response));
}

}  // namespace

bhttp::status health_status(const Services& server) {
  return server.shutting_down.load() ? bhttp::status::service_unavailable : bhttp::status::ok;
}

std::string_view health_word(const Services& server) {
  return server.shutting_down.load() ? "stopping\n" : "ok\n";
}

asio::awaitable<void> serve_metrics(Exchange& exchange) {
  if (!get_or_head(exchange)) co_return co_await refuse_method(exchange);
  auto& server = exchange.services().server;
  auto text = co_await telemetry::scrape(server);
  auto response =
      plain_response(bhttp::status::ok, telemetry::kExpositionContentType, std::move(text));
  co_await exchange.send(std::move(response));
}

asio::awaitable<void> serve_healthz(Exchange& exchange) {
  if (!get_or_head(exchange)) co_return co_await refuse_method(exchange);
  const auto& server = exchange.services().server;
  auto response = plain_response(health_status(server), "text/plain; charset=utf-8",
                                 std::string(health_word(server)));
  co_await exchange.send(std::move(response));
}

}  // namespace netdisk::server::http

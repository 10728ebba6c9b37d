#include "server/http/router.h"

#include <array>
#include <string>

#include <fmt/format.h>

#include "server/http/api_adapter.h"
#include "server/http/assets.h"
#include "server/http/auth.h"
#include "server/http/chat_socket.h"
#include "server/http/cookies.h"
#include "server/http/dav/dav_files.h"
#include "server/http/exchange.h"
#include "server/http/file_delete.h"
#include "server/http/file_download.h"
#include "server/http/file_upload.h"
#include "server/http/folder_listing.h"
#include "server/http/http_services.h"
#include "server/http/metrics_route.h"
#include "server/http/responses.h"
#include "server/http/share_route.h"
#include "server/http/url.h"
#include "server/ops/op_table.h"
#include "server/services.h"

namespace netdisk::server::http {
namespace {

namespace asio = boost::asio;
using Verb = bhttp::verb;

Verb verb_of(ops::ApiRoute::Method method) {
  return method == ops::ApiRoute::Method::post ? Verb::post : Verb::get;
}

asio::awaitable<void> method_not_allowed(Exchange& exchange, std::string_view allow) {
  auto response = error_response(bhttp::status::method_not_allowed, Errc::bad_request,
                                 fmt::format("{} is not supported here",
                                             std::string_view(exchange.request().method_string())));
  response.set(bhttp::field::allow, allow);
  co_await exchange.send(std::move(response));
}

// A 401 for a plain HTTP client carries the Basic challenge, so curl and wget retry with the
// credentials they were given; the page's own scripts get none (no browser password dialog).
asio::awaitable<void> refuse_login(Exchange& exchange, const Error& error) {
  auto response = error_response(error);
  if (response.result() == bhttp::status::unauthorized && !from_page_script(exchange)) {
    response.set(bhttp::field::www_authenticate, kBasicChallenge);
  }
  co_await exchange.send(std::move(response));
}

// Authentication, then CSRF. Sends the refusal itself and returns nullopt when refused.
asio::awaitable<std::optional<Caller>> admit(Exchange& exchange) {
  auto caller = co_await authenticate(exchange);
  if (!caller) {
    co_await refuse_login(exchange, caller.error());
    co_return std::nullopt;
  }
  if (auto csrf = check_csrf(exchange, caller->basic); !csrf) {
    co_await exchange.send_error(csrf.error());
    co_return std::nullopt;
  }
  co_return std::move(*caller);
}

// An /api route: the op table names the op behind it (ops/op_table.h).
asio::awaitable<void> route_api(Exchange& exchange, std::string_view name) {
  const ops::OpInfo* op = ops::find_api_route(name);
  if (op == nullptr) {
    co_return co_await exchange.send_error(make_error(Errc::not_found, "no such API call"));
  }
  auto method = verb_of(op->api.method);
  if (exchange.request().method() != method) {
    co_return co_await method_not_allowed(exchange, std::string_view(bhttp::to_string(method)));
  }
  auto session = http_session(exchange, ops::Transport::http);
  if (op->api.anonymous) {
    if (auto csrf = check_csrf(exchange, false); !csrf) {
      co_return co_await exchange.send_error(csrf.error());
    }
    // Logout ends the cookie's token, whatever state it is in.
    auto cookie = find_cookie(exchange.header(bhttp::field::cookie), kSessionCookie);
    if (cookie && !cookie->empty()) session.assume_token(std::string(*cookie));
    co_return co_await call_api(exchange, *op, session);
  }
  auto caller = co_await admit(exchange);
  if (!caller) co_return;
  session.assume_user(caller->username);
  if (!caller->basic) {
    // The cookie's login is this caller's own: passwd keeps it while ending the others.
    auto cookie = find_cookie(exchange.header(bhttp::field::cookie), kSessionCookie);
    if (cookie) session.assume_token(*cookie);
  }
  co_await call_api(exchange, *op, session);
}

// A trailing slash names a folder: GET and HEAD list it, DELETE removes it only if it is one.
// WebDAV's methods (PROPFIND, MKCOL, COPY, MOVE) go to dav/dav_files.h.
asio::awaitable<void> route_files(Exchange& exchange, std::string_view encoded) {
  auto method = exchange.request().method();
  if (method == Verb::options) co_return co_await dav::serve_options(exchange);
  bool dav_method = dav::is_dav_method(method);
  if (method != Verb::get && method != Verb::head && method != Verb::put &&
      method != Verb::delete_ && !dav_method) {
    co_return co_await method_not_allowed(exchange, dav::kFilesAllow);
  }
  auto path = percent_decode(encoded);
  if (!path) co_return co_await exchange.send_error(path.error());
  auto caller = co_await admit(exchange);
  if (!caller) co_return;
  bool folder_url = path->empty() || path->back() == '/';
  if (folder_url && method != Verb::put && !path->empty()) path->pop_back();
  // Confinement is the storage backend's: "..", absolute paths, symlinks and the like are refused there.
  if (method == Verb::put) co_return co_await serve_upload(exchange, *caller, *path);
  if (dav_method) co_return co_await dav::serve_dav(exchange, *caller, *path, folder_url);
  if (method == Verb::delete_) {
    co_return co_await serve_delete(exchange, *caller, *path, folder_url);
  }
  if (folder_url) co_return co_await serve_folder(exchange, *caller, *path);
  co_await serve_download(exchange, *caller, *path);
}

asio::awaitable<void> route_asset(Exchange& exchange, std::string_view path) {
  auto asset = find_asset(path);
  if (asset.file == nullptr) {
    co_return co_await exchange.send_error(make_error(Errc::not_found, "no such page"));
  }
  auto method = exchange.request().method();
  if (method != Verb::get && method != Verb::head) {
    co_return co_await method_not_allowed(exchange, "GET, HEAD");
  }
  StringResponse response{bhttp::status::ok, 11};
  response.set(bhttp::field::content_type, asset.content_type);
  response.set(bhttp::field::cache_control, "no-cache");
  // Everything the page needs comes from this server; nothing inline, no framing.
  response.set("Content-Security-Policy",
               "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  response.set("X-Frame-Options", "DENY");
  response.set("Referrer-Policy", "same-origin");
  const auto& bytes = asset.file->bytes;
  response.body().assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  co_await exchange.send(std::move(response));
}

}  // namespace

asio::awaitable<void> route(Exchange& exchange) {
  std::string_view path = split_target(exchange.request().target()).path;
  if (path.starts_with("/files/")) co_return co_await route_files(exchange, path.substr(7));
  if (path == "/files") {
    auto method = exchange.request().method();
    if (method == Verb::get || method == Verb::head) {
      co_return co_await redirect_to_folder(exchange);
    }
    co_return co_await route_files(exchange, "");
  }
  if (path.starts_with("/api/")) co_return co_await route_api(exchange, path.substr(5));
  if (path.starts_with("/s/")) co_return co_await route_share(exchange, path.substr(3));
  if (path == "/" && exchange.request().method() == Verb::options) {
    co_return co_await dav::serve_options(exchange, "OPTIONS, GET, HEAD");  // Windows' probe
  }
  if (path == "/healthz") co_return co_await serve_healthz(exchange);
  if (path == "/metrics" &&
      exchange.services().server.config.metrics_mode == ServerConfig::MetricsMode::http) {
    co_return co_await serve_metrics(exchange);
  }
  if (path == "/ws/chat") {
    auto caller = co_await admit(exchange);
    if (caller) co_await serve_chat_socket(exchange, *caller);
    co_return;
  }
  co_await route_asset(exchange, path);
}

}  // namespace netdisk::server::http

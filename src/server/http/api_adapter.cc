#include "server/http/api_adapter.h"

#include <chrono>

#include <fmt/format.h>

#include "protocol/json_parser.h"
#include "server/http/cookies.h"
#include "server/http/dav/write_gate.h"
#include "server/http/exchange.h"
#include "server/http/http_services.h"
#include "server/http/responses.h"
#include "server/http/url.h"
#include "server/listing.h"

namespace netdisk::server::http {
namespace {

namespace asio = boost::asio;
using json = nlohmann::json;
using Input = ops::ApiRoute::Input;
using Cookie = ops::ApiRoute::Cookie;

Result<json> query_input(const Exchange& exchange, const ops::ApiRoute& route) {
  auto query = split_target(exchange.request().target()).query;
  json input = json::object();
  for (auto name : route.query_fields) {
    if (name.empty()) continue;
    auto value = query_param(query, name);
    if (!value) return std::move(value).error();
    if (*value) input[std::string(name)] = std::move(**value);
  }
  return input;
}

asio::awaitable<Result<json>> read_input(Exchange& exchange, const ops::ApiRoute& route) {
  if (route.input == Input::query) co_return query_input(exchange, route);
  if (route.input == Input::none) co_return json::object();
  auto body = co_await exchange.read_body(kMaxJsonBodyBytes);
  if (!body) co_return std::move(body).error();
  if (route.input == Input::optional_json && body->empty()) co_return json::object();
  co_return protocol::parse_json_object(*body);
}

// The reply's JSON text as the route answers it: the login token travels only in the cookie.
// A listing is written without a DOM (server/listing.h); its keys come in the order a DOM's
// dump() gives them ("entries" < "more" < "path"), so the text is the same either way.
std::string api_body(const ops::ApiRoute& route, const json& input, ops::OpReply reply) {
  json path = route.echoes_path && input.contains("path") ? input.at("path") : json("");
  if (!reply.listing) {
    if (route.echoes_path) reply.fields["path"] = std::move(path);
    if (route.cookie == Cookie::issue) reply.fields.erase("token");
    return reply.fields.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  std::string body = "{" + list_fields_text(*reply.listing);
  if (route.echoes_path) {
    body += ",\"path\":";
    body += path.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  body += '}';
  return body;
}

StringResponse api_response(Exchange& exchange, const ops::ApiRoute& route,
                            const ops::Session& session, std::string body) {
  std::string cookie;
  if (route.cookie == Cookie::issue) {
    auto expires = session.token_expires().value_or(std::chrono::system_clock::now());
    auto remaining = std::chrono::duration_cast<std::chrono::seconds>(
        expires - std::chrono::system_clock::now());
    cookie = session_cookie(session.token(), remaining, exchange.secure());
  } else if (route.cookie == Cookie::clear) {
    cookie = cleared_session_cookie(exchange.secure());
  }
  auto response = json_text_response(static_cast<bhttp::status>(route.status), std::move(body));
  if (!cookie.empty()) response.set(bhttp::field::set_cookie, cookie);
  return response;
}

}  // namespace

ops::Session http_session(Exchange& exchange, ops::Transport transport) {
  const auto& connection = exchange.connection();
  // Any request may name WebDAV lock tokens in an If header; the ops' lock check reads them.
  return ops::Session(exchange.services().server, transport, connection.peer_address,
                      connection.connection_id, dav::submitted_lock_tokens(exchange));
}

asio::awaitable<void> call_api(Exchange& exchange, const ops::OpInfo& op, ops::Session& session) {
  auto input = co_await read_input(exchange, op.api);
  if (!input) co_return co_await exchange.send_error(input.error());
  ops::OpCall call{exchange.services().server, session, *input};
  auto reply = co_await ops::dispatch(&op, op.name, call);
  if (!reply) co_return co_await exchange.send_error(reply.error());
  auto body = api_body(op.api, *input, std::move(*reply));
  auto response = api_response(exchange, op.api, session, std::move(body));
  co_await exchange.send(std::move(response));
}

}  // namespace netdisk::server::http

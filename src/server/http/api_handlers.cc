#include "server/http/api_handlers.h"

#include <chrono>

#include "common/time_format.h"
#include "protocol/fields.h"
#include "protocol/json_parser.h"
#include "server/http/auth.h"
#include "server/http/cookies.h"
#include "server/http/exchange.h"
#include "server/http/http_context.h"
#include "server/http/responses.h"
#include "server/http/url.h"
#include "server/http/user_store.h"
#include "server/listing.h"

namespace netdisk::server::http {
namespace {

namespace asio = boost::asio;
using json = nlohmann::json;

asio::awaitable<Result<json>> read_json(Exchange& exchange) {
  auto body = co_await exchange.read_body(kMaxJsonBodyBytes);
  if (!body) co_return std::move(body).error();
  co_return protocol::parse_json_object(*body);
}

struct Credentials {
  std::string username;
  std::string password;
};

Result<Credentials> credentials(const json& body) {
  auto username = protocol::string_field(body, "username");
  if (!username) return std::move(username).error();
  auto password = protocol::string_field(body, "password");
  if (!password) return std::move(password).error();
  return Credentials{std::string(*username), std::string(*password)};
}

asio::awaitable<void> ok(Exchange& exchange, bhttp::status status, json body) {
  co_await exchange.send(json_response(status, body));
}

}  // namespace

asio::awaitable<void> api_register(Exchange& exchange) {
  auto body = co_await read_json(exchange);
  if (!body) co_return co_await exchange.send_error(body.error());
  auto given = credentials(*body);
  if (!given) co_return co_await exchange.send_error(given.error());
  auto& accounts = exchange.context().server.accounts;
  auto registered = co_await accounts.register_user(given->username, given->password);
  if (!registered) co_return co_await exchange.send_error(registered.error());
  // Built first: GCC 12 miscompiles a braced JSON initializer inside a co_await expression.
  json reply = {{"username", given->username}};
  co_await ok(exchange, bhttp::status::created, std::move(reply));
}

asio::awaitable<void> api_login(Exchange& exchange) {
  auto body = co_await read_json(exchange);
  if (!body) co_return co_await exchange.send_error(body.error());
  auto given = credentials(*body);
  if (!given) co_return co_await exchange.send_error(given.error());
  auto& accounts = exchange.context().server.accounts;
  auto session =
      co_await accounts.login(given->username, given->password, exchange.connection().peer_address);
  if (!session) co_return co_await exchange.send_error(session.error());
  auto remaining = std::chrono::duration_cast<std::chrono::seconds>(
      session->expires - std::chrono::system_clock::now());
  auto response = json_response(bhttp::status::ok, {{"username", session->username},
                                                    {"expires", format_utc(session->expires)}});
  response.set(bhttp::field::set_cookie,
               session_cookie(session->token, remaining, exchange.secure()));
  co_await exchange.send(std::move(response));
}

asio::awaitable<void> api_logout(Exchange& exchange) {
  auto cookie = find_cookie(exchange.header(bhttp::field::cookie), kSessionCookie);
  if (cookie && !cookie->empty()) exchange.context().server.accounts.logout(*cookie);
  auto response = json_response(bhttp::status::ok, json::object());
  response.set(bhttp::field::set_cookie, cleared_session_cookie(exchange.secure()));
  co_await exchange.send(std::move(response));
}

asio::awaitable<void> api_me(Exchange& exchange, const Caller& caller) {
  json reply = {{"username", caller.username}};
  co_await ok(exchange, bhttp::status::ok, std::move(reply));
}

asio::awaitable<void> api_list(Exchange& exchange, const Caller& caller) {
  auto query = split_target(exchange.request().target()).query;
  auto path = query_param(query, "path");
  if (!path) co_return co_await exchange.send_error(path.error());
  auto after = query_param(query, "after");
  if (!after) co_return co_await exchange.send_error(after.error());
  std::string dir = path->value_or("");
  std::string start = after->value_or("");
  auto listed = co_await with_user_store(
      exchange.context().server, caller.username,
      [&dir, &start](storage::FileStore& store) -> Result<json> {
        auto page = list_page(store, dir, start);
        if (!page) return std::move(page).error();
        return json{{"path", dir}, {"entries", std::move(page->entries)}, {"more", page->more}};
      });
  if (!listed) co_return co_await exchange.send_error(listed.error());
  co_await ok(exchange, bhttp::status::ok, std::move(*listed));
}

asio::awaitable<void> api_mkdir(Exchange& exchange, const Caller& caller) {
  auto body = co_await read_json(exchange);
  if (!body) co_return co_await exchange.send_error(body.error());
  auto path = protocol::string_field(*body, "path");
  if (!path) co_return co_await exchange.send_error(path.error());
  auto parents = protocol::optional_bool_field(*body, "parents", false);
  if (!parents) co_return co_await exchange.send_error(parents.error());
  std::string target(*path);
  bool with_parents = *parents;
  auto made = co_await with_user_store(exchange.context().server, caller.username,
                                       [&target, with_parents](storage::FileStore& store) {
                                         return store.make_directory(target, with_parents);
                                       });
  if (!made) co_return co_await exchange.send_error(made.error());
  co_await ok(exchange, bhttp::status::created, json::object());
}

asio::awaitable<void> api_rename(Exchange& exchange, const Caller& caller) {
  auto body = co_await read_json(exchange);
  if (!body) co_return co_await exchange.send_error(body.error());
  auto from = protocol::string_field(*body, "from");
  if (!from) co_return co_await exchange.send_error(from.error());
  auto to = protocol::string_field(*body, "to");
  if (!to) co_return co_await exchange.send_error(to.error());
  std::string source(*from), target(*to);
  auto renamed = co_await with_user_store(
      exchange.context().server, caller.username,
      [&source, &target](storage::FileStore& store) { return store.rename(source, target); });
  if (!renamed) co_return co_await exchange.send_error(renamed.error());
  co_await ok(exchange, bhttp::status::ok, json::object());
}

}  // namespace netdisk::server::http

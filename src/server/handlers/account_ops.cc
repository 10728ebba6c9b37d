#include "server/handlers/account_ops.h"

#include "common/time_format.h"
#include "protocol/fields.h"
#include "server/connection.h"
#include "server/server_context.h"

namespace netdisk::server::handlers {

boost::asio::awaitable<HandlerResult> register_user(RequestContext& context) {
  auto username = protocol::string_field(context.request.body, "username");
  if (!username) co_return std::move(username).error();
  auto password = protocol::string_field(context.request.body, "password");
  if (!password) co_return std::move(password).error();
  std::string name(*username);
  auto& accounts = context.connection.server().accounts;
  auto registered = co_await accounts.register_user(name, std::string(*password));
  if (!registered.ok()) co_return std::move(registered).error();
  co_return reply_with({{"username", name}});
}

boost::asio::awaitable<HandlerResult> login(RequestContext& context) {
  auto& connection = context.connection;
  auto& accounts = connection.server().accounts;
  auto token = protocol::optional_string_field(context.request.body, "token");
  if (!token) co_return std::move(token).error();
  if (*token) {
    auto user = accounts.resume(**token);
    if (!user) co_return std::move(user).error();
    connection.log_in(*user, std::string(**token));
    co_return reply_with({{"username", *user}, {"token", **token}});
  }
  auto username = protocol::string_field(context.request.body, "username");
  if (!username) co_return std::move(username).error();
  auto password = protocol::string_field(context.request.body, "password");
  if (!password) co_return std::move(password).error();
  auto session = co_await accounts.login(std::string(*username), std::string(*password),
                                         connection.peer_address());
  if (!session) co_return std::move(session).error();
  connection.log_in(session->username, session->token);
  co_return reply_with({{"username", session->username},
                        {"token", session->token},
                        {"expires", format_utc(session->expires)}});
}

boost::asio::awaitable<HandlerResult> logout(RequestContext& context) {
  auto& connection = context.connection;
  connection.server().accounts.logout(connection.session_token());
  connection.log_out();
  co_return reply_with(nlohmann::json::object());
}

boost::asio::awaitable<HandlerResult> whoami(RequestContext& context) {
  co_return reply_with({{"username", *context.connection.user()}});
}

}  // namespace netdisk::server::handlers

#include "server/ops/account_ops.h"

#include "common/time_format.h"
#include "protocol/fields.h"
#include "server/blocking.h"
#include "server/ops/session.h"
#include "server/services.h"

namespace netdisk::server::ops {

boost::asio::awaitable<OpResult> register_user(OpCall& call) {
  auto username = protocol::string_field(call.body, "username");
  if (!username) co_return std::move(username).error();
  auto password = protocol::string_field(call.body, "password");
  if (!password) co_return std::move(password).error();
  auto invite = protocol::optional_string_field(call.body, "invite");
  if (!invite) co_return std::move(invite).error();
  auto& server = call.server;
  // The policy first: with registration closed nothing else is looked at, and in invite mode
  // the code's use is taken (durably) before the account exists, so a code's last use cannot
  // admit two racing registrations. It goes back if the registration fails.
  std::string code(invite->value_or(std::string_view{}));
  auto ticket = co_await run_blocking(server.blocking_pool,
                                      [&server, &code] { return server.registration->admit(code); });
  if (!ticket) co_return std::move(ticket).error();
  std::string name(*username);
  auto registered = co_await server.accounts.register_user(name, std::string(*password));
  if (!registered.ok()) {
    if (!ticket->digest.empty()) {
      co_await run_blocking(server.blocking_pool,
                            [&server, &ticket] { server.registration->refund(*ticket); });
    }
    co_return std::move(registered).error();
  }
  co_return reply_with({{"username", name}});
}

boost::asio::awaitable<OpResult> login(OpCall& call) {
  auto& accounts = call.server.accounts;
  auto token = protocol::optional_string_field(call.body, "token");
  if (!token) co_return std::move(token).error();
  if (*token) {
    std::string presented(**token);  // a named local: no temporary inside the co_await
    auto user = co_await accounts.resume_login(std::move(presented));
    if (!user) co_return std::move(user).error();
    call.session.log_in(*user, std::string(**token));
    co_return reply_with({{"username", *user}, {"token", **token}});
  }
  auto username = protocol::string_field(call.body, "username");
  if (!username) co_return std::move(username).error();
  auto password = protocol::string_field(call.body, "password");
  if (!password) co_return std::move(password).error();
  auto granted = co_await accounts.login(std::string(*username), std::string(*password),
                                         call.session.address());
  if (!granted) co_return std::move(granted).error();
  call.session.log_in(granted->username, granted->token, granted->expires);
  co_return reply_with({{"username", granted->username},
                        {"token", granted->token},
                        {"expires", format_utc(granted->expires)}});
}

boost::asio::awaitable<OpResult> logout(OpCall& call) {
  auto all = protocol::optional_bool_field(call.body, "all", false);
  if (!all) co_return std::move(all).error();
  auto& accounts = call.server.accounts;
  std::string token = call.session.token();
  Status ended;
  if (*all) {
    // Over HTTP the caller is whoever the cookie's token names.
    Result<std::string> user = make_error(Errc::not_logged_in, "not logged in");
    if (call.session.user()) {
      user = *call.session.user();
    } else {
      std::string cookie = token;
      auto resumed = co_await accounts.resume_login(std::move(cookie));
      user = std::move(resumed);
    }
    if (!user) co_return make_error(Errc::not_logged_in, "log in to end every session");
    ended = co_await accounts.logout_everywhere(std::move(*user));
  } else if (!token.empty()) {
    // Over HTTP the token is the cookie's, unchecked: ending an expired one is no error.
    ended = co_await accounts.logout(std::move(token));
  }
  call.session.log_out();  // this caller is logged out even if recording it failed
  if (!ended.ok()) co_return std::move(ended).error();
  co_return reply_with(nlohmann::json::object());
}

boost::asio::awaitable<OpResult> change_password(OpCall& call) {
  auto old_password = protocol::string_field(call.body, "old_password");
  if (!old_password) co_return std::move(old_password).error();
  auto new_password = protocol::string_field(call.body, "new_password");
  if (!new_password) co_return std::move(new_password).error();
  const std::string& user = *call.session.user();
  auto changed = co_await call.server.accounts.change_password(
      user, std::string(*old_password), std::string(*new_password), call.session.address(),
      call.session.token());
  if (!changed.ok()) co_return std::move(changed).error();
  co_return reply_with({{"username", user}});
}

boost::asio::awaitable<OpResult> whoami(OpCall& call) {
  co_return reply_with({{"username", *call.session.user()}});
}

}  // namespace netdisk::server::ops

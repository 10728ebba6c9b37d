// The JSON API under /api (docs/HTTP.md): register, login (sets the session cookie), logout,
// me, list, mkdir and rename. Each parses its input strictly (protocol::parse_json_object,
// the same typed fields as the TCP ops), calls AccountService or a FileStore on the blocking
// pool, and answers JSON. The router has already checked CSRF for state-changing requests.
// Session thread.
#pragma once

#include <boost/asio/awaitable.hpp>

namespace netdisk::server::http {

class Exchange;
struct Caller;

boost::asio::awaitable<void> api_register(Exchange& exchange);
boost::asio::awaitable<void> api_login(Exchange& exchange);
boost::asio::awaitable<void> api_logout(Exchange& exchange);
boost::asio::awaitable<void> api_me(Exchange& exchange, const Caller& caller);
boost::asio::awaitable<void> api_list(Exchange& exchange, const Caller& caller);
boost::asio::awaitable<void> api_mkdir(Exchange& exchange, const Caller& caller);
boost::asio::awaitable<void> api_rename(Exchange& exchange, const Caller& caller);

}  // namespace netdisk::server::http

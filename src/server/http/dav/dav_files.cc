#include "server/http/dav/dav_files.h"

#include "server/http/auth.h"
#include "server/http/dav/copy_move.h"
#include "server/http/dav/lock.h"
#include "server/http/dav/mkcol.h"
#include "server/http/dav/propfind.h"
#include "server/http/dav/proppatch.h"
#include "server/http/exchange.h"
#include "server/http/responses.h"

namespace netdisk::server::http::dav {

using Verb = bhttp::verb;

bool is_dav_method(Verb method) {
  return method == Verb::propfind || method == Verb::proppatch || method == Verb::mkcol ||
         method == Verb::copy || method == Verb::move || method == Verb::lock ||
         method == Verb::unlock;
}

boost::asio::awaitable<void> serve_options(Exchange& exchange, std::string_view allow) {
  StringResponse response{bhttp::status::ok, 11};
  response.set(bhttp::field::allow, allow);
  response.set("DAV", "1, 2");  // class 2: LOCK and UNLOCK (dav/lock.h)
  response.set("MS-Author-Via", "DAV");
  co_await exchange.send(std::move(response));
}

boost::asio::awaitable<void> serve_dav(Exchange& exchange, const Caller& caller,
                                       const std::string& path, bool folder_url) {
  switch (exchange.request().method()) {
    case Verb::propfind:
      co_return co_await serve_propfind(exchange, caller, path, folder_url);
    case Verb::proppatch:
      co_return co_await serve_proppatch(exchange, caller, path, folder_url);
    case Verb::mkcol:
      co_return co_await serve_mkcol(exchange, caller, path);
    case Verb::copy:
      co_return co_await serve_copy_move(exchange, caller, path, false);
    case Verb::lock:
      co_return co_await serve_lock(exchange, caller, path);
    case Verb::unlock:
      co_return co_await serve_unlock(exchange, caller, path);
    default:  // MOVE: is_dav_method() let nothing else through
      co_return co_await serve_copy_move(exchange, caller, path, true);
  }
}

}  // namespace netdisk::server::http::dav

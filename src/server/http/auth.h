// Who is calling, and may they change things. A request authenticates with HTTP Basic
// credentials (checked on every request through AccountService::check_password: the login
// throttle, then the credential cache, and Argon2id on the bounded hashing pool only when the
// cache does not hold them) or with the session cookie (AccountService::resume).
// State-changing requests also pass check_csrf(). Connection thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "common/result.h"

namespace netdisk::server::http {

class Exchange;

struct Caller {
  std::string username;
  bool basic = false;  // authenticated by an Authorization: Basic header
};

// not_logged_in without credentials; auth_failed, rate_limited, server_busy,
// session_expired from the account service.
boost::asio::awaitable<Result<Caller>> authenticate(Exchange& exchange);

// The password of an "Authorization: Basic" value, whatever user name it carries (a share
// link's password: http/share_route.h); nullopt when the value is missing or malformed.
std::optional<std::string> basic_password(std::string_view authorization);

// "http://<Host>", or "https://<Host>" over TLS: the origin of pages this server served.
std::string own_origin(const Exchange& exchange);

// The cross-site rule of csrf.h applied to this request (its method, Origin, Referer and
// X-NetDisk-CSRF headers, against own_origin). permission_denied if it is refused.
Status check_csrf(const Exchange& exchange, bool basic);

// True when the request comes from the page's scripts (it sends X-NetDisk-CSRF on every call):
// a 401 then carries no WWW-Authenticate, so the browser shows no password dialog.
bool from_page_script(const Exchange& exchange);

// The Basic challenge for a 401.
inline constexpr const char* kBasicChallenge = "Basic realm=\"NetDisk\", charset=\"UTF-8\"";

}  // namespace netdisk::server::http

#include "server/http/auth.h"

#include <sodium.h>

#include <array>
#include <cctype>

#include "server/http/cookies.h"
#include "server/http/csrf.h"
#include "server/http/exchange.h"
#include "server/http/http_services.h"
#include "server/services.h"

namespace netdisk::server::http {
namespace {

std::optional<std::string> base64_decode(std::string_view in) {
  static const auto table = [] {
    std::array<int, 256> t{};
    t.fill(-1);
    constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t i = 0; i < alphabet.size(); ++i) {
      t[static_cast<unsigned char>(alphabet[i])] = static_cast<int>(i);
    }
    return t;
  }();
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (char c : in) {
    int v = table[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<unsigned>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  return out;
}

bool iequals_prefix(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

boost::asio::awaitable<Result<Caller>> authenticate(Exchange& exchange) {
  auto authorization = exchange.header(bhttp::field::authorization);
  auto& connection = exchange.connection();
  auto& accounts = exchange.services().server.accounts;
  if (!authorization.empty()) {
    if (!iequals_prefix(authorization, "Basic ")) {
      co_return make_error(Errc::auth_failed, "only Basic authorization is supported");
    }
    auto decoded = base64_decode(authorization.substr(6));
    auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) {
      co_return make_error(Errc::auth_failed, "malformed Basic credentials");
    }
    std::string username = decoded->substr(0, colon);
    std::string password = decoded->substr(colon + 1);
    sodium_memzero(decoded->data(), decoded->size());
    // Every request is checked (throttle, then the credential cache or Argon2id): no token is
    // made, and nothing about the credentials is kept with the connection.
    auto user = co_await accounts.check_password(std::move(username), std::move(password),
                                                 connection.peer_address);
    if (!user) co_return std::move(user).error();
    co_return Caller{std::move(*user), true};
  }
  auto cookie = find_cookie(exchange.header(bhttp::field::cookie), kSessionCookie);
  if (!cookie || cookie->empty()) co_return make_error(Errc::not_logged_in, "please log in");
  std::string token(*cookie);  // a named local: no temporary inside the co_await (GCC 12)
  auto user = co_await accounts.resume_login(std::move(token));
  if (!user) co_return std::move(user).error();
  co_return Caller{std::move(*user), false};
}

std::optional<std::string> basic_password(std::string_view authorization) {
  if (!iequals_prefix(authorization, "Basic ")) return std::nullopt;
  auto decoded = base64_decode(authorization.substr(6));
  auto colon = decoded ? decoded->find(':') : std::string::npos;
  if (colon == std::string::npos) return std::nullopt;
  std::string password = decoded->substr(colon + 1);
  sodium_memzero(decoded->data(), decoded->size());
  return password;
}

std::string own_origin(const Exchange& exchange) {
  return (exchange.secure() ? "https://" : "http://") +
         std::string(exchange.header(bhttp::field::host));
}

Status check_csrf(const Exchange& exchange, bool basic) {
  return check_csrf(RequestOrigin{exchange.request().method(),
                                  exchange.header(bhttp::field::origin),
                                  exchange.header(bhttp::field::referer),
                                  exchange.header(kCsrfHeader), own_origin(exchange), basic});
}

bool from_page_script(const Exchange& exchange) { return !exchange.header(kCsrfHeader).empty(); }

}  // namespace netdisk::server::http

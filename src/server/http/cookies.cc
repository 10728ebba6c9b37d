#include "server/http/cookies.h"

#include <fmt/format.h>

#include "server/http/field_text.h"

namespace netdisk::server::http {

std::optional<std::string_view> find_cookie(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto semi = header.find(';');
    auto pair = trim_ows(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos || trim_ows(pair.substr(0, eq)) != name) continue;
    auto value = trim_ows(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return value;
  }
  return std::nullopt;
}

// Secure only over TLS: a browser never sends a Secure cookie back over plain HTTP, so setting
// it there would break the login.
std::string session_cookie(std::string_view token, std::chrono::seconds max_age, bool secure) {
  return fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}", kSessionCookie,
                     token, max_age.count(), secure ? "; Secure" : "");
}

std::string cleared_session_cookie(bool secure) {
  return fmt::format("{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{}", kSessionCookie,
                     secure ? "; Secure" : "");
}

}  // namespace netdisk::server::http

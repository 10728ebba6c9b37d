// The session cookie: parsing the Cookie header and the Set-Cookie values that set and clear
// "netdisk_session" (HttpOnly, SameSite=Strict, Path=/; Secure when served over TLS). Pure
// functions; any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace netdisk::server::http {

inline constexpr std::string_view kSessionCookie = "netdisk_session";

// The value of cookie `name` in a Cookie header ("a=1; b=2"), if present.
std::optional<std::string_view> find_cookie(std::string_view header, std::string_view name);

// Set-Cookie values. `max_age` is the session's remaining lifetime; `secure`: served over TLS.
std::string session_cookie(std::string_view token, std::chrono::seconds max_age, bool secure);
std::string cleared_session_cookie(bool secure);

}  // namespace netdisk::server::http

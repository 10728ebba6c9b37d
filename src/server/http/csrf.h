// The cross-site request rule of the HTTP side (docs/HTTP.md, "Cross-site requests"), as a pure
// function of what a request says about where it comes from, so it is tested without a socket.
// auth.h's check_csrf(Exchange&) gathers these facts from a request and calls it. Any thread.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "server/http/beast_fwd.h"

namespace netdisk::server::http {

inline constexpr std::string_view kCsrfHeader = "X-NetDisk-CSRF";

struct RequestOrigin {
  bhttp::verb method = bhttp::verb::get;
  std::string_view origin;       // the Origin header, empty when absent
  std::string_view referer;      // the Referer header, empty when absent
  std::string_view csrf_header;  // the X-NetDisk-CSRF header, empty when absent
  std::string self;              // own_origin(): "http://<Host>" or "https://<Host>"
  bool basic = false;            // the request carried Basic credentials
};

// For a method that changes state (anything but GET, HEAD, OPTIONS): Origin and Referer, when
// present, must name this server; and unless the request carried Basic credentials it must
// have "X-NetDisk-CSRF: 1", a header no cross-site form can add and no cross-site script can
// add without a CORS preflight we never grant. permission_denied, saying which, if not.
Status check_csrf(const RequestOrigin& request);

}  // namespace netdisk::server::http

#include "server/http/csrf.h"

namespace netdisk::server::http {
namespace {

bool is_safe_method(bhttp::verb method) {
  return method == bhttp::verb::get || method == bhttp::verb::head ||
         method == bhttp::verb::options;
}

}  // namespace

Status check_csrf(const RequestOrigin& request) {
  if (is_safe_method(request.method)) return {};
  auto refused = [](std::string why) { return make_error(Errc::permission_denied, why); };
  const std::string& self = request.self;
  if (!request.origin.empty() && request.origin != self) {
    return refused("cross-site request refused (Origin does not match)");
  }
  // A Referer is a whole URL: this server's origin alone, or followed by a path.
  const auto& referer = request.referer;
  if (!referer.empty() && referer != self && !referer.starts_with(self + "/")) {
    return refused("cross-site request refused (Referer does not match)");
  }
  if (!request.basic && request.csrf_header != "1") {
    return refused("missing the X-NetDisk-CSRF: 1 header");
  }
  return {};
}

}  // namespace netdisk::server::http

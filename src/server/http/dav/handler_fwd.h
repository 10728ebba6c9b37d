// What every WebDAV handler's header names without needing its definition: the exchange it
// answers on (server/http/exchange.h) and the authenticated caller (server/http/auth.h), and
// the awaitable a handler returns. Declared once here for the headers of this folder.
#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>

namespace netdisk::server::http {
class Exchange;
struct Caller;
}  // namespace netdisk::server::http

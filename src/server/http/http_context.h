// HttpContext: what every HTTP session shares: the server's services and the registry of live
// sessions. Owned by HttpServer, which outlives every session.
#pragma once

#include "server/http/session_registry.h"

namespace netdisk::server {
struct ServerContext;
}

namespace netdisk::server::http {

struct HttpContext {
  ServerContext& server;
  SessionRegistry sessions;
};

}  // namespace netdisk::server::http

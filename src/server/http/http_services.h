// HttpServices: what every HTTP connection shares: the server's services and the registry of live
// connections. Owned by HttpServer, which outlives every connection.
#pragma once

#include "server/http/connection_registry.h"

namespace netdisk::server {
struct Services;
}

namespace netdisk::server::http {

struct HttpServices {
  Services& server;
  ConnectionRegistry connections;
};

}  // namespace netdisk::server::http

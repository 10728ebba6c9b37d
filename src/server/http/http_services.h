// HttpServices: what every HTTP connection shares: the server's services, the registry of live
// connections and the WebDAV locks (the server's, Services::locks: in memory, a restart drops
// them). Owned by HttpServer, which outlives every connection.
#pragma once

#include "server/dav/lock_table.h"
#include "server/http/connection_registry.h"

namespace netdisk::server {
struct Services;
}

namespace netdisk::server::http {

struct HttpServices {
  Services& server;
  ConnectionRegistry connections;
  server::dav::LockTable& locks;  // Services::locks; HttpServer sweeps it
};

}  // namespace netdisk::server::http

// HttpServices: what every HTTP connection shares: the server's services, the registry of live
// connections and the WebDAV locks (the server's, Services::locks: in memory, or cluster mode's
// PostgreSQL). Owned by HttpServer, which outlives every connection.
#pragma once

#include "server/dav/lock_store.h"
#include "server/http/connection_registry.h"

namespace netdisk::server {
struct Services;
}

namespace netdisk::server::http {

struct HttpServices {
  Services& server;
  ConnectionRegistry connections;
  server::dav::LockStore& locks;  // *Services::locks; HttpServer sweeps it
};

}  // namespace netdisk::server::http

// Server: owns everything netdiskd runs: the I/O workers, the blocking pool, the listener and
// the shared services. run() blocks until SIGINT/SIGTERM (or stop()) and a graceful shutdown:
// stop accepting, let in-flight requests finish within the grace period, then close the rest.
// SIGHUP reloads the configuration (server/service/reloader.h).
#pragma once

#include <memory>

#include "server/server_config.h"
#include "server/service/reloader.h"

namespace netdisk::server {

class Server {
 public:
  // `reread` parses the configuration again on SIGHUP (empty: SIGHUP only reopens the log).
  explicit Server(ServerConfig config, Reloader::Reread reread = {});
  ~Server();

  // Binds, serves and returns after a graceful shutdown. Throws on start-up failures (for
  // example the port is taken), with a message for the administrator.
  void run();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace netdisk::server

// Reloader: what SIGHUP does. Reopens --log-file, parses the same --config file and flags
// again, and applies what can change live (log levels, LiveSettings, the account settings);
// every other option that changed is logged as needing a restart. A configuration that does
// not parse or validate is refused whole: the running one stays, and the log says why
// (FILE:LINE). Tells systemd RELOADING=1 ... READY=1 around it. Owned by Server::run();
// reload() blocks on the disk: run it on the blocking pool. Reloads never overlap.
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>

#include "server/server_config.h"

namespace netdisk::server {

struct Services;

class Reloader {
 public:
  // The configuration parsed again; throws std::invalid_argument with a message for the
  // administrator (service/config_source.h's reparse_command_line()).
  using Reread = std::function<ServerConfig()>;

  // `started` is the configuration as parsed at start-up (before the server filled in any
  // default of its own, such as its TLS files). `ready_status` is the STATUS= of READY=1.
  Reloader(Services& services, ServerConfig started, Reread reread, std::string ready_status);

  void reload();

 private:
  void apply(const ServerConfig& wanted);

  Services& services_;
  const ServerConfig started_;  // what restart_changes() compares with
  ServerConfig applied_;        // the live settings in force
  Reread reread_;
  const std::string ready_status_;
  std::mutex mutex_;  // one reload at a time: two quick SIGHUPs run one after the other
};

// Waits on `hangups` (a signal_set of SIGHUP) and runs `reloader.reload()` on `pool` for each
// signal, until the set is cancelled (the shutdown).
boost::asio::awaitable<void> reload_on_sighup(boost::asio::signal_set& hangups, Reloader& reloader,
                                              boost::asio::thread_pool& pool);

}  // namespace netdisk::server

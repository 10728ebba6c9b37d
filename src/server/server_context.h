// ServerContext: the services every connection and handler shares: the configuration, the
// blocking pool and (as features land) the user registry, sessions and chat room. Owned by
// Server, which outlives every connection; members are thread-safe or immutable.
#pragma once

#include <atomic>
#include <cstddef>

#include <boost/asio/thread_pool.hpp>

#include "server/server_config.h"

namespace netdisk::server {

struct ServerContext {
  explicit ServerContext(const ServerConfig& cfg)
      : config(cfg), blocking_pool(cfg.blocking_threads) {}

  const ServerConfig config;
  boost::asio::thread_pool blocking_pool;
  std::atomic<std::size_t> open_connections{0};
  std::atomic<bool> shutting_down{false};
};

}  // namespace netdisk::server

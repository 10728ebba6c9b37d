// What cluster mode (--storage cluster, issue #22) puts behind the WebDAV locks: make_lock_store()
// gives Services the in-memory LocalLockStore on a single machine, and in cluster mode the
// PostgreSQL one every node shares (cluster/locks/pg_lock_store.h), queried without blocking
// the I/O threads. Called once by Services' constructor (main thread, start-up); in cluster mode
// it blocks on the network then, to make sure of the table.
#pragma once

#include <memory>

#include <boost/asio/thread_pool.hpp>

#include "server/clock.h"
#include "server/dav/lock_store.h"
#include "server/server_config.h"

namespace netdisk::server {

// Throws std::runtime_error with a message for the administrator when the table cannot be made.
std::unique_ptr<dav::LockStore> make_lock_store(const ServerConfig& config,
                                                boost::asio::thread_pool& blocking_pool, Now now);

}  // namespace netdisk::server

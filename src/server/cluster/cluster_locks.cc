#include "server/cluster/cluster_locks.h"

#include <stdexcept>

#include <fmt/format.h>

#include "cluster/locks/pg_lock_store.h"
#include "server/dav/local_lock_store.h"

namespace netdisk::server {
namespace {

// LOCK, UNLOCK and the lock check of every write are single short statements (a LOCK is a
// five-statement transaction): a few connections per node, and a write that cannot be checked
// within the deadline is refused (server_busy) rather than held.
constexpr cluster::pg::AsyncPgPool::Options kLockPool{4, std::chrono::seconds(5)};

}  // namespace

std::unique_ptr<dav::LockStore> make_lock_store(const ServerConfig& config,
                                                boost::asio::thread_pool& blocking_pool, Now now) {
  if (config.storage_kind != ServerConfig::StorageKind::cluster) {
    return std::make_unique<dav::LocalLockStore>(std::move(now));
  }
  auto store = cluster::PgLockStore::open(config.pg_conninfo, blocking_pool, kLockPool,
                                          dav::LockTable::Limits{}, std::move(now));
  if (!store) {
    throw std::runtime_error(
        fmt::format("cannot prepare the WebDAV locks in PostgreSQL: {}", store.error().message));
  }
  return std::move(*store);
}

}  // namespace netdisk::server

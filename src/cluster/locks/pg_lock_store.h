// PgLockStore: cluster mode's WebDAV write locks (issue #22), one table for every node
// (netdisk.dav_locks, docs/SCALING.md), queried through the non-blocking AsyncPgPool so the
// I/O threads that ask never block. A new lock is decided inside one transaction holding an
// advisory lock keyed by the user, so two nodes cannot both grant conflicting locks. Expiry
// is a wall-clock instant (epoch milliseconds, the nodes' clocks: keep them in sync): expired
// rows are ignored by every query and deleted by sweep(). Thread-safe; the pool outlives it.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "cluster/pg/async_pg.h"
#include "cluster/pg/pg.h"
#include "server/clock.h"
#include "server/dav/lock_store.h"

namespace netdisk::cluster {

class PgLockStore final : public server::dav::LockStore {
 public:
  using Limits = server::dav::LockTable::Limits;

  // Creates netdisk.dav_locks if missing, through `setup` (blocking: start-up only).
  static pg::PgStatus ensure_table(pg::PgPool& setup);
  // A node's store: the table made sure of (blocking, start-up only), then a store that owns
  // its non-blocking pool of `options.size` connections.
  static pg::PgResultOf<std::unique_ptr<PgLockStore>> open(const std::string& conninfo,
                                                           boost::asio::thread_pool& blocking,
                                                           pg::AsyncPgPool::Options options,
                                                           Limits limits, server::Now now);

  // `now` dates the steady-clock expiry ActiveLock carries (lockdiscovery's timeout); `wall`
  // dates the shared rows. Tests hand in clocks they move.
  PgLockStore(pg::AsyncPgPool& pool, Limits limits, server::Now now = &server::steady_now,
              server::WallNow wall = &server::wall_now);

  boost::asio::awaitable<Outcome> lock(const std::string& user, const std::string& path,
                                       const server::dav::LockRequest& request) override;
  boost::asio::awaitable<Outcome> refresh(const std::string& user, const std::string& path,
                                          const std::string& token,
                                          std::chrono::seconds timeout) override;
  boost::asio::awaitable<Outcome> unlock(const std::string& user, const std::string& path,
                                         const std::string& token) override;
  boost::asio::awaitable<Blocker> blocker(const std::string& user, const std::string& path,
                                          const std::vector<std::string>& submitted,
                                          bool subtree) override;
  boost::asio::awaitable<std::vector<server::dav::ActiveLock>> held_by(
      const std::string& user) override;
  boost::asio::awaitable<void> forget_tree(const std::string& user,
                                           const std::string& path) override;
  // Deletes expired rows at most once a minute per node (every query ignores them anyway).
  boost::asio::awaitable<std::size_t> sweep() override;

 private:
  std::int64_t wall_ms() const;
  std::vector<server::dav::ActiveLock> locks_of(const pg::PgResult& rows) const;
  boost::asio::awaitable<pg::PgResultOf<std::vector<server::dav::ActiveLock>>> current(
      pg::AsyncPgPool::Lease& lease, const std::string& user);
  // The user's current lock `token` when its scope takes in `path`; nullopt otherwise.
  boost::asio::awaitable<
      BasicResult<std::optional<server::dav::ActiveLock>, server::dav::LockFailure>>
  find_token(const std::string& user, const std::string& path, const std::string& token);
  boost::asio::awaitable<Outcome> insert_checked(pg::AsyncPgPool::Lease& lease,
                                                 const std::string& user, const std::string& path,
                                                 const server::dav::LockRequest& request);

  std::unique_ptr<pg::AsyncPgPool> owned_pool_;  // open()'s; tests lend one instead
  pg::AsyncPgPool& pool_;
  const Limits limits_;
  server::Now now_;
  server::WallNow wall_;
  std::atomic<std::int64_t> next_sweep_ms_{0};
};

}  // namespace netdisk::cluster

// LockStore: where the WebDAV write locks live, as every caller sees them: coroutines on the
// I/O threads (the op layer's lock check, the WebDAV handlers, the sweep). One per server
// (Services::locks), picked at start-up: LocalLockStore (the in-memory LockTable, one node's)
// or, in cluster mode, cluster::PgLockStore (PostgreSQL, every node's). Paths, users and rules
// are LockTable's (lock_table.h). Implementations are thread-safe and never block the calling
// thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "common/result.h"
#include "server/dav/lock_table.h"

namespace netdisk::server::dav {

class LockStore {
 public:
  using Outcome = BasicResult<ActiveLock, LockFailure>;
  // The root of the lock that forbids the write, nullopt when it may go ahead.
  using Blocker = BasicResult<std::optional<std::string>, LockFailure>;

  virtual ~LockStore() = default;

  // As LockTable's calls of the same names; any of them may also fail with `unavailable`.
  virtual boost::asio::awaitable<Outcome> lock(const std::string& user, const std::string& path,
                                               const LockRequest& request) = 0;
  virtual boost::asio::awaitable<Outcome> refresh(const std::string& user, const std::string& path,
                                                  const std::string& token,
                                                  std::chrono::seconds timeout) = 0;
  virtual boost::asio::awaitable<Outcome> unlock(const std::string& user, const std::string& path,
                                                 const std::string& token) = 0;
  virtual boost::asio::awaitable<Blocker> blocker(const std::string& user, const std::string& path,
                                                  const std::vector<std::string>& submitted,
                                                  bool subtree) = 0;
  // Every current lock of `user`, oldest first (lockdiscovery and the If header's state
  // tokens are read from these: one look per request, whatever the number of names). Empty
  // when the store did not answer (logged).
  virtual boost::asio::awaitable<std::vector<ActiveLock>> held_by(const std::string& user) = 0;
  // Drops the locks rooted at `path` and below (the names are gone).
  virtual boost::asio::awaitable<void> forget_tree(const std::string& user,
                                                   const std::string& path) = 0;
  // Drops expired locks; returns how many. Called once a second by one I/O thread.
  virtual boost::asio::awaitable<std::size_t> sweep() = 0;
};

}  // namespace netdisk::server::dav

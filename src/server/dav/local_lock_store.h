// LocalLockStore: the LockStore of a single-machine server: the in-memory LockTable, behaviour
// unchanged (a restart drops the locks). Each call is the table's plain call, done before the
// coroutine first suspends; it never waits. Thread-safe (the table's mutex).
#pragma once

#include "server/clock.h"
#include "server/dav/lock_store.h"
#include "server/dav/lock_table.h"

namespace netdisk::server::dav {

class LocalLockStore final : public LockStore {
 public:
  explicit LocalLockStore(Now now) : table_(std::move(now)) {}
  LocalLockStore(Now now, LockTable::Limits limits) : table_(std::move(now), limits) {}

  boost::asio::awaitable<Outcome> lock(const std::string& user, const std::string& path,
                                       const LockRequest& request) override;
  boost::asio::awaitable<Outcome> refresh(const std::string& user, const std::string& path,
                                          const std::string& token,
                                          std::chrono::seconds timeout) override;
  boost::asio::awaitable<Outcome> unlock(const std::string& user, const std::string& path,
                                         const std::string& token) override;
  boost::asio::awaitable<Blocker> blocker(const std::string& user, const std::string& path,
                                          const std::vector<std::string>& submitted,
                                          bool subtree) override;
  boost::asio::awaitable<std::vector<ActiveLock>> held_by(const std::string& user) override;
  boost::asio::awaitable<void> forget_tree(const std::string& user,
                                           const std::string& path) override;
  boost::asio::awaitable<std::size_t> sweep() override;

  LockTable& table() noexcept { return table_; }

 private:
  LockTable table_;
};

}  // namespace netdisk::server::dav

#include "server/dav/local_lock_store.h"

namespace netdisk::server::dav {

namespace asio = boost::asio;

asio::awaitable<LockStore::Outcome> LocalLockStore::lock(const std::string& user,
                                                         const std::string& path,
                                                         const LockRequest& request) {
  co_return table_.lock(user, path, request);
}

asio::awaitable<LockStore::Outcome> LocalLockStore::refresh(const std::string& user,
                                                            const std::string& path,
                                                            const std::string& token,
                                                            std::chrono::seconds timeout) {
  co_return table_.refresh(user, path, token, timeout);
}

asio::awaitable<LockStore::Outcome> LocalLockStore::unlock(const std::string& user,
                                                           const std::string& path,
                                                           const std::string& token) {
  co_return table_.unlock(user, path, token);
}

asio::awaitable<LockStore::Blocker> LocalLockStore::blocker(
    const std::string& user, const std::string& path, const std::vector<std::string>& submitted,
    bool subtree) {
  co_return table_.blocker(user, path, submitted, subtree);
}

asio::awaitable<std::vector<ActiveLock>> LocalLockStore::held_by(const std::string& user) {
  co_return table_.held_by(user);
}

asio::awaitable<void> LocalLockStore::forget_tree(const std::string& user,
                                                  const std::string& path) {
  table_.forget_tree(user, path);
  co_return;
}

asio::awaitable<std::size_t> LocalLockStore::sweep() {
  // An empty table costs one look at its size, as before.
  if (table_.size() == 0) co_return 0;
  co_return table_.sweep();
}

}  // namespace netdisk::server::dav

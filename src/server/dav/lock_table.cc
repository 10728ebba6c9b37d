#include "server/dav/lock_table.h"

#include <algorithm>

#include "server/dav/lock_rules.h"

namespace netdisk::server::dav {
namespace {

// Whether a lock of `depth` rooted at `root` takes in `path`.
bool scope_takes_in(std::string_view root, LockDepth depth, std::string_view path) {
  return depth == LockDepth::infinity ? path_within(path, root) : path == root;
}

}  // namespace

bool path_within(std::string_view path, std::string_view root) {
  if (root.empty()) return true;
  if (!path.starts_with(root)) return false;
  return path.size() == root.size() || path[root.size()] == '/';
}

std::chrono::seconds ActiveLock::remaining(TimePoint now) const {
  if (expires <= now) return std::chrono::seconds(0);
  return std::chrono::ceil<std::chrono::seconds>(expires - now);
}

bool ActiveLock::covers(std::string_view path) const { return scope_takes_in(root, depth, path); }

LockTable::LockTable(Now now) : LockTable(std::move(now), Limits{}) {}

LockTable::LockTable(Now now, Limits limits) : now_(std::move(now)), limits_(limits) {}

std::chrono::seconds LockTable::granted(std::chrono::seconds asked) const {
  if (asked.count() <= 0) return limits_.default_timeout;
  return std::min(asked, limits_.max_timeout);
}

LockTable::Roots* LockTable::roots_of(std::string_view user) {
  auto it = users_.find(std::string(user));
  if (it == users_.end()) return nullptr;
  drop_expired(it->second);
  return &it->second;
}

void LockTable::drop_expired(Roots& roots) {
  auto now = now_();
  for (auto it = roots.begin(); it != roots.end();) {
    if (it->second.expires <= now) {
      it = roots.erase(it);
      --count_;
    } else {
      ++it;
    }
  }
}

// Two locks overlap when either one's scope takes in the other's root; they conflict when
// they overlap and either is exclusive (RFC 4918 §6.1, §7).
bool LockTable::conflicts(Roots& roots, std::string_view path, const LockRequest& request) {
  for (const auto& [root, held] : roots) {
    bool overlap = held.covers(path) || scope_takes_in(path, request.depth, root);
    if (!overlap) continue;
    if (held.scope == LockScope::exclusive || request.scope == LockScope::exclusive) return true;
  }
  return false;
}

BasicResult<ActiveLock, LockFailure> LockTable::lock(std::string_view user, std::string_view path,
                                                     LockRequest request) {
  if (request.owner.size() > limits_.owner_bytes) return LockFailure::owner_too_large;
  std::lock_guard guard(mutex_);
  Roots* existing = roots_of(user);
  if (existing != nullptr && conflicts(*existing, path, request)) return LockFailure::conflict;
  if (count_ >= limits_.total) return LockFailure::too_many;
  if (existing != nullptr && existing->size() >= limits_.per_user) return LockFailure::too_many;
  ActiveLock lock;
  lock.token = new_lock_token();
  lock.root = std::string(path);
  lock.scope = request.scope;
  lock.depth = request.depth;
  lock.owner = std::move(request.owner);
  lock.timeout = granted(request.timeout);
  lock.expires = now_() + lock.timeout;
  users_[std::string(user)].emplace(lock.root, lock);
  ++count_;
  return lock;
}

LockTable::Roots::iterator LockTable::find_token(Roots& roots, std::string_view token) {
  return std::find_if(roots.begin(), roots.end(),
                      [token](const auto& entry) { return entry.second.token == token; });
}

BasicResult<ActiveLock, LockFailure> LockTable::refresh(std::string_view user,
                                                        std::string_view path,
                                                        std::string_view token,
                                                        std::chrono::seconds timeout) {
  std::lock_guard guard(mutex_);
  Roots* roots = roots_of(user);
  if (roots == nullptr) return LockFailure::no_such_lock;
  auto it = find_token(*roots, token);
  if (it == roots->end() || !it->second.covers(path)) return LockFailure::no_such_lock;
  it->second.timeout = granted(timeout);
  it->second.expires = now_() + it->second.timeout;
  return it->second;
}

void LockTable::erase(std::string_view user, Roots& roots, Roots::iterator at) {
  roots.erase(at);
  --count_;
  if (roots.empty()) users_.erase(std::string(user));
}

BasicResult<ActiveLock, LockFailure> LockTable::unlock(std::string_view user, std::string_view path,
                                                       std::string_view token) {
  std::lock_guard guard(mutex_);
  Roots* roots = roots_of(user);
  if (roots == nullptr) return LockFailure::no_such_lock;
  auto it = find_token(*roots, token);
  if (it == roots->end() || !it->second.covers(path)) return LockFailure::no_such_lock;
  ActiveLock removed = std::move(it->second);
  erase(user, *roots, it);
  return removed;
}

std::vector<ActiveLock> LockTable::covering(std::string_view user, std::string_view path) {
  std::lock_guard guard(mutex_);
  std::vector<ActiveLock> found;
  Roots* roots = roots_of(user);
  if (roots == nullptr) return found;
  for (const auto& [root, held] : *roots) {
    if (held.covers(path)) found.push_back(held);
  }
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return a.expires - a.timeout < b.expires - b.timeout;
  });
  return found;
}

std::vector<ActiveLock> LockTable::held_by(std::string_view user) {
  std::lock_guard guard(mutex_);
  std::vector<ActiveLock> found;
  Roots* roots = roots_of(user);
  if (roots == nullptr) return found;
  for (const auto& entry : *roots) found.push_back(entry.second);
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return a.expires - a.timeout < b.expires - b.timeout;
  });
  return found;
}

bool LockTable::matches(std::string_view user, std::string_view path, std::string_view token) {
  std::lock_guard guard(mutex_);
  Roots* roots = roots_of(user);
  if (roots == nullptr) return false;
  auto it = find_token(*roots, token);
  return it != roots->end() && it->second.covers(path);
}

std::optional<std::string> LockTable::blocker(std::string_view user, std::string_view path,
                                              std::span<const std::string> submitted,
                                              bool subtree) {
  std::lock_guard guard(mutex_);
  Roots* roots = roots_of(user);
  if (roots == nullptr) return std::nullopt;
  for (const auto& [root, held] : *roots) {
    bool relevant = held.covers(path) || (subtree && path_within(root, path));
    if (!relevant) continue;
    if (std::find(submitted.begin(), submitted.end(), held.token) == submitted.end()) return root;
  }
  return std::nullopt;
}

void LockTable::forget_tree(std::string_view user, std::string_view path) {
  std::lock_guard guard(mutex_);
  auto found = users_.find(std::string(user));
  if (found == users_.end()) return;
  Roots& roots = found->second;
  for (auto it = roots.begin(); it != roots.end();) {
    if (path_within(it->first, path)) {
      it = roots.erase(it);
      --count_;
    } else {
      ++it;
    }
  }
  if (roots.empty()) users_.erase(found);
}

std::size_t LockTable::sweep() {
  std::lock_guard guard(mutex_);
  std::size_t before = count_;
  for (auto it = users_.begin(); it != users_.end();) {
    drop_expired(it->second);
    it = it->second.empty() ? users_.erase(it) : std::next(it);
  }
  return before - count_;
}

std::size_t LockTable::size() {
  std::lock_guard guard(mutex_);
  return count_;
}

}  // namespace netdisk::server::dav

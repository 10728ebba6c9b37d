// LockTable: the WebDAV write locks (RFC 4918 §6–7) of every user, in memory. A lock covers
// its root path, and with depth infinity everything below it; exclusive locks conflict with
// any other lock over the same names, shared ones only with exclusive ones. A write to a
// covered name goes ahead only when the request submits the token of every lock covering it
// (`blocker`). Paths are those of the user's own space ("" is its top folder, "a/b" below
// it), so one user's locks never cover another's names. Time comes from an injectable clock;
// expired locks are dropped as they are met and by `sweep`. Thread-safe: one mutex, held for
// each call; no call blocks on anything but that mutex.
//
// Locks live as long as the process: a restart forgets them, as a client that refreshes or
// re-locks expects of a server that lost its lock database (docs/HTTP.md says so).
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "server/clock.h"

namespace netdisk::server::dav {

enum class LockScope { exclusive, shared };
enum class LockDepth { zero, infinity };

struct LockRequest {
  LockScope scope = LockScope::exclusive;
  LockDepth depth = LockDepth::infinity;
  std::string owner;  // the client's <D:owner> element, kept as sent and echoed in lockdiscovery
  std::chrono::seconds timeout{0};  // 0: the table's default
};

struct ActiveLock {
  std::string token;  // "urn:uuid:…", unguessable (libsodium's CSPRNG)
  std::string root;   // the locked name, in the user's space
  LockScope scope = LockScope::exclusive;
  LockDepth depth = LockDepth::infinity;
  std::string owner;
  std::chrono::seconds timeout{0};  // as granted (capped), for the Timeout header
  TimePoint expires{};

  // Whole seconds left at `now`, never negative: lockdiscovery's <D:timeout>.
  std::chrono::seconds remaining(TimePoint now) const;
  // True when this lock's scope takes in `path`.
  bool covers(std::string_view path) const;
};

// Why a call was refused; the HTTP side maps each to its status.
enum class LockFailure {
  conflict,         // 423: another lock holds (part of) the names asked for
  no_such_lock,     // 409/412: the token is not a current lock whose scope takes in the name
  too_many,         // 503: the user, or the server, holds as many locks as allowed
  owner_too_large,  // 400: the <D:owner> element is over the limit
  unavailable,      // 503: the lock store (cluster mode's database) did not answer
};

class LockTable {
 public:
  struct Limits {
    std::size_t per_user = 1024;
    std::size_t total = 100'000;
    std::size_t owner_bytes = 4096;
    std::chrono::seconds default_timeout{3600};  // when the client asks for none
    std::chrono::seconds max_timeout{86'400};    // "Infinite" and longer asks get this
  };

  explicit LockTable(Now now = &steady_now);
  LockTable(Now now, Limits limits);
  LockTable(const LockTable&) = delete;
  LockTable& operator=(const LockTable&) = delete;

  // Takes a new lock on `path`. Refused with `conflict` when a lock of another token would
  // overlap it in a way its scope forbids (either lock's scope taking in the other's names).
  BasicResult<ActiveLock, LockFailure> lock(std::string_view user, std::string_view path,
                                            LockRequest request);

  // Restarts the timeout of the lock `token`, whose scope must take in `path` (RFC 4918 lets a
  // refresh name any covered URL, not only the root).
  BasicResult<ActiveLock, LockFailure> refresh(std::string_view user, std::string_view path,
                                               std::string_view token,
                                               std::chrono::seconds timeout);

  // Removes the lock `token`, whose scope must take in `path`.
  BasicResult<ActiveLock, LockFailure> unlock(std::string_view user, std::string_view path,
                                              std::string_view token);

  // The current locks whose scope takes in `path`, oldest first (lockdiscovery).
  std::vector<ActiveLock> covering(std::string_view user, std::string_view path);

  // Every current lock of `user`, oldest first.
  std::vector<ActiveLock> held_by(std::string_view user);

  // True when `token` is a current lock whose scope takes in `path` (the If header's state
  // token match, RFC 4918 §10.4.4).
  bool matches(std::string_view user, std::string_view path, std::string_view token);

  // The root of a lock that forbids writing `path` without its token, or nullopt when the
  // write may go ahead: every lock covering `path` (and with `subtree`, every lock on a name
  // below it, for DELETE and MOVE of a folder) must have its token among `submitted`.
  std::optional<std::string> blocker(std::string_view user, std::string_view path,
                                     std::span<const std::string> submitted, bool subtree);

  // Drops the locks rooted at `path` and below: the names are gone (DELETE, MOVE's source).
  void forget_tree(std::string_view user, std::string_view path);

  // Drops expired locks everywhere; returns how many.
  std::size_t sweep();
  std::size_t size();

  const Limits& limits() const noexcept { return limits_; }

 private:
  // One user's locks by root path. Calls scan them all: a user holds at most
  // Limits::per_user locks, and clients hold a handful at a time.
  using Roots = std::multimap<std::string, ActiveLock, std::less<>>;

  std::chrono::seconds granted(std::chrono::seconds asked) const;
  Roots* roots_of(std::string_view user);
  void drop_expired(Roots& roots);
  bool conflicts(Roots& roots, std::string_view path, const LockRequest& request);
  Roots::iterator find_token(Roots& roots, std::string_view token);
  void erase(std::string_view user, Roots& roots, Roots::iterator at);

  Now now_;
  Limits limits_;
  std::mutex mutex_;
  std::unordered_map<std::string, Roots> users_;
  std::size_t count_ = 0;
};

// True when `path` is `root` or a name below it ("" is every name's ancestor).
bool path_within(std::string_view path, std::string_view root);

}  // namespace netdisk::server::dav

#include "server/ops/lock_check.h"

#include <fmt/format.h>

#include "server/ops/operation.h"
#include "server/ops/session.h"
#include "server/services.h"

namespace netdisk::server::ops {

// The lock store takes its arguments by reference, and they all outlive each co_await here:
// no non-trivial temporary inside a co_await expression (GCC 12 may destroy those twice).
boost::asio::awaitable<Status> check_unlocked(const OpCall& call, const std::string& path,
                                              bool subtree) {
  const auto& user = call.session.user();
  if (!user) co_return Status{};
  const auto& tokens = call.session.lock_tokens();
  auto root = co_await call.server.locks->blocker(*user, path, tokens, subtree);
  if (!root) co_return make_error(Errc::server_busy, "the WebDAV locks cannot be checked now");
  if (!*root) co_return Status{};
  // The root is a name in the caller's own space, never a path on the server.
  co_return make_error(Errc::locked, fmt::format("'{}' is locked by a WebDAV client (lock on '{}')",
                                                 path, (*root)->empty() ? "/" : **root));
}

boost::asio::awaitable<void> forget_locks(const OpCall& call, const std::string& path) {
  const auto& user = call.session.user();
  if (!user) co_return;
  co_await call.server.locks->forget_tree(*user, path);
}

}  // namespace netdisk::server::ops

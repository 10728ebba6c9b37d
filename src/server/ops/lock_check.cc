#include "server/ops/lock_check.h"

#include <fmt/format.h>

#include "server/ops/operation.h"
#include "server/ops/session.h"
#include "server/services.h"

namespace netdisk::server::ops {

Status check_unlocked(const OpCall& call, std::string_view path, bool subtree) {
  const auto& user = call.session.user();
  if (!user) return {};
  auto root = call.server.locks.blocker(*user, path, call.session.lock_tokens(), subtree);
  if (!root) return {};
  // The root is a name in the caller's own space, never a path on the server.
  return make_error(Errc::locked, fmt::format("'{}' is locked by a WebDAV client (lock on '{}')",
                                              path, root->empty() ? "/" : *root));
}

void forget_locks(const OpCall& call, std::string_view path) {
  if (const auto& user = call.session.user()) call.server.locks.forget_tree(*user, path);
}

}  // namespace netdisk::server::ops

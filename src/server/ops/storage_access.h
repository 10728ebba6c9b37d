// with_space: the one way an operation reaches the caller's storage. Runs `work(space)` on the
// blocking pool with the session user's storage::UserSpace (storage/user_space.h), opened
// through the server's Backend on first use and kept in the session. Storage errors are
// StorageErrors; `work` maps the ones it returns with wire_error() (server/storage_errors.h).
// An ordinary function, not a coroutine: `work` is captured here, never in a lambda inside a
// coroutine (server/blocking.h), so callers pass lambdas that capture only references and
// plain values.
#pragma once

#include <type_traits>
#include <utility>

#include "server/blocking.h"
#include "server/ops/operation.h"
#include "server/ops/session.h"
#include "server/services.h"
#include "server/storage_errors.h"
#include "storage/user_space.h"

namespace netdisk::server::ops {

// `work` returns a Result<T> (or Status); a failure to open the space is returned as that.
// The session must have a user.
template <typename Work>
auto with_space(Session& session, Work work) {
  using R = std::invoke_result_t<Work&, storage::UserSpace&>;
  auto& server = session.server();
  auto& backend = *server.backend;
  std::string user = *session.user();
  auto& slot = session.space();
  return run_blocking(server.blocking_pool,
                      [&slot, &backend, user = std::move(user), work = std::move(work)]() mutable -> R {
                        if (!slot) {
                          auto space = backend.open_space(user);
                          if (!space) return wire_error(space.error());
                          slot = std::move(*space);
                        }
                        return work(*slot);
                      });
}

template <typename Work>
auto with_space(OpCall& call, Work work) {
  return with_space(call.session, std::move(work));
}

}  // namespace netdisk::server::ops

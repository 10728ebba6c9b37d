// with_space: the one way an operation reaches the caller's storage. Runs `work(store)` on the
// blocking pool with the session's user folder, opened on first use and kept in the session.
// When storage moves behind storage::UserSpace, this is the one place to switch. An ordinary
// function, not a coroutine: `work` is captured here, never in a lambda inside a coroutine
// (server/blocking.h), so callers pass lambdas that capture only references and plain values.
#pragma once

#include <type_traits>
#include <utility>

#include "server/blocking.h"
#include "server/ops/operation.h"
#include "server/ops/session.h"
#include "server/server_context.h"
#include "storage/file_store.h"

namespace netdisk::server::ops {

// `work` returns a Result<T> (or Status); a failure to open the folder is returned as that.
// The session must have a user.
template <typename Work>
auto with_space(Session& session, Work work) {
  using R = std::invoke_result_t<Work&, storage::FileStore&>;
  auto& server = session.server();
  auto folder = server.layout.user_folder(*session.user());
  auto& slot = session.file_store();
  return run_blocking(server.blocking_pool,
                      [&slot, folder = std::move(folder), work = std::move(work)]() mutable -> R {
                        if (!slot) {
                          auto store = storage::FileStore::open(folder);
                          if (!store) return std::move(store).error();
                          slot = std::make_shared<storage::FileStore>(std::move(*store));
                        }
                        return work(*slot);
                      });
}

template <typename Work>
auto with_space(OpCall& call, Work work) {
  return with_space(call.session, std::move(work));
}

}  // namespace netdisk::server::ops

// with_user_store: runs `work(store)` on the blocking pool with a user's own folder opened as a
// storage::FileStore, the same confinement the TCP handlers get from handlers::with_store, for
// code that has a username but no TCP Connection (the HTTP side). The folder is opened per
// call; FileStore::open is one openat(2). An ordinary function, not a coroutine: `work` is
// captured here, never in a lambda inside a coroutine (see server/blocking.h), so callers
// inside coroutines pass lambdas that capture only references and plain values.
#pragma once

#include <string>
#include <type_traits>
#include <utility>

#include "server/blocking.h"
#include "server/server_context.h"
#include "storage/file_store.h"

namespace netdisk::server::http {

// `work` returns a Result<T> (or Status); a failure to open the folder is returned as that.
template <typename Work>
auto with_user_store(ServerContext& server, const std::string& username, Work work) {
  using R = std::invoke_result_t<Work&, storage::FileStore&>;
  auto folder = server.layout.user_folder(username);
  return run_blocking(server.blocking_pool,
                      [folder = std::move(folder), work = std::move(work)]() mutable -> R {
                        auto store = storage::FileStore::open(folder);
                        if (!store) return std::move(store).error();
                        return work(*store);
                      });
}

}  // namespace netdisk::server::http

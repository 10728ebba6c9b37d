// run_blocking: runs a blocking call (fsync, Argon2id, a directory scan, a workbook rewrite)
// on the blocking thread pool and resumes the awaiting coroutine on its own I/O thread, so no
// I/O thread ever waits on the disk. Exceptions thrown by `fn` propagate to the awaiter.
#pragma once

#include <type_traits>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace netdisk::server {

template <typename Fn>
auto run_blocking(boost::asio::thread_pool& pool, Fn fn)
    -> boost::asio::awaitable<std::invoke_result_t<Fn&>> {
  using R = std::invoke_result_t<Fn&>;
  // co_spawn's completion is delivered on the awaiting coroutine's executor (use_awaitable
  // binds it), so the caller resumes on its I/O thread.
  co_return co_await boost::asio::co_spawn(
      pool,
      [fn = std::move(fn)]() mutable -> boost::asio::awaitable<R> {
        if constexpr (std::is_void_v<R>) {
          fn();
          co_return;
        } else {
          co_return fn();
        }
      },
      boost::asio::use_awaitable);
}

}  // namespace netdisk::server

// run_blocking: runs a blocking call (fsync, Argon2id, a directory scan, a workbook rewrite)
// on the blocking thread pool and resumes the awaiting coroutine on its own I/O thread, so no
// I/O thread ever waits on the disk. Exceptions thrown by `fn` propagate to the awaiter.
//
// Written as a plain asynchronous operation (post the call to the pool, then complete the
// handler on the caller's executor) rather than by co_spawning a coroutine lambda: a
// coroutine lambda keeps its captures in the closure object, not the coroutine frame, which is
// easy to get wrong, and a plain operation costs no coroutine frame per call.
#pragma once

#include <exception>
#include <type_traits>
#include <utility>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace netdisk::server {

namespace detail {

template <typename R>
struct BlockingSignature {
  using type = void(std::exception_ptr, R);
};
template <>
struct BlockingSignature<void> {
  using type = void(std::exception_ptr);
};

}  // namespace detail

// Not a coroutine on purpose. GCC 12 miscompiles closures that a coroutine creates with
// non-trivially-copyable captures (a std::filesystem::path captured by copy came out with a
// pointer into another object, and freeing it crashed netdiskd). The rule in this code base:
// a lambda written inside a coroutine captures only references, pointers and plain values;
// anything richer is captured in an ordinary function (as handlers::with_store does). An
// ordinary function hands `fn` on by move, and the awaitable it returns is Asio's own.
// R must be default-constructible (it is only made up when `fn` throws, and then discarded).
template <typename Fn>
auto run_blocking(boost::asio::thread_pool& pool, Fn fn) {
  namespace asio = boost::asio;
  using R = std::invoke_result_t<Fn&>;
  using Signature = typename detail::BlockingSignature<R>::type;

  auto initiate = [&pool](auto handler, Fn work) {
    auto keep_alive = asio::make_work_guard(asio::get_associated_executor(handler));
    asio::post(pool, [handler = std::move(handler), work = std::move(work),
                      keep_alive = std::move(keep_alive)]() mutable {
      std::exception_ptr failure;
      auto executor = keep_alive.get_executor();
      if constexpr (std::is_void_v<R>) {
        try {
          work();
        } catch (...) {
          failure = std::current_exception();
        }
        asio::dispatch(executor, [handler = std::move(handler), failure]() mutable {
          std::move(handler)(failure);
        });
      } else {
        R result{};
        try {
          result = work();
        } catch (...) {
          failure = std::current_exception();
        }
        asio::dispatch(executor, [handler = std::move(handler), failure,
                                  result = std::move(result)]() mutable {
          std::move(handler)(failure, std::move(result));
        });
      }
    });
  };
  return asio::async_initiate<const asio::use_awaitable_t<>&, Signature>(
      std::move(initiate), asio::use_awaitable, std::move(fn));
}

}  // namespace netdisk::server

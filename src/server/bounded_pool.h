// BoundedPool: a small thread pool for expensive work (Argon2id password hashing) with a hard
// cap on how much may be queued or running at once. Past the cap, run() answers "full" at once
// instead of queueing, so a login storm costs at most `threads` hashes' worth of memory and a
// bounded queue. The awaiting coroutine resumes on its own I/O thread. Thread-safe.
#pragma once

#include <atomic>
#include <cstddef>
#include <optional>
#include <type_traits>

#include <boost/asio/thread_pool.hpp>

#include "server/blocking.h"

namespace netdisk::server {

class BoundedPool {
 public:
  BoundedPool(unsigned threads, std::size_t max_pending)
      : pool_(threads), max_pending_(max_pending) {}

  // nullopt when `max_pending` calls are already queued or running.
  // `fn` must capture only references and pointers: it is a by-value parameter of a
  // coroutine, which GCC 12 copies bitwise (see run_blocking in blocking.h).
  template <typename Fn>
  boost::asio::awaitable<std::optional<std::invoke_result_t<Fn&>>> run(Fn fn) {
    static_assert(std::is_trivially_copyable_v<Fn>, "capture only references and pointers");
    if (pending_.fetch_add(1) >= max_pending_) {
      pending_.fetch_sub(1);
      co_return std::nullopt;
    }
    struct Release {
      std::atomic<std::size_t>& pending;
      ~Release() { pending.fetch_sub(1); }
    } release{pending_};
    co_return co_await run_blocking(pool_, std::move(fn));
  }

  std::size_t pending() const noexcept { return pending_.load(); }
  void join() { pool_.join(); }

 private:
  boost::asio::thread_pool pool_;
  std::size_t max_pending_;
  std::atomic<std::size_t> pending_{0};
};

}  // namespace netdisk::server

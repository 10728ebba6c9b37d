// Runs one coroutine to its end on a test's io_context (one thread: the caller's), returning
// its value and rethrowing what it threw. For the tests of awaitable stores (lock store,
// throttle store), which drive one call at a time.
#pragma once

#include <exception>
#include <optional>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace netdisk::cluster_test {

template <typename T>
T run_to_end(boost::asio::io_context& io, boost::asio::awaitable<T> call) {
  std::optional<T> out;
  boost::asio::co_spawn(io, std::move(call), [&out](std::exception_ptr failure, T value) {
    if (failure) std::rethrow_exception(failure);
    out.emplace(std::move(value));
  });
  io.restart();
  io.run();
  return std::move(*out);
}

inline void run_to_end(boost::asio::io_context& io, boost::asio::awaitable<void> call) {
  boost::asio::co_spawn(io, std::move(call), [](std::exception_ptr failure) {
    if (failure) std::rethrow_exception(failure);
  });
  io.restart();
  io.run();
}

}  // namespace netdisk::cluster_test

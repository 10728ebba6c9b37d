// What the in-process AccountService tests share: a fresh temporary data folder, and running
// one of the service's coroutines to its end on a test's io_context. Single-threaded helpers.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace netdisk::server::testing {

// A new empty folder "/tmp/<prefix>-XXXXXX"; the caller removes it.
inline std::filesystem::path make_scratch_dir(const std::string& prefix) {
  std::string pattern = "/tmp/" + prefix + "-XXXXXX";
  EXPECT_NE(::mkdtemp(pattern.data()), nullptr);
  return pattern;
}

// Runs `task` on `io` until it finishes, and returns its result.
template <typename T>
T run_to_end(boost::asio::io_context& io, boost::asio::awaitable<T> task) {
  auto done = boost::asio::co_spawn(io, std::move(task), boost::asio::use_future);
  io.restart();
  io.run();
  return done.get();
}

}  // namespace netdisk::server::testing

// OpsTest: a gtest fixture that runs operations in process, without sockets, as a transport
// would call them: a Services over the in-memory backend (storage/memory_space.h) holding one
// user, "alice", and her logged-in Session. Everything runs on the test's thread (the ops'
// blocking-pool hops come back to io_).
#pragma once

#include <gtest/gtest.h>

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <nlohmann/json.hpp>

#include "server/ops/op_table.h"
#include "server/ops/operation.h"
#include "server/ops/session.h"
#include "server/server_config.h"
#include "server/services.h"
#include "storage/memory_space.h"

namespace netdisk::server::test {

// Runs `work` on `io` until it is done; run_blocking hops to the blocking pool and back, so the
// context must keep running (a work guard keeps run_one waiting) until the future is ready.
// The guard's release at the end stops the context, hence the restart.
template <typename T>
T run(boost::asio::io_context& io, boost::asio::awaitable<T> work) {
  io.restart();
  auto guard = boost::asio::make_work_guard(io);
  auto done = boost::asio::co_spawn(io, std::move(work), boost::asio::use_future);
  while (done.wait_for(std::chrono::seconds(0)) != std::future_status::ready) io.run_one();
  return done.get();
}

class OpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = (std::filesystem::temp_directory_path() / "ops-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(dir.data()), nullptr);
    data_dir_ = dir;
    ServerConfig cfg;
    cfg.data_dir = data_dir_;
    cfg.blocking_threads = 2;
    cfg.hash_threads = 1;
    auto backend = std::make_unique<storage::MemoryBackend>();
    backend_ = backend.get();
    backend_->create_space("alice");
    services_ = std::make_unique<Services>(cfg, std::move(backend));
    session_ = session_for(ops::Transport::tcp);
  }
  void TearDown() override {
    session_.reset();
    services_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(data_dir_, ignored);
  }

  // Alice, logged in over `transport`.
  std::unique_ptr<ops::Session> session_for(ops::Transport transport) {
    auto session = std::make_unique<ops::Session>(*services_, transport, "127.0.0.1", 1);
    session->assume_user("alice");
    return session;
  }

  // The op `name` as `session` (default: the TCP one) calls it with `body`.
  ops::OpResult call(std::string_view name, const nlohmann::json& body,
                     ops::Session* session = nullptr) {
    ops::OpCall op_call{*services_, session != nullptr ? *session : *session_, body, 1};
    return run(io_, ops::dispatch(ops::find_op(name), name, op_call));
  }

  std::filesystem::path data_dir_;
  boost::asio::io_context io_;
  storage::MemoryBackend* backend_ = nullptr;
  std::unique_ptr<Services> services_;
  std::unique_ptr<ops::Session> session_;
};

}  // namespace netdisk::server::test

// End-to-end test of a crowd of one-shot `netdisk --user` commands against a server whose
// password-hashing queue holds one login at a time (--max-pending-hashes 1): the logins it
// turns away with server_busy are retried after a jittered back-off, so every command succeeds.
// The back-off schedule itself is unit-tested without sleeping (tests/client/busy_retry_test.cc).
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "tests/client/child_process.h"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/helpers.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;

TEST(ClientBusy, ManyParallelUserCommandsAllSucceedAgainstATinyHashingQueue) {
  ServerProcess server({"--hash-threads", "1", "--max-pending-hashes", "1",
                        "--password-hash-memory", "4", "--password-hash-ops", "1"});
  std::string address = "127.0.0.1:" + std::to_string(server.port());
  fs::path out_dir = server.work_dir() / "clients";
  fs::create_directories(out_dir);
  Env env = {{"NETDISK_PASSWORD", kTestPassword},
             {"XDG_CONFIG_HOME", (server.work_dir() / "config").string()}};
  auto registered = run_netdisk({"--server", address, "register", "alice"}, env);
  ASSERT_EQ(registered.exit_code, 0) << registered.err;

  // Enough clients that most first attempts are turned away, few enough that eight attempts
  // each (client/busy_retry.h) get every one through even when the server runs under ASan:
  // with 40, a sanitized server's slower hashing let two clients spend all eight attempts
  // (seen once in a fresh-clone run).
  constexpr int kClients = 12;
  std::vector<std::unique_ptr<ChildProcess>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<ChildProcess>(
        std::vector<std::string>{(binary_dir() / "netdisk").string(), "--server", address, "--user",
                                 "alice", "whoami"},
        env, out_dir));
  }
  int succeeded = 0;
  for (auto& client : clients) {
    int status = client->wait(std::chrono::seconds(60));
    EXPECT_EQ(status, 0) << client->err();
    if (status == 0 && client->out().find("alice@") != std::string::npos) ++succeeded;
  }
  EXPECT_EQ(succeeded, kClients);
}

}  // namespace
}  // namespace netdisk::e2e

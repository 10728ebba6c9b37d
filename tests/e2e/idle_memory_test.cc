// What an idle logged-in TCP connection costs netdiskd in memory, against the real server
// (issue #17: at most 1 KiB each; docs/BENCHMARKS.md, "Idle connections"): the growth of the
// server's anonymous memory (heap and stacks, "Anonymous:" in /proc/<pid>/smaps_rollup) while
// the connections are opened and logged in, divided by their number, on one I/O thread.
// `netdisk-load idle` measures PSS, which is the same on a quiet machine; a test cannot, since
// CTest runs other servers beside it and PSS divides each shared library page among the
// processes mapping it: one of them exiting mid-measure once added 1.3 MiB to this one's PSS.
#include <sys/resource.h>

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "client/wire_connection.h"
#include "tests/e2e/helpers.h"
#include "tests/e2e/server_process.h"

namespace netdisk::e2e {
namespace {

using client::WireConnection;

long anonymous_kib(pid_t pid) {
  std::ifstream rollup("/proc/" + std::to_string(pid) + "/smaps_rollup");
  for (std::string line; std::getline(rollup, line);) {
    if (line.rfind("Anonymous:", 0) == 0) return std::stol(line.substr(10));
  }
  return -1;
}

// A token login, as a client that logged in once and opens more connections does.
std::string login_token(const ServerProcess& server) {
  auto connection = greeted(server);
  auto login = connection.call("login", {{"username", "alice"}, {"password", kTestPassword}});
  if (!login.ok) throw std::runtime_error("login: " + login.error->message);
  return login.body.at("token").get<std::string>();
}

TEST(IdleMemory, TwoThousandIdleLoggedInConnectionsCostTheServerUnderOnePointThreeKiBEach) {
  constexpr int kConnections = 2000;
  // The target is 1 KiB; the margin covers what does not scale with the count at 2,000 (the
  // connection sets' bucket arrays grow by doubling, malloc's arenas by 128 KiB steps), which
  // `netdisk-load idle` spreads over 10,000 connections: about 0.21 KiB each at 2,000 by the
  // figures of the build before (1.456 KiB at 2,000, 1.248 at 10,000).
  constexpr double kBoundKib = 1.3;
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  ASSERT_GE(limit.rlim_cur, 2100u) << "the test needs 2,000 sockets";

  auto args = kCheapHashing;
  args.insert(args.end(), {"--io-threads", "1"});
  ServerProcess server(args);
  create_user(server, "alice");
  const auto token = login_token(server);

  const long before = anonymous_kib(server.pid());
  ASSERT_GT(before, 0);
  std::vector<WireConnection> connections;
  connections.reserve(kConnections);
  for (int i = 0; i < kConnections; ++i) {
    connections.emplace_back(server.port());
    connections.back().send("hello", {{"version", 1}});
    connections.back().send("login", {{"token", token}});
  }
  for (auto& connection : connections) {
    for (int reply = 0; reply < 2; ++reply) {
      auto answer = connection.receive();
      ASSERT_TRUE(answer && answer->ok) << (answer ? answer->error_code_name : "no reply");
    }
  }
  const long after = anonymous_kib(server.pid());
  const double per_connection = static_cast<double>(after - before) / kConnections;

  // Every one is still served: idle is parked, not dropped.
  for (auto& connection : connections) connection.send("ping");
  int answered = 0;
  for (auto& connection : connections) {
    auto reply = connection.receive();
    if (reply && reply->ok) ++answered;
  }
  EXPECT_EQ(answered, kConnections);
  EXPECT_LT(per_connection, kBoundKib)
      << "the server grew by " << (after - before) << " KiB of anonymous memory for " << kConnections
      << " idle logged-in connections";
  RecordProperty("anonymous_bytes_per_connection", static_cast<int>(per_connection * 1024));
}

}  // namespace
}  // namespace netdisk::e2e

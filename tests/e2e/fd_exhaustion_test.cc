// Running out of file descriptors, for real: netdiskd starts under `prlimit --nofile=64` and
// the test opens far more connections (to the protocol and the HTTP port) than it has
// descriptors. While out of descriptors the server must not spin (its CPU time, read from
// /proc, stays small), the flood waits in the backlog or is refused, and once those
// connections close, a new client is served again. (Beyond --max-connections, with descriptors
// to spare, a client gets too_many_connections: core_test.cc, Limits.ConnectionsOverThe...)
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/helpers.h"
#include "tests/e2e/wait_until.h"

namespace netdisk::e2e {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr int kDescriptors = 64;
constexpr int kFlood = 300;  // per port
// Sleeps of the server watched while it is out of descriptors (at 100 ms a pause, about two
// seconds' worth on one listener; less with both and the workers' once-a-second sweeps).
constexpr long kPauses = 20;

// A connection attempt that never blocks the test: the kernel completes it into the listen
// backlog (or drops it once the backlog is full), whatever the server does.
int connect_nonblocking(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  return fd;
}

// User plus system CPU time of `pid` so far, in clock ticks (fields 14 and 15 of stat).
long cpu_ticks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), {});
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string skip;
  for (int i = 3; i < 14; ++i) fields >> skip;
  long user = 0, system = 0;
  fields >> user >> system;
  return user + system;
}

// Times the threads of `pid` have gone to sleep so far (voluntary context switches: a wait
// on epoll, a timer, a lock), summed over its threads.
long voluntary_switches(pid_t pid) {
  long total = 0;
  std::error_code ignored;  // a thread may end while we read
  fs::path tasks = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& task : fs::directory_iterator(tasks, ignored)) {
    std::ifstream status(task.path() / "status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.starts_with("voluntary_ctxt_switches:")) total += std::stol(line.substr(24));
    }
  }
  return total;
}

int open_descriptors(pid_t pid) {
  int count = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    ++count;
  }
  return count;
}

TEST(FdExhaustion, OutOfDescriptorsTheServerDoesNotSpinAndServesAgainWhenConnectionsClose) {
  ServerProcess::Launch launch;
  launch.wrapper = {"prlimit", "--nofile=" + std::to_string(kDescriptors) + ":" +
                                   std::to_string(kDescriptors)};
  launch.args = {"--password-hash-memory", "1", "--password-hash-ops", "1",
                 "--handshake-timeout", "120"};
  launch.http = true;
  ServerProcess server(std::move(launch));
  create_user(server, "alice");
  pid_t pid = server.server_pid();
  ASSERT_GT(pid, 0);

  std::vector<int> flood;
  for (int i = 0; i < kFlood; ++i) {
    flood.push_back(connect_nonblocking(server.port()));
    flood.push_back(connect_nonblocking(server.http_port()));
  }
  // Wait until the server holds every descriptor it may have.
  for (int i = 0; i < 200 && open_descriptors(pid) < kDescriptors; ++i) {
    std::this_thread::sleep_for(25ms);
  }
  ASSERT_GE(open_descriptors(pid), kDescriptors) << "the flood did not exhaust descriptors";

  // Out of descriptors with connections waiting on both listeners, the server must go to
  // sleep between accept attempts (it pauses 100 ms). Watch it fall asleep kPauses times: a
  // pausing server does that in a second or two at next to no CPU cost; one that retried
  // accept at once would hardly sleep at all, and burn CPU the whole time it is watched.
  long before = cpu_ticks(pid);
  long slept_before = voluntary_switches(pid);
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(wait_until([&] { return voluntary_switches(pid) - slept_before >= kPauses; },
                         30s, 50ms))
      << "the server slept " << voluntary_switches(pid) - slept_before << " times";
  long used = cpu_ticks(pid) - before;
  double watched = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  EXPECT_LT(used, ticks_per_second / 2)
      << "CPU ticks used while out of descriptors: " << used << " in " << watched << " s";
  EXPECT_NE(server.log().find("out of file descriptors"), std::string::npos) << server.log();

  for (int fd : flood) ::close(fd);
  // The server notices the closed connections (end of stream), frees their descriptors, and
  // takes new clients again: a normal client and a browser.
  bool served = wait_until([&] {
    try {
      auto alice = logged_in(server, "alice");
      return alice.call("ping").ok && alice.call("list", {{"path", ""}}).ok;
    } catch (const std::exception&) {
      return false;  // not yet: the server has not freed a descriptor for us
    }
  }, 60s, 50ms);
  EXPECT_TRUE(served);
  auto page = run_shell("curl -s -o /dev/null -m 20 -w '%{http_code}' http://127.0.0.1:" +
                        std::to_string(server.http_port()) + "/");
  EXPECT_EQ(page.out, "200");
  EXPECT_LT(open_descriptors(pid), kDescriptors);
}

}  // namespace
}  // namespace netdisk::e2e

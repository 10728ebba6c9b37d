// netdiskd under a service manager (issue #21): the systemd notify protocol, seen by a unix
// datagram socket standing in for systemd's NOTIFY_SOCKET. READY=1 must come only once every
// listener answers; SIGHUP brings RELOADING=1 then READY=1; SIGTERM brings STOPPING=1 and a
// clean exit.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/e2e/helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/temp_folder.h"
#include "tests/e2e/wait_until.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The stand-in for systemd: a bound unix datagram socket; next() returns one message.
class NotifySocket {
 public:
  explicit NotifySocket(const fs::path& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.string().copy(address.sun_path, sizeof address.sun_path - 1);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("cannot bind the notify socket");
    }
  }
  ~NotifySocket() { ::close(fd_); }

  // The next datagram, or "" when none comes within `limit`.
  std::string next(std::chrono::milliseconds limit = 30s) {
    pollfd wanted{fd_, POLLIN, 0};
    if (::poll(&wanted, 1, static_cast<int>(limit.count())) != 1) return {};
    char buffer[4096];
    auto n = ::recv(fd_, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
  }

 private:
  fs::path path_;
  int fd_ = -1;
};

// netdiskd started directly (not through ServerProcess, which waits for the port files
// itself): the test must see READY=1 before it looks at them. Killed by PID if still running.
class NotifiedServer {
 public:
  NotifiedServer(const fs::path& dir, const fs::path& notify_socket) : dir_(dir) {
    std::vector<std::string> args = {(binary_dir() / "netdiskd").string(),
                                     "--listen",
                                     "127.0.0.1:0",
                                     "--data",
                                     (dir / "data").string(),
                                     "--port-file",
                                     (dir / "port").string(),
                                     "--http",
                                     "127.0.0.1:0",
                                     "--http-port-file",
                                     (dir / "http-port").string(),
                                     "--plaintext",
                                     "--log-file",
                                     (dir / "server.log").string()};
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::setenv("NOTIFY_SOCKET", notify_socket.c_str(), 1);
      std::vector<char*> argv;
      for (auto& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  ~NotifiedServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  // Waits (bounded) for the exit; the status as from waitpid, -1 if it did not exit.
  int wait_exit() {
    int status = -1;
    bool exited = wait_until([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, 30s);
    if (!exited) return -1;
    pid_ = -1;
    return status;
  }
  std::string log() const { return read_file(dir_ / "server.log"); }

 private:
  fs::path dir_;
  pid_t pid_ = -1;
};

std::uint16_t port_in(const fs::path& file) {
  auto text = read_file(file);
  return text.empty() ? 0 : static_cast<std::uint16_t>(std::stoul(text));
}

TEST(ServiceNotify, ReadyComesOnceBothPortsAnswerThenReloadingReadyAroundSighupAndStopping) {
  TempFolder dir;
  NotifySocket notify(dir.path() / "notify");
  NotifiedServer server(dir.path(), dir.path() / "notify");

  auto ready = notify.next();
  ASSERT_NE(ready.find("READY=1"), std::string::npos) << ready << "\n" << server.log();
  // At this moment, with no waiting: both port files are written and both ports answer.
  auto tcp_port = port_in(dir.path() / "port");
  auto http_port = port_in(dir.path() / "http-port");
  ASSERT_NE(tcp_port, 0);
  ASSERT_NE(http_port, 0);
  for (auto port : {tcp_port, http_port}) {
    int fd = connect_loopback(port);
    EXPECT_GE(fd, 0) << "port " << port << " refused the connection at READY=1";
    if (fd >= 0) ::close(fd);
  }
  EXPECT_NE(ready.find("STATUS=serving NetDisk on 127.0.0.1:" + std::to_string(tcp_port)),
            std::string::npos)
      << ready;
  EXPECT_NE(ready.find("HTTP on 127.0.0.1:" + std::to_string(http_port)), std::string::npos)
      << ready;

  ASSERT_EQ(::kill(server.pid(), SIGHUP), 0);
  auto reloading = notify.next();
  EXPECT_NE(reloading.find("RELOADING=1"), std::string::npos) << reloading;
  EXPECT_NE(reloading.find("MONOTONIC_USEC="), std::string::npos) << reloading;
  auto ready_again = notify.next();
  EXPECT_NE(ready_again.find("READY=1"), std::string::npos) << ready_again;

  ASSERT_EQ(::kill(server.pid(), SIGTERM), 0);
  auto stopping = notify.next();
  EXPECT_EQ(stopping, "STOPPING=1");
  int status = server.wait_exit();
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0) << server.log();
}

TEST(ServiceNotify, NothingIsSentAndNothingFailsWithoutNotifySocket) {
  ::unsetenv("NOTIFY_SOCKET");
  ServerProcess server;
  ASSERT_EQ(::kill(server.pid(), SIGHUP), 0);
  ASSERT_TRUE(wait_until([&] {
    return server.log().find("configuration read again") != std::string::npos;
  })) << server.log();
  EXPECT_EQ(server.log().find("sd_notify"), std::string::npos) << server.log();
  int status = server.stop(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace netdisk::e2e

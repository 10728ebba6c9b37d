// Slowloris against the real netdiskd: many connections that each send one byte every 100 ms
// (of a frame header and payload, before or after the handshake, or of HTTP request headers)
// must be closed by the server's timeouts, however long they keep trickling, while a normal
// client keeps being answered the whole time. Short timeouts are set on the command line.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/helpers.h"

namespace netdisk::e2e {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kTricklers = 200;
// Far longer than any timeout below: a connection still open by then was never timed out.
constexpr auto kGiveUp = 40s;

const std::vector<std::string> kShortTimeouts = {
    "--handshake-timeout", "2", "--idle-timeout", "3", "--http-header-timeout", "2",
    "--http-idle-timeout", "3", "--password-hash-memory", "1", "--password-hash-ops", "1"};

int connect_to(std::uint16_t port) { return connect_loopback(port); }

// A frame header announcing a 60,000-byte payload, then the start of a payload that never ends.
std::string endless_frame() {
  std::string bytes = {'\0', '\0', static_cast<char>(0xEA), static_cast<char>(0x60)};
  return bytes + R"({"op":"hello","id":1,"version":1,"client":")" + std::string(60000, 'a');
}

// True when the server closed `fd` (end of stream or reset). Reads and drops anything else,
// such as the "timeout" frame that comes before the close.
bool closed_by_peer(int fd) {
  char buffer[4096];
  while (true) {
    pollfd entry{fd, POLLIN, 0};
    if (::poll(&entry, 1, 0) <= 0) return false;
    ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n == 0) return true;
    if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK;
  }
}

// Sends the next byte of `pattern` on every open connection every 100 ms until the server
// has closed them all or kGiveUp passes; a close ends the pause at once. Returns how many
// were still open at the end.
int trickle_until_closed(std::vector<int>& fds, const std::string& pattern) {
  std::vector<std::size_t> sent(fds.size(), 0);
  int open = static_cast<int>(fds.size());
  auto give_up = Clock::now() + kGiveUp;
  while (open > 0 && Clock::now() < give_up) {
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i] < 0) continue;
      bool gone = closed_by_peer(fds[i]) ||
                  ::send(fds[i], &pattern[sent[i]++ % pattern.size()], 1, MSG_NOSIGNAL) < 0;
      if (gone) {
        ::close(fds[i]);
        fds[i] = -1;
        --open;
      }
    }
    std::vector<pollfd> watched;
    for (int fd : fds) {
      if (fd >= 0) watched.push_back({fd, POLLIN, 0});
    }
    ::poll(watched.data(), watched.size(), 100);
  }
  for (int& fd : fds) {
    if (fd >= 0) ::close(fd);
  }
  return open;
}

// While alive, a normal client pings the server every 100 ms and counts the unanswered pings.
class NormalClient {
 public:
  explicit NormalClient(const ServerProcess& server)
      : thread_([this, &server] {
          try {
            auto connection = logged_in(server, "alice");
            while (!stop_) {
              if (connection.call("ping").ok && connection.call("list", {{"path", ""}}).ok) {
                ++answered_;
              } else {
                ++failed_;
              }
              std::this_thread::sleep_for(100ms);
            }
          } catch (const std::exception&) {
            ++failed_;  // no reply within the client's timeout, or the connection was dropped
          }
        }) {}
  ~NormalClient() {
    stop_ = true;
    thread_.join();
  }
  int answered() const { return answered_; }
  int failed() const { return failed_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> answered_{0}, failed_{0};
  std::thread thread_;
};

std::vector<int> open_connections(std::uint16_t port) {
  std::vector<int> fds;
  for (int i = 0; i < kTricklers; ++i) {
    int fd = connect_to(port);
    EXPECT_GE(fd, 0);
    if (fd >= 0) fds.push_back(fd);
  }
  return fds;
}

TEST(Slowloris, FrameBytesTrickledBeforeTheHandshakeAreCutOffByTheHandshakeTimeout) {
  ServerProcess server(kShortTimeouts);
  create_user(server, "alice");
  auto fds = open_connections(server.port());
  NormalClient normal(server);
  EXPECT_EQ(trickle_until_closed(fds, endless_frame()), 0);
  EXPECT_EQ(normal.failed(), 0);
  EXPECT_GT(normal.answered(), 0);
}

TEST(Slowloris, AFrameTrickledAfterTheHandshakeIsCutOffByTheIdleTimeout) {
  ServerProcess server(kShortTimeouts);
  create_user(server, "alice");
  std::vector<client::WireConnection> greeted;
  std::vector<int> fds;
  for (int i = 0; i < kTricklers; ++i) {
    greeted.emplace_back(server.port());
    greeted.back().hello();
    fds.push_back(::dup(greeted.back().fd()));
  }
  NormalClient normal(server);
  std::string frame = endless_frame().substr(0, 4) + R"({"op":"ping","id":2,"pad":")" +
                      std::string(60000, 'a');
  EXPECT_EQ(trickle_until_closed(fds, frame), 0);
  EXPECT_EQ(normal.failed(), 0);
  EXPECT_GT(normal.answered(), 0);
}

TEST(Slowloris, HttpRequestHeadersTrickledAreCutOffByTheHeaderTimeout) {
  ServerProcess server(ServerProcess::WithHttp{}, kShortTimeouts);
  create_user(server, "alice");
  auto fds = open_connections(server.http_port());
  std::string request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (int i = 0; i < 1000; ++i) request += "X-Slow-" + std::to_string(i) + ": a\r\n";
  std::atomic<bool> stop{false};
  std::atomic<int> http_failures{0}, http_answers{0};
  std::thread browser([&] {
    std::string url = "http://127.0.0.1:" + std::to_string(server.http_port()) + "/";
    while (!stop) {
      auto got = run_shell("curl -s -o /dev/null -m 10 -w '%{http_code}' " + url);
      (got.out == "200" ? http_answers : http_failures)++;
      std::this_thread::sleep_for(100ms);
    }
  });
  NormalClient normal(server);
  int left = trickle_until_closed(fds, request);
  stop = true;
  browser.join();
  EXPECT_EQ(left, 0);
  EXPECT_EQ(http_failures, 0);
  EXPECT_GT(http_answers, 0);
  EXPECT_EQ(normal.failed(), 0);
}

}  // namespace
}  // namespace netdisk::e2e

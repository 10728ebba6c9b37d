#include "tests/e2e/tcp_chopper.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <random>
#include <stdexcept>

namespace netdisk::e2e {

namespace {

constexpr int kPollMs = 50;  // how often a blocked thread looks at the stop flag

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// Waits until `fd` is ready for `events`; false when the proxy stops first.
bool wait_ready(int fd, short events, const std::atomic<bool>& stop) {
  while (!stop) {
    pollfd entry{fd, events, 0};
    int ready = ::poll(&entry, 1, kPollMs);
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return false;
  }
  return false;
}

}  // namespace

struct ChoppingProxy::Link {
  int client = -1;
  int server = -1;
  std::uint64_t cut_after = 0;
  std::atomic<std::uint64_t> passed{0};
  std::atomic<bool> cut{false};
  ~Link() {
    if (client >= 0) ::close(client);
    if (server >= 0) ::close(server);
  }
  void shut() {
    ::shutdown(client, SHUT_RDWR);
    ::shutdown(server, SHUT_RDWR);
  }
};

ChoppingProxy::ChoppingProxy(std::uint16_t target_port, Options options)
    : target_port_(target_port), options_(options) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = loopback(0);
  socklen_t length = sizeof address;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(listener_, 64) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (listener_ >= 0) ::close(listener_);
    throw std::runtime_error("proxy: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

ChoppingProxy::~ChoppingProxy() {
  stop_ = true;
  acceptor_.join();
  std::lock_guard lock(mutex_);
  for (auto& thread : threads_) thread.join();
  ::close(listener_);
}

void ChoppingProxy::accept_loop() {
  std::uint32_t seed = options_.seed;
  while (wait_ready(listener_, POLLIN, stop_)) {
    int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    auto link = std::make_shared<Link>();
    link->client = client;
    link->cut_after = cut_after_;
    link->server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in target = loopback(target_port_);
    if (::connect(link->server, reinterpret_cast<sockaddr*>(&target), sizeof target) != 0) {
      continue;  // the client sees its connection closed
    }
    int one = 1;  // pieces must leave as pieces, not be merged again by Nagle
    ::setsockopt(link->client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::setsockopt(link->server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard lock(mutex_);
    threads_.emplace_back([this, link, seed] { pump(link, true, seed); });
    threads_.emplace_back([this, link, seed] { pump(link, false, seed + 1); });
    seed += 2;
  }
}

void ChoppingProxy::pump(std::shared_ptr<Link> link, bool to_server, std::uint32_t seed) {
  int from = to_server ? link->client : link->server;
  int to = to_server ? link->server : link->client;
  std::mt19937 random(seed);
  std::uniform_int_distribution<std::size_t> piece(1, options_.max_piece);
  std::uniform_int_distribution<std::int64_t> pause(0, options_.max_pause.count());
  char buffer[64 * 1024];
  while (!link->cut && wait_ready(from, POLLIN, stop_)) {
    ssize_t got = ::recv(from, buffer, sizeof buffer, 0);
    if (got <= 0) break;
    for (std::size_t at = 0; at < static_cast<std::size_t>(got);) {
      std::size_t n = std::min(piece(random), static_cast<std::size_t>(got) - at);
      if (link->cut_after != 0 && link->passed + n >= link->cut_after) {
        link->cut = true;
        ++cuts_;
        link->shut();
        return;
      }
      if (options_.max_pause.count() > 0 && random() % 16 == 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(pause(random)));
      }
      if (!wait_ready(to, POLLOUT, stop_)) return;
      ssize_t sent = ::send(to, buffer + at, n, MSG_NOSIGNAL);
      if (sent <= 0) {
        link->shut();
        return;
      }
      at += static_cast<std::size_t>(sent);
      link->passed += static_cast<std::uint64_t>(sent);
      forwarded_ += static_cast<std::uint64_t>(sent);
    }
  }
  // Pass the end of the stream on, as a real network would.
  ::shutdown(to, SHUT_WR);
}

}  // namespace netdisk::e2e

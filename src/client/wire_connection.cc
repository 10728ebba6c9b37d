#include "tests/e2e/wire_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace netdisk::e2e {
namespace {

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::max<std::int64_t>(0, left.count()));
}

}  // namespace

WireClient::WireClient(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    int saved = errno;
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error(std::string("connect: ") + std::strerror(saved));
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

WireClient::~WireClient() { close(); }

WireClient::WireClient(WireClient&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      next_id_(other.next_id_),
      decoder_(std::move(other.decoder_)) {}

void WireClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

protocol::Reply WireClient::hello() {
  auto reply = call("hello", {{"version", 1}, {"client", "netdisk-e2e"}});
  if (!reply.ok) throw std::runtime_error("hello refused: " + reply.error->message);
  return reply;
}

std::uint64_t WireClient::send(std::string_view op, nlohmann::json fields) {
  std::uint64_t id = next_id_++;
  send_raw(protocol::encode_request(op, id, std::move(fields)));
  return id;
}

protocol::Reply WireClient::call(std::string_view op, nlohmann::json fields) {
  std::uint64_t id = send(op, std::move(fields));
  while (true) {
    auto reply = receive();
    if (!reply) throw std::runtime_error("connection closed while waiting for " + std::string(op));
    if (reply->event) continue;
    if (reply->id == id || reply->id == 0) return *reply;
  }
}

void WireClient::send_raw(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("send: ") + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

bool WireClient::fill(std::chrono::steady_clock::time_point deadline) {
  pollfd pfd{fd_, POLLIN, 0};
  int ready = ::poll(&pfd, 1, remaining_ms(deadline));
  if (ready == 0) throw std::runtime_error("timed out waiting for the server");
  auto space = decoder_.prepare(64 * 1024);
  ssize_t n = ::recv(fd_, space.data(), space.size(), 0);
  if (n <= 0) return false;
  decoder_.commit(static_cast<std::size_t>(n));
  return true;
}

std::optional<protocol::Reply> WireClient::receive(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto frame = decoder_.next();
    if (!frame.ok()) throw std::runtime_error("bad frame from server: " + frame.error().message);
    if (*frame) {
      auto reply = protocol::parse_reply(**frame);
      if (!reply.ok()) throw std::runtime_error("bad reply from server: " + reply.error().message);
      return std::move(*reply);
    }
    if (!fill(deadline)) return std::nullopt;
  }
}

bool WireClient::closed_by_server(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    decoder_.take_raw(decoder_.buffered());
    try {
      if (!fill(deadline)) return true;
    } catch (const std::runtime_error&) {
      return false;
    }
  }
}

std::string WireClient::receive_raw(std::size_t n, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string out;
  while (out.size() < n) {
    auto raw = decoder_.take_raw(n - out.size());
    out.append(raw.data(), raw.size());
    if (out.size() < n && !fill(deadline)) throw std::runtime_error("stream cut short");
  }
  return out;
}

}  // namespace netdisk::e2e

#include "client/wire_connection.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "client/foreign_answer.h"
#include "client/interrupt.h"
#include "protocol/frame.h"

namespace netdisk::client {
namespace {

// How long one poll() may sleep before the cancel flag is looked at again.
constexpr std::int64_t kPollSliceMs = 100;

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, kPollSliceMs));
}

}  // namespace

WireConnection::WireConnection(const std::string& host, std::uint16_t port,
                               const ConnectOptions& options)
    : peer_name_(host + ":" + std::to_string(port)) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    throw std::runtime_error("cannot resolve " + host + ": " + ::gai_strerror(rc));
  }
  std::string last_error = "no address";
  for (addrinfo* at = found; at != nullptr && fd_ < 0; at = at->ai_next) {
    fd_ = ::socket(at->ai_family, at->ai_socktype | SOCK_CLOEXEC, at->ai_protocol);
    if (fd_ < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    if (::connect(fd_, at->ai_addr, at->ai_addrlen) != 0) {
      last_error = std::strerror(errno);
      ::close(fd_);
      fd_ = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd_ < 0) {
    throw std::runtime_error("cannot connect to " + host + ":" + service + ": " + last_error);
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // Non-blocking, so that every wait goes through poll() with a deadline and a cancel check.
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
  if (options.tls) {
    try {
      start_tls(host, options);
    } catch (...) {
      close();
      throw;
    }
  }
}

WireConnection::~WireConnection() { close(); }

WireConnection::WireConnection(WireConnection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      peer_name_(std::move(other.peer_name_)),
      tls_(std::move(other.tls_)),
      peer_key_(std::move(other.peer_key_)),
      next_id_(other.next_id_),
      decoder_(std::move(other.decoder_)) {}

void WireConnection::close() {
  tls_.reset();  // before the socket it runs on
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

protocol::Reply WireConnection::hello(std::string_view client_name) {
  std::uint64_t id = next_id_++;
  auto frame = protocol::encode_request(
      "hello", id, {{"version", protocol::kProtocolVersion}, {"client", client_name}});
  // The JSON ends in CR LF CR LF, whitespace to JSON but the end of a request head to an HTTP
  // server, which then answers (400) at once instead of waiting for the rest of its header:
  // so a --server that names an HTTP port is recognised without a timeout.
  send_raw(protocol::encode_frame(frame.substr(protocol::kFrameHeaderBytes) + "\r\n\r\n"));
  auto reply = wait_hello_reply(id);
  if (!reply.ok && reply.error_code_name == "tls_required") {
    // The server's message says to drop --plaintext; the variable does the same.
    throw TlsMismatch("server " + peer_name_ + ": " + reply.error->message +
                      " (NETDISK_PLAINTEXT=1 counts as --plaintext)");
  }
  if (!reply.ok) throw std::runtime_error("hello refused: " + reply.error->message);
  return reply;
}

protocol::Reply WireConnection::wait_hello_reply(std::uint64_t id) {
  // Like wait_reply(), except that bytes which are no NetDisk frame, or a close before any
  // reply, mean another service answered: the caller gets those bytes to say which.
  auto deadline = std::chrono::steady_clock::now() + kDefaultTimeout;
  auto foreign = [this, deadline](const std::string& detail) {
    return NotNetDiskAnswer(foreign_head(deadline), detail);
  };
  while (true) {
    std::optional<protocol::Reply> reply;
    try {
      reply = buffered_reply();
    } catch (const std::runtime_error& error) {
      throw foreign(error.what());
    }
    if (reply && !reply->event && (reply->id == id || reply->id == 0)) return std::move(*reply);
    if (reply) continue;
    try {
      if (!fill(deadline)) throw foreign("connection closed by the server");
    } catch (const NotNetDiskAnswer&) {
      throw;
    } catch (const std::runtime_error& error) {
      throw std::runtime_error(std::string(error.what()) +
                               " (waiting for hello: is it a NetDisk server?)");
    }
  }
}

std::uint64_t WireConnection::send(std::string_view op, nlohmann::json fields) {
  std::uint64_t id = next_id_++;
  send_raw(protocol::encode_request(op, id, std::move(fields)));
  return id;
}

protocol::Reply WireConnection::call(std::string_view op, nlohmann::json fields) {
  std::uint64_t id = send(op, std::move(fields));
  try {
    return wait_reply(id, kDefaultTimeout);
  } catch (const std::runtime_error& error) {
    throw std::runtime_error(std::string(error.what()) + " (waiting for " + std::string(op) + ")");
  }
}

protocol::Reply WireConnection::wait_reply(std::uint64_t id, std::chrono::milliseconds timeout,
                                           const StreamControl& control) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto reply = next_reply(deadline, control);
    if (!reply) throw std::runtime_error("connection closed by the server");
    if (reply->event) continue;
    if (reply->id == id || reply->id == 0) return std::move(*reply);
  }
}

void WireConnection::send_raw(std::string_view bytes) {
  auto deadline = std::chrono::steady_clock::now() + kDefaultTimeout;
  while (!bytes.empty()) {
    IoStep sent = send_some(bytes.data(), bytes.size());
    if (sent.wait != 0) {
      wait_ready(sent.wait, deadline, {});
      continue;
    }
    if (sent.bytes < 0) throw std::runtime_error(std::string("send: ") + std::strerror(errno));
    bytes.remove_prefix(static_cast<std::size_t>(sent.bytes));
    deadline = std::chrono::steady_clock::now() + kDefaultTimeout;
  }
}

void WireConnection::wait_ready(short events, std::chrono::steady_clock::time_point deadline,
                                const StreamControl& control) {
  while (true) {
    if (control.cancel != nullptr && control.cancel->load()) throw Interrupted();
    pollfd pfd{fd_, events, 0};
    int ready = ::poll(&pfd, 1, remaining_ms(deadline));
    if (ready > 0) return;
    if (ready < 0 && errno != EINTR) throw std::runtime_error(std::strerror(errno));
    if (ready == 0 && std::chrono::steady_clock::now() >= deadline) {
      throw std::runtime_error("timed out waiting for the server");
    }
  }
}

std::string WireConnection::foreign_head(std::chrono::steady_clock::time_point deadline) {
  // An HTTP answer's Server header tells NetDisk's HTTP port from other web servers: read on
  // to the end of the header (a few KiB at most) unless the peer closes first.
  constexpr std::size_t kEnough = 4096;
  auto head = [this] {
    auto raw = decoder_.take_raw(decoder_.buffered());
    return std::string(raw.data(), raw.size());
  };
  std::string bytes = head();
  try {
    while (bytes.starts_with("HTTP/") && bytes.find("\r\n\r\n") == std::string::npos &&
           bytes.size() < kEnough && fill(deadline)) {
      bytes += head();
    }
  } catch (const std::runtime_error&) {
    // A timeout here changes nothing: what arrived is enough to say it is not NetDisk.
  }
  return bytes.substr(0, kEnough);
}

bool WireConnection::fill(std::chrono::steady_clock::time_point deadline,
                          const StreamControl& control) {
  // Reads before it waits: TLS may hold decrypted bytes that poll() cannot see.
  while (true) {
    if (control.cancel != nullptr && control.cancel->load()) throw Interrupted();
    auto space = decoder_.prepare(64 * 1024);
    IoStep got = recv_some(space.data(), space.size());
    if (got.wait != 0) {
      wait_ready(got.wait, deadline, control);
      continue;
    }
    if (got.bytes <= 0) return false;
    decoder_.commit(static_cast<std::size_t>(got.bytes));
    return true;
  }
}

std::optional<protocol::Reply> WireConnection::receive(std::chrono::milliseconds timeout) {
  return next_reply(std::chrono::steady_clock::now() + timeout, {});
}

std::optional<protocol::Reply> WireConnection::next_reply(
    std::chrono::steady_clock::time_point deadline, const StreamControl& control) {
  while (true) {
    if (auto reply = buffered_reply()) return reply;
    if (!fill(deadline, control)) return std::nullopt;
  }
}

std::optional<protocol::Reply> WireConnection::buffered_reply() {
  auto frame = decoder_.next();
  if (!frame.ok()) throw std::runtime_error("bad frame from server: " + frame.error().message);
  if (!*frame) return std::nullopt;
  auto reply = protocol::parse_reply(**frame);
  if (!reply.ok()) throw std::runtime_error("bad reply from server: " + reply.error().message);
  return std::move(*reply);
}

bool WireConnection::read_available() {
  // At most 1 MiB a call, so a busy room cannot grow the buffer without bound: the caller
  // takes the frames out and comes back when poll() says there is more.
  // TLS bytes already decrypted are taken too, whatever the count: poll() will not wake the
  // caller for them.
  for (int reads = 0; reads < 16 || (tls_ && tls_->pending());) {
    auto space = decoder_.prepare(64 * 1024);
    IoStep got = recv_some(space.data(), space.size());
    if (got.bytes > 0) {
      decoder_.commit(static_cast<std::size_t>(got.bytes));
      ++reads;
      continue;
    }
    if (got.wait != 0) return true;
    if (got.bytes == 0) return false;
    throw std::runtime_error(std::string("recv: ") + std::strerror(errno));
  }
  return true;
}

bool WireConnection::closed_by_server(std::chrono::milliseconds timeout) {
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

std::string WireConnection::receive_raw(std::size_t n, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string out;
  while (out.size() < n) {
    auto raw = decoder_.take_raw(n - out.size());
    out.append(raw.data(), raw.size());
    if (out.size() < n && !fill(deadline)) throw std::runtime_error("stream cut short");
  }
  return out;
}

IoStep WireConnection::recv_some(char* data, std::size_t size) {
  if (tls_) return tls_->read(data, size);
  while (true) {
    ssize_t n = ::recv(fd_, data, size, 0);
    if (n >= 0) return {n, 0};
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {0, POLLIN};
    if (errno == ECONNRESET) return {0, 0};
    return {-1, 0};
  }
}

IoStep WireConnection::send_some(const char* data, std::size_t size) {
  if (tls_) return tls_->write(data, size);
  while (true) {
    ssize_t n = ::send(fd_, data, size, MSG_NOSIGNAL);
    if (n >= 0) return {n, 0};
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {0, POLLOUT};
    return {-1, 0};
  }
}

}  // namespace netdisk::client

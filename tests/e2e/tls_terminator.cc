#include "tests/e2e/tls_terminator.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <stdexcept>
#include <string>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/helpers.h"

namespace netdisk::e2e {
namespace {

// Writes all of `size` bytes; false when the peer is gone.
bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

TlsTerminator::TlsTerminator(std::uint16_t backend, const std::filesystem::path& cert,
                             const std::filesystem::path& key, std::uint16_t port)
    : backend_(backend) {
  // OpenSSL writes with write(2): a client gone mid-handshake must be EPIPE, not the death of
  // the test process.
  std::signal(SIGPIPE, SIG_IGN);
  context_ = SSL_CTX_new(TLS_server_method());
  SSL_CTX_set_min_proto_version(context_, TLS1_3_VERSION);
  if (SSL_CTX_use_certificate_chain_file(context_, cert.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(context_, key.c_str(), SSL_FILETYPE_PEM) != 1) {
    SSL_CTX_free(context_);
    throw std::runtime_error("TlsTerminator: cannot use " + cert.string());
  }
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  // Not listen_loopback() (helpers.h): a changed key comes back on the very same port.
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, 64) != 0 || ::pipe2(wake_, O_CLOEXEC) != 0) {
    ::close(listener_);
    SSL_CTX_free(context_);
    throw std::runtime_error("TlsTerminator: cannot listen on port " + std::to_string(port));
  }
  socklen_t size = sizeof address;
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size);
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

TlsTerminator::~TlsTerminator() {
  ::close(wake_[1]);  // every poll() below sees the pipe's end
  acceptor_.join();
  {
    // A relay blocked in a TLS read or write wakes when its sockets shut down.
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (int fd : live_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& relay : relays_) relay.join();
  ::close(wake_[0]);
  ::close(listener_);
  SSL_CTX_free(context_);
}

void TlsTerminator::accept_loop() {
  while (true) {
    pollfd fds[2] = {{listener_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents != 0) return;
    int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    std::lock_guard lock(mutex_);
    relays_.emplace_back([this, client] { relay(client); });
  }
}

bool TlsTerminator::track(int fd) {
  std::lock_guard lock(mutex_);
  if (stopping_) return false;
  live_.insert(fd);
  return true;
}

void TlsTerminator::untrack_and_close(int fd) {
  std::lock_guard lock(mutex_);
  live_.erase(fd);
  ::close(fd);
}

void TlsTerminator::relay(int client) {
  SSL* ssl = SSL_new(context_);
  SSL_set_fd(ssl, client);
  int server = connect_loopback(backend_);
  bool open = server >= 0 && track(client) && track(server) && SSL_accept(ssl) == 1;
  char buffer[64 * 1024];
  while (open) {
    pollfd fds[3] = {{client, POLLIN, 0}, {server, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    // Bytes OpenSSL has decrypted already do not wake poll().
    if (SSL_pending(ssl) == 0 && ::poll(fds, 3, -1) < 0) continue;
    if (fds[2].revents != 0) break;
    if (SSL_pending(ssl) > 0 || fds[0].revents != 0) {
      std::size_t got = 0;
      open = SSL_read_ex(ssl, buffer, sizeof buffer, &got) == 1 && write_all(server, buffer, got);
    } else if (fds[1].revents != 0) {
      ssize_t got = ::recv(server, buffer, sizeof buffer, 0);
      std::size_t put = 0;
      open = got > 0 && SSL_write_ex(ssl, buffer, static_cast<std::size_t>(got), &put) == 1;
    }
  }
  ERR_clear_error();
  SSL_free(ssl);
  if (server >= 0) untrack_and_close(server);
  untrack_and_close(client);
}

void make_self_signed(const std::filesystem::path& cert, const std::filesystem::path& key,
                      const std::string& host) {
  auto made = run_shell(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
      "-subj '/CN=" +
      host + "' -addext 'subjectAltName=DNS:" + host + "' -keyout '" + key.string() + "' -out '" +
      cert.string() + "' 2>&1");
  if (made.exit_code != 0) throw std::runtime_error("openssl req failed: " + made.out);
}

}  // namespace netdisk::e2e

// TlsTerminator: TLS 1.3 in front of a plain-text netdiskd, for client tests that need a TLS
// server with a key of their choosing (a changed key on the same port, a CA-signed
// certificate). It listens on 127.0.0.1 (an ephemeral port, or a given one) and relays each
// connection to 127.0.0.1:backend in plain text. One thread accepts, one relays each
// connection; the destructor closes every socket and joins them. One owner.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <list>
#include <mutex>
#include <set>
#include <thread>

typedef struct ssl_ctx_st SSL_CTX;

namespace netdisk::e2e {

class TlsTerminator {
 public:
  // Throws std::runtime_error when the certificate or key cannot be used or the port bound.
  TlsTerminator(std::uint16_t backend, const std::filesystem::path& cert,
                const std::filesystem::path& key, std::uint16_t port = 0);
  ~TlsTerminator();
  TlsTerminator(const TlsTerminator&) = delete;
  TlsTerminator& operator=(const TlsTerminator&) = delete;

  std::uint16_t port() const { return port_; }

 private:
  void accept_loop();
  void relay(int client);
  // Registers a relay's socket; false when the terminator is stopping (then it is closed).
  bool track(int fd);
  void untrack_and_close(int fd);

  std::uint16_t backend_;
  std::uint16_t port_ = 0;
  SSL_CTX* context_ = nullptr;
  int listener_ = -1;
  int wake_[2] = {-1, -1};  // a pipe whose closing ends every poll()
  std::mutex mutex_;
  std::list<std::thread> relays_;
  std::set<int> live_;  // sockets of running relays, shut down by the destructor
  bool stopping_ = false;
  std::thread acceptor_;
};

// Makes a self-signed P-256 certificate and key (openssl req) for CN and SAN `host`.
void make_self_signed(const std::filesystem::path& cert, const std::filesystem::path& key,
                      const std::string& host = "netdisk-test");

}  // namespace netdisk::e2e

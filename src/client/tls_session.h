// TlsSession: the client end of TLS 1.3 (OpenSSL) on a connected, non-blocking socket that
// WireConnection owns. It never waits itself: every call does what the socket allows now and
// says which readiness to wait for (IoStep::wait), so WireConnection's poll loop keeps its
// deadlines and cancel checks. One thread at a time.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <string>

namespace netdisk::client {

// The outcome of one non-blocking step: `bytes` moved (> 0), end of stream (bytes == 0 and
// wait == 0), or nothing yet: wait for `wait` (POLLIN or POLLOUT) and call again.
struct IoStep {
  ssize_t bytes = 0;
  short wait = 0;
};

class TlsSession {
 public:
  // Prepares a client session on `fd`: SNI and host-name verification for `host`, the system
  // CA store (SSL_CERT_FILE / SSL_CERT_DIR apply). Throws std::runtime_error.
  TlsSession(int fd, const std::string& host);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // One handshake step: bytes == 1 once it is complete. Throws std::runtime_error with
  // OpenSSL's reason when the handshake fails. Until start_reading() it reads nothing from
  // the socket: the first step sends the ClientHello and asks to wait for POLLIN.
  IoStep handshake();
  // Lets the session read the socket, once the caller has looked at the server's first byte.
  void start_reading();
  IoStep read(char* data, std::size_t size);
  IoStep write(const char* data, std::size_t size);
  // Decrypted bytes OpenSSL holds already: read() returns them without the socket.
  bool pending() const;
  // Kernel TLS carries what is sent: send_file() may then hand the file to SSL_sendfile.
  bool kernel_send() const;
  // SSL_sendfile: like write(), with bytes from `file_fd` at `offset`.
  IoStep sendfile(int file_fd, off_t offset, std::size_t size);

  // After the handshake: the server key's fingerprint (protocol/key_fingerprint.h) and
  // whether its certificate chain verified against the CA store for the host name.
  const std::string& peer_fingerprint() const noexcept { return fingerprint_; }
  bool ca_verified() const noexcept { return ca_verified_; }

 private:
  struct Handles;
  IoStep step(int result, const char* what);
  void read_peer();

  std::unique_ptr<Handles> handles_;
  int fd_;
  std::string fingerprint_;
  bool ca_verified_ = false;
};

}  // namespace netdisk::client

#include "client/tls_session.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "protocol/key_fingerprint.h"

namespace netdisk::client {
namespace {

// OpenSSL's reason for the last failure, or errno's when the socket itself failed.
std::string last_error(int ssl_error) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code != 0) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return text;
  }
  if (ssl_error == SSL_ERROR_SYSCALL && errno != 0) return std::strerror(errno);
  return "connection closed by the server";
}

}  // namespace

struct TlsSession::Handles {
  SSL_CTX* context = nullptr;
  SSL* ssl = nullptr;
  ~Handles() {
    SSL_free(ssl);
    SSL_CTX_free(context);
  }
};

TlsSession::TlsSession(int fd, const std::string& host)
    : handles_(std::make_unique<Handles>()), fd_(fd) {
  handles_->context = SSL_CTX_new(TLS_client_method());
  if (handles_->context == nullptr) throw std::runtime_error("TLS: " + last_error(0));
  SSL_CTX_set_min_proto_version(handles_->context, TLS1_3_VERSION);
  SSL_CTX_set_default_verify_paths(handles_->context);
  // The chain is checked, but a self-signed key is not refused here: trust on first use
  // (server_trust.h) decides on it once the handshake has shown the key.
  SSL_CTX_set_verify(handles_->context, SSL_VERIFY_NONE, nullptr);
  SSL_CTX_set_options(handles_->context, SSL_OP_ENABLE_KTLS);
  SSL* ssl = handles_->ssl = SSL_new(handles_->context);
  if (ssl == nullptr || SSL_set1_host(ssl, host.c_str()) != 1) {
    throw std::runtime_error("TLS: " + last_error(0));
  }
  // Reading starts on an empty memory BIO, so the first handshake step can only send the
  // ClientHello: the answer stays on the socket for WireConnection to look at first.
  BIO* held = BIO_new(BIO_s_mem());
  BIO* socket = BIO_new_socket(fd, BIO_NOCLOSE);
  if (held == nullptr || socket == nullptr) {
    BIO_free(held);
    BIO_free(socket);
    throw std::runtime_error("TLS: " + last_error(0));
  }
  BIO_set_mem_eof_return(held, -1);  // empty means "try again", not end of stream
  SSL_set_bio(ssl, held, socket);
  SSL_set_tlsext_host_name(ssl, host.c_str());
  // Short writes are fine: the callers carry on from where a write stopped.
  SSL_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
}

TlsSession::~TlsSession() = default;

void TlsSession::start_reading() {
  BIO* socket = BIO_new_socket(fd_, BIO_NOCLOSE);
  if (socket == nullptr) throw std::runtime_error("TLS: " + last_error(0));
  SSL_set0_rbio(handles_->ssl, socket);
}

IoStep TlsSession::step(int result, const char* what) {
  int error = SSL_get_error(handles_->ssl, result);
  switch (error) {
    case SSL_ERROR_WANT_READ:
      return {0, POLLIN};
    case SSL_ERROR_WANT_WRITE:
      return {0, POLLOUT};
    case SSL_ERROR_ZERO_RETURN:
      return {0, 0};
    case SSL_ERROR_SYSCALL:
      // A reset or an EOF without close_notify: the server went away, as with plain TCP.
      if (ERR_peek_error() == 0) return {0, 0};
      [[fallthrough]];
    default:
      throw std::runtime_error(std::string("TLS ") + what + ": " + last_error(error));
  }
}

IoStep TlsSession::handshake() {
  ERR_clear_error();
  int result = SSL_connect(handles_->ssl);
  if (result == 1) {
    read_peer();
    return {1, 0};
  }
  IoStep next = step(result, "handshake");
  if (next.wait == 0) throw std::runtime_error("the connection closed during the TLS handshake");
  return next;
}

void TlsSession::read_peer() {
  X509* certificate = SSL_get1_peer_certificate(handles_->ssl);
  if (certificate == nullptr) throw std::runtime_error("TLS: the server sent no certificate");
  try {
    fingerprint_ = protocol::key_fingerprint(certificate);
  } catch (...) {
    X509_free(certificate);
    throw;
  }
  X509_free(certificate);
  ca_verified_ = SSL_get_verify_result(handles_->ssl) == X509_V_OK;
}

IoStep TlsSession::read(char* data, std::size_t size) {
  ERR_clear_error();
  std::size_t got = 0;
  int result = SSL_read_ex(handles_->ssl, data, size, &got);
  if (result == 1) return {static_cast<ssize_t>(got), 0};
  return step(result, "read");
}

IoStep TlsSession::write(const char* data, std::size_t size) {
  ERR_clear_error();
  std::size_t put = 0;
  int result = SSL_write_ex(handles_->ssl, data, size, &put);
  if (result == 1) return {static_cast<ssize_t>(put), 0};
  IoStep next = step(result, "write");
  if (next.wait == 0) throw std::runtime_error("send: connection closed by the server");
  return next;
}

bool TlsSession::pending() const { return SSL_pending(handles_->ssl) > 0; }

bool TlsSession::kernel_send() const { return BIO_get_ktls_send(SSL_get_wbio(handles_->ssl)) != 0; }

IoStep TlsSession::sendfile(int file_fd, off_t offset, std::size_t size) {
  ERR_clear_error();
  errno = 0;
  ossl_ssize_t put = SSL_sendfile(handles_->ssl, file_fd, offset, size, 0);
  if (put > 0) return {static_cast<ssize_t>(put), 0};
  // SSL_sendfile reports a full socket through errno, not always through SSL_get_error.
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return {0, POLLOUT};
  IoStep next = step(static_cast<int>(put), "sendfile");
  if (next.wait == 0) throw std::runtime_error("send: connection closed by the server");
  return next;
}

}  // namespace netdisk::client

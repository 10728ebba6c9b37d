#include "server/wire_stream.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "server/logging/component_log.h"

namespace netdisk::server {
namespace {

namespace asio = boost::asio;
using Kind = TlsStep::Kind;

// The first byte of a TLS record that carries a handshake message (a ClientHello). A NetDisk
// frame starts with the high byte of its length, which is 0 for every frame a server accepts.
constexpr unsigned char kTlsHandshakeRecord = 0x16;

// What an OpenSSL call's failure means for the operation. `moved` bytes already went through
// in this step: they are reported, and a hard error waits for the next call (OpenSSL keeps
// it).
TlsStep after_failure(SSL* ssl, int result, std::size_t moved) {
  int error = SSL_get_error(ssl, result);
  if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
    if (moved > 0) return {Kind::done, {}, moved};
    return {error == SSL_ERROR_WANT_READ ? Kind::want_read : Kind::want_write, {}, 0};
  }
  if (moved > 0) return {Kind::done, {}, moved};
  if (error == SSL_ERROR_ZERO_RETURN) return {Kind::done, asio::error::eof, 0};
  if (error == SSL_ERROR_SYSCALL) {
    int code = errno != 0 ? errno : ECONNRESET;
    ERR_clear_error();
    return {Kind::done, {code, boost::system::system_category()}, 0};
  }
  // SSL_ERROR_SSL: a protocol error (a bad record, a failed handshake). The queue's first
  // entry says which; the rest is cleared, so it never leaks into another connection's call.
  unsigned long reason = ERR_get_error();
  ERR_clear_error();
  boost::system::error_code ec(static_cast<int>(reason), asio::error::get_ssl_category());
  if (reason == 0) ec = asio::error::connection_reset;
  return {Kind::done, ec, 0};
}

}  // namespace

bool looks_like_tls(std::span<const char> bytes) noexcept {
  return !bytes.empty() && static_cast<unsigned char>(bytes[0]) == kTlsHandshakeRecord;
}

WireStream::WireStream(TcpSocket socket, SSL* ssl) : socket_(std::move(socket)), ssl_(ssl) {
  if (!ssl_) return;
  // OpenSSL calls read(2) and write(2) itself; they must never block the I/O thread.
  boost::system::error_code ignored;
  socket_.native_non_blocking(true, ignored);
  SSL_set_fd(ssl_, socket_.native_handle());
}

WireStream::~WireStream() { drop_tls(); }

void WireStream::drop_tls() noexcept {
  if (ssl_) SSL_free(ssl_);  // the descriptor stays open: SSL_set_fd does not own it
  ssl_ = nullptr;
}

bool WireStream::has_pending_input() const noexcept {
  return ssl_ != nullptr && SSL_has_pending(ssl_) == 1;
}

TcpSocket* WireStream::zero_copy_socket() noexcept {
  if (!ssl_) return &socket_;
  return BIO_get_ktls_send(SSL_get_wbio(ssl_)) != 0 ? &socket_ : nullptr;
}

void WireStream::shutdown_send() noexcept {
  if (!socket_.is_open()) return;
  // One try: a close_notify that does not fit the socket buffer now is not worth a wait, since
  // the peer sees the TCP FIN that follows either way.
  if (ssl_) {
    SSL_shutdown(ssl_);
    ERR_clear_error();
  }
  boost::system::error_code ignored;
  socket_.shutdown(TcpSocket::shutdown_send, ignored);
}

void WireStream::append(std::vector<char>& bytes, asio::const_buffer piece, std::size_t max) {
  std::size_t take = std::min(piece.size(), max - std::min(max, bytes.size()));
  const char* from = static_cast<const char*>(piece.data());
  bytes.insert(bytes.end(), from, from + take);
}

// Reads as much as OpenSSL can give without waiting, up to the buffer's size: one record's
// worth per SSL_read, several records per operation when they have arrived together.
TlsStep WireStream::ReadStep::operator()(SSL* ssl) const {
  // OpenSSL's error queue is per thread, and SSL_get_error consults it: an error another
  // connection on this worker left there must not be taken for this one's.
  ERR_clear_error();
  auto* into = static_cast<unsigned char*>(buffer.data());
  std::size_t moved = 0;
  while (moved < buffer.size()) {
    std::size_t n = 0;
    int result = SSL_read_ex(ssl, into + moved, buffer.size() - moved, &n);
    if (result != 1) return after_failure(ssl, result, moved);
    moved += n;
  }
  return {Kind::done, {}, moved};
}

TlsStep WireStream::WriteStep::operator()(SSL* ssl) const {
  const auto* from = bytes.empty() ? static_cast<const unsigned char*>(single.data())
                                   : reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t size = bytes.empty() ? single.size() : bytes.size();
  ERR_clear_error();  // as in ReadStep
  std::size_t moved = 0;
  while (moved < size) {
    std::size_t n = 0;
    int result = SSL_write_ex(ssl, from + moved, size - moved, &n);
    if (result != 1) return after_failure(ssl, result, moved);
    moved += n;
  }
  return {Kind::done, {}, moved};
}

TlsStep WireStream::HandshakeStep::operator()(SSL* ssl) const {
  ERR_clear_error();  // as in ReadStep
  int result = SSL_accept(ssl);
  if (result == 1) return {Kind::done, {}, 0};
  return after_failure(ssl, result, 0);
}

asio::awaitable<std::optional<bool>> WireStream::first_byte_is_tls() {
  constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);
  while (true) {
    auto [ec] = co_await socket_.async_wait(TcpSocket::wait_read, kAsTuple);
    if (ec || !socket_.is_open()) co_return std::nullopt;
    char first = 0;
    ssize_t n = ::recv(socket_.native_handle(), &first, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 1) co_return looks_like_tls({&first, 1});
    if (n == 0 || (errno != EAGAIN && errno != EINTR)) co_return std::nullopt;
  }
}

asio::awaitable<Opening> WireStream::open() {
  constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);
  if (!ssl_) co_return Opening::ready;
  auto tls = co_await first_byte_is_tls();
  if (!tls) co_return Opening::failed;
  if (!*tls) {
    drop_tls();
    co_return Opening::plain_client;
  }
  auto [ec, ignored] = co_await async_tls(HandshakeStep{}, kAsTuple);
  if (ec) {
    log_of(LogComponent::tcp).debug("TLS handshake failed: {}", ec.message());
    co_return Opening::failed;
  }
  co_return Opening::ready;
}

}  // namespace netdisk::server

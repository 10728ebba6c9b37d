// WireStream: the byte stream under one NetDisk TCP connection: its socket and, unless the
// server runs with --plaintext, TLS over it (docs/PROTOCOL.md, section 1, "TLS"). The connection, its
// Outbox and the transfer engine read and write through it as through any Asio stream.
//
// TLS is OpenSSL on the socket's own descriptor (SSL_set_fd), driven by readiness: an
// operation calls SSL_read/SSL_write/SSL_accept and, when OpenSSL wants the socket, waits for
// readability or writability, then calls again. Written here rather than taken from
// asio::ssl::stream, which routes every byte through memory BIOs: that holds 34 KiB of
// buffers per connection even while idle (10,000 idle connections would pin 340 MiB), copies
// each byte once more, and rules out kernel TLS, where sendfile(2) sends file pages that the
// kernel encrypts. Here an idle TLS connection holds only OpenSSL's session state
// (SSL_MODE_RELEASE_BUFFERS frees its record buffers between requests), and where the kernel
// offers TLS (SSL_OP_ENABLE_KTLS) downloads stay zero-copy (zero_copy_socket()).
//
// Closing: the owner closes socket(); every later operation fails with bad_descriptor
// without touching OpenSSL, whose descriptor number may by then belong to another socket.
// One owner, on the socket's I/O worker thread only.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include "server/tcp_socket.h"

typedef struct ssl_st SSL;

namespace netdisk::server {

// One step of a TLS operation: it is done (with an error, or a byte count), or OpenSSL waits
// for the socket to become readable or writable.
struct TlsStep {
  enum class Kind { done, want_read, want_write } kind = Kind::done;
  boost::system::error_code ec;
  std::size_t bytes = 0;
};

// How a connection's first bytes open it (WireStream::open()).
enum class Opening {
  ready,         // the TLS handshake completed, or a plain-text stream may start reading
  plain_client,  // a TLS port got plain text: the stream is now plain, for one error frame
  failed,        // the handshake failed, timed out or the peer went away (logged at debug)
};

class WireStream {
 public:
  using executor_type = TcpSocket::executor_type;

  // `ssl` (owned; null for --plaintext) is a fresh server-side session for this socket.
  WireStream(TcpSocket socket, SSL* ssl);
  ~WireStream();
  WireStream(const WireStream&) = delete;
  WireStream& operator=(const WireStream&) = delete;

  executor_type get_executor() noexcept { return socket_.get_executor(); }
  TcpSocket& socket() noexcept { return socket_; }
  const TcpSocket& socket() const noexcept { return socket_; }
  bool secure() const noexcept { return ssl_ != nullptr; }

  // For a TLS port: waits for the client's first bytes; a TLS ClientHello gets the handshake,
  // anything else is a plain-text client, and the stream drops TLS so that one plain error
  // frame can tell it so. For a plain port: ready at once (the connection checks its first
  // bytes for a ClientHello itself, see looks_like_tls()).
  boost::asio::awaitable<Opening> open();

  // Decrypted or received bytes that OpenSSL holds and the socket will not signal again: a
  // parked connection must read these before it waits for readability.
  bool has_pending_input() const noexcept;
  // The socket when bytes written to it reach the peer as they are: plain TCP, or TLS that the
  // kernel encrypts (kernel TLS). Null otherwise; sendfile(2) must then not be used.
  TcpSocket* zero_copy_socket() noexcept;
  // The end of our sending side: TLS close_notify (as far as the socket takes it now), then a
  // TCP half-close. Reads still work, for a lingering close.
  void shutdown_send() noexcept;

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    if (!ssl_) return socket_.async_read_some(buffers, std::forward<Token>(token));
    return async_tls(ReadStep{first_buffer(buffers)}, std::forward<Token>(token));
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    if (!ssl_) return socket_.async_write_some(buffers, std::forward<Token>(token));
    return async_tls(WriteStep{gather(buffers)}, std::forward<Token>(token));
  }

 private:
  struct ReadStep {
    boost::asio::mutable_buffer buffer;
    TlsStep operator()(SSL* ssl) const;
  };
  // A write of several small buffers (an Outbox batch of frames) is copied into one, so that
  // it becomes one TLS record rather than one per frame. OpenSSL may be handed the same bytes
  // again at another address when a write must be retried (SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER).
  struct WriteStep {
    std::vector<char> bytes;
    boost::asio::const_buffer single;
    TlsStep operator()(SSL* ssl) const;
  };
  struct HandshakeStep {
    TlsStep operator()(SSL* ssl) const;
  };

  // At most this much of a gather write is copied into one buffer per call.
  static constexpr std::size_t kGatherBytes = 64 * 1024;

  template <class MutableBuffers>
  static boost::asio::mutable_buffer first_buffer(const MutableBuffers& buffers) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      if (boost::asio::mutable_buffer(*it).size() != 0) return *it;
    }
    return {};
  }
  template <class ConstBuffers>
  static WriteStep gather(const ConstBuffers& buffers) {
    WriteStep step;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      boost::asio::const_buffer piece(*it);
      if (piece.size() == 0) continue;
      if (step.single.size() == 0 && step.bytes.empty()) {
        step.single = piece;
        continue;
      }
      if (step.bytes.empty()) {
        if (step.single.size() >= kGatherBytes) break;  // big enough to go alone
        append(step.bytes, step.single, kGatherBytes);
      }
      if (step.bytes.size() >= kGatherBytes) break;
      append(step.bytes, piece, kGatherBytes);
    }
    return step;
  }
  static void append(std::vector<char>& bytes, boost::asio::const_buffer piece, std::size_t max);

  // Runs `step` until it is done, waiting on the socket whenever OpenSSL asks to. A step done
  // without waiting completes through a post, never inside the initiating call.
  template <class Step>
  struct TlsOperation {
    WireStream* stream;
    Step step;
    bool waited = false;
    bool finished = false;
    TlsStep result{};

    template <class Self>
    void operator()(Self& self, boost::system::error_code ec = {}) {
      if (finished) return self.complete(result.ec, result.bytes);
      if (!ec && !stream->socket_.is_open()) ec = boost::asio::error::bad_descriptor;
      result = ec ? TlsStep{TlsStep::Kind::done, ec, 0} : step(stream->ssl_);
      if (result.kind != TlsStep::Kind::done) {
        waited = true;
        auto wait = result.kind == TlsStep::Kind::want_read ? TcpSocket::wait_read
                                                            : TcpSocket::wait_write;
        return stream->socket_.async_wait(wait, std::move(self));
      }
      if (waited) return self.complete(result.ec, result.bytes);
      finished = true;
      boost::asio::post(stream->get_executor(), std::move(self));
    }
  };

  template <class Token, class Step>
  auto async_tls(Step step, Token&& token) {
    return boost::asio::async_compose<Token, void(boost::system::error_code, std::size_t)>(
        TlsOperation<Step>{this, std::move(step)}, token, socket_);
  }

  // For open(): waits for the first byte and tells whether it starts a TLS record.
  boost::asio::awaitable<std::optional<bool>> first_byte_is_tls();
  // Frees the TLS session: the stream is plain from now on.
  void drop_tls() noexcept;

  TcpSocket socket_;
  SSL* ssl_;
};

// True when `bytes` (a connection's first bytes) begin a TLS handshake record: a client that
// speaks TLS to a --plaintext port.
bool looks_like_tls(std::span<const char> bytes) noexcept;

}  // namespace netdisk::server

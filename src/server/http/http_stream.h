// HttpStream: the byte stream under one HTTP connection, plain TCP or TLS over TCP, as one type,
// so the session, its exchanges and every handler are written once. Beast's algorithms (HTTP
// read/write, websocket::stream) use it as an AsyncStream; each operation crosses one virtual
// call with a type-erased handler. No OpenSSL header here: the TLS transport lives in tls.cc.
// Deadlines are not the stream's: the connection's Deadline (server/deadlines.h) cancels its
// socket. Owned by the connection's coroutine frame and used on the connection's I/O thread only.
#pragma once

#include <array>
#include <chrono>
#include <memory>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace netdisk::server::http {

using IoHandler =
    boost::asio::any_completion_handler<void(boost::system::error_code, std::size_t)>;
using TeardownHandler = boost::asio::any_completion_handler<void(boost::system::error_code)>;

// The buffers of one write_some: Beast hands over a sequence (a header, then body pieces). The
// first few non-empty ones go out in one call; write_some may always write less.
struct GatherBuffers {
  std::array<boost::asio::const_buffer, 8> items;
  std::size_t count = 0;
  const boost::asio::const_buffer* begin() const { return items.data(); }
  const boost::asio::const_buffer* end() const { return items.data() + count; }
};

// What differs between plain TCP and TLS. Implementations: http_stream.cc and tls.cc.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual void read_some(boost::asio::mutable_buffer buffer, IoHandler handler) = 0;
  virtual void write_some(GatherBuffers buffers, IoHandler handler) = 0;
  // The WebSocket closing handshake's last step (TLS: close_notify, then the TCP teardown).
  virtual void teardown(boost::beast::role_type role, TeardownHandler handler) = 0;
  virtual boost::beast::tcp_stream& tcp() = 0;
  virtual bool secure() const = 0;
};

class HttpStream {
 public:
  using executor_type = boost::asio::any_io_executor;

  explicit HttpStream(std::unique_ptr<Transport> transport) : transport_(std::move(transport)) {}
  // Plain HTTP on an accepted socket.
  static HttpStream plain(boost::asio::ip::tcp::socket socket);

  executor_type get_executor() { return transport_->tcp().get_executor(); }
  boost::asio::ip::tcp::socket& socket() { return transport_->tcp().socket(); }
  // True over TLS: cookies get Secure, the CSRF origin is https://, bodies are buffered.
  bool secure() const { return transport_->secure(); }
  // The socket when bytes written to it reach the peer as they are (plain TCP); null over TLS.
  boost::asio::ip::tcp::socket* plain_socket() { return secure() ? nullptr : &socket(); }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    boost::asio::mutable_buffer first;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers) && first.size() == 0; ++it) {
      first = *it;
    }
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [](auto handler, Transport* transport, boost::asio::mutable_buffer buffer) {
          transport->read_some(buffer, IoHandler(std::move(handler)));
        },
        token, transport_.get(), first);
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    GatherBuffers gather;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers) && gather.count < gather.items.size();
         ++it) {
      boost::asio::const_buffer piece(*it);
      if (piece.size() != 0) gather.items[gather.count++] = piece;
    }
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [](auto handler, Transport* transport, GatherBuffers pieces) {
          transport->write_some(pieces, IoHandler(std::move(handler)));
        },
        token, transport_.get(), gather);
  }

  // For websocket::stream<HttpStream&> (found by argument-dependent lookup).
  friend void beast_close_socket(HttpStream& stream) {
    boost::system::error_code ignored;
    stream.socket().close(ignored);
  }
  friend void teardown(boost::beast::role_type, HttpStream& stream, boost::system::error_code& ec) {
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    stream.socket().close(ec);
  }
  template <class Handler>
  friend void async_teardown(boost::beast::role_type role, HttpStream& stream, Handler&& handler) {
    stream.transport_->teardown(role, TeardownHandler(std::forward<Handler>(handler)));
  }

 private:
  std::unique_ptr<Transport> transport_;
};

}  // namespace netdisk::server::http

// Exchange: one HTTP request and its response on a keep-alive connection. The connection has read
// the request's headers; a handler reads the body if it wants it (as a small string, or
// incrementally through parser()) and sends exactly one response. Whether the connection may
// carry another request afterwards is decided here: only when the client asked for keep-alive,
// the body was read completely and nothing went wrong. Lives in the connection's coroutine frame,
// on the connection's thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "common/result.h"
#include "server/deadlines.h"
#include "server/http/beast_fwd.h"

namespace netdisk::server::transfer {
class ActivityClock;
struct TransferEnv;
}  // namespace netdisk::server::transfer

namespace netdisk::server::http {

struct HttpServices;

// What a keep-alive connection remembers between requests.
struct ConnectionState {
  std::string peer_address;       // for login throttling
  bool closing = false;           // set on shutdown: answer, then close
  std::uint64_t connection_id = 0;   // in the ConnectionRegistry
  Deadlines* deadlines = nullptr;    // the I/O worker's (server/deadlines.h)
  Deadline* deadline = nullptr;      // the connection's: headers, small bodies, replies, idle
};

class Exchange {
 public:
  Exchange(HttpServices& services, Stream& stream, beast::flat_buffer& buffer, HeaderParser& parser,
           ConnectionState& connection);

  HttpServices& services() noexcept { return services_; }
  ConnectionState& connection() noexcept { return connection_; }
  Stream& stream() noexcept { return stream_; }
  // The TCP socket under the stream when bytes written to it reach the peer as they are (plain
  // HTTP), so a body may bypass the stream with sendfile(2); null over TLS.
  boost::asio::ip::tcp::socket* plain_socket() { return stream_.plain_socket(); }
  bool secure() const { return stream_.secure(); }
  // The connection's one deadline: arm it before a read or write that waits on the peer; a
  // file body disarms it and is timed by its transfer instead.
  Deadline& deadline() noexcept { return *connection_.deadline; }
  // What a file body's transfer runs with: the blocking pool, `pace` and the worker's deadlines.
  transfer::TransferEnv transfer_env(transfer::ActivityClock& pace);
  beast::flat_buffer& buffer() noexcept { return buffer_; }
  // The header parser, for a handler that reads the body itself (moving from it). Call
  // mark_body_read() once the body is done.
  HeaderParser& parser() noexcept { return parser_; }
  const Request& request() const noexcept { return request_; }
  std::string_view header(bhttp::field field) const;
  std::string_view header(std::string_view name) const;

  // Reads the whole body as a string. payload_too_large (message_too_large) over `limit`,
  // timeout or a broken connection as an Error; either way the connection is then closed.
  boost::asio::awaitable<Result<std::string>> read_body(std::size_t limit);
  void mark_body_read() noexcept { body_read_ = true; }
  bool body_read() const noexcept { return body_read_; }

  // Sets keep-alive and the common headers, then writes `response` within the body timeout.
  boost::asio::awaitable<void> send(StringResponse response);
  boost::asio::awaitable<void> send_error(const Error& error);
  // Fills in the fields send() would, for a handler that writes its response itself.
  void prepare(bhttp::response_header<>& header);
  // prepare(), then writes the header alone within the body timeout, for a handler that
  // writes the body itself (a file, a streamed 207). False when the write failed: the
  // connection then closes. Either way the exchange counts as answered.
  boost::asio::awaitable<bool> send_header(bhttp::response<bhttp::empty_body>& response);

  // Nothing more on this connection after the response (the body was not read, or it failed).
  void close_after() noexcept { close_ = true; }
  bool keep_alive() const noexcept;
  bool responded() const noexcept { return responded_; }
  void mark_responded() noexcept { responded_ = true; }

 private:
  HttpServices& services_;
  Stream& stream_;
  beast::flat_buffer& buffer_;
  HeaderParser& parser_;
  ConnectionState& connection_;
  Request request_;  // a copy of the headers: the parser may be moved into a body parser
  bool body_read_ = false;
  bool close_ = false;
  bool responded_ = false;
};

}  // namespace netdisk::server::http

// Connection: one client's TCP connection, from accept to close: the TCP adapter of the
// operation layer (server/ops/). The read loop takes frames off the socket
// (protocol::FrameDecoder), checks the handshake, dispatches each request through the op
// table for its Session, and queues the reply on the Outbox, whose writer coroutine owns the
// sending side; a reply's stream (StreamOut, StreamIn) moves through stream_io.h. Both
// coroutines hold a shared_ptr to the connection and run on its worker's thread; other
// threads talk to it only through asio::post. Neither exists while the connection is idle:
// between requests the read loop ends and the connection is parked on a plain wait for
// readability (see park()), and the writer runs only while frames are queued.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "common/result.h"
#include "protocol/frame_decoder.h"
#include "protocol/message.h"
#include "server/chat/chat_member.h"
#include "server/clock.h"
#include "server/deadlines.h"
#include "server/ops/operation.h"
#include "server/ops/session.h"
#include "server/outbox.h"
#include "server/tcp_socket.h"
#include "server/wire_stream.h"

namespace netdisk::server {

struct IoWorker;
struct Services;

class Connection : public std::enable_shared_from_this<Connection>, public ChatMember, public Timed {
 public:
  // `ssl` (owned; null for --plaintext): the TLS session the connection opens with.
  Connection(TcpSocket socket, SSL* ssl, IoWorker& worker, Services& server,
             std::uint64_t serial);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Registers with the worker (its connection set and deadline sweep, until the connection
  // closes or is destroyed) and spawns the read loop. Worker thread only.
  static void start(std::shared_ptr<Connection> connection);

  // Called by the worker's sweep (server/deadlines.h): closes the connection with `timeout`
  // when its handshake or idle deadline has passed, or force-closes one stuck closing.
  void check_deadline(TimePoint now) override;
  // Finishes the request in progress, then closes with `shutting_down`. Worker thread only.
  void request_shutdown();
  // Closes the socket now. Worker thread only; safe to call twice.
  void force_close();

  Services& server() noexcept { return server_; }
  Deadlines& deadlines() noexcept;  // the worker's
  Outbox& outbox() noexcept { return outbox_; }
  std::uint64_t serial() const noexcept { return serial_; }

  // Queues a complete frame for sending.
  void send(std::string frame) { outbox_.push(std::move(frame)); }

  // The caller's state: user, storage handle, pending upload, chat membership.
  ops::Session& session() noexcept { return session_; }

  // For raw byte streams (src/server/stream_io.h): the byte stream (TLS or plain) and the bytes
  // already read past the last frame.
  WireStream& stream() noexcept { return stream_; }
  std::span<const char> take_buffered(std::size_t max) { return decoder().take_raw(max); }
  // While a stream runs, the transfer engine times it with its own clock (the idle timeout,
  // paced by --min-stream-rate; transfer/activity_clock.h) and the sweep leaves it alone;
  // frames the Outbox writes meanwhile (chat events) do not keep a trickling stream alive.
  // end_stream() takes the stream's last activity, from which the idle timeout counts again.
  void begin_stream() noexcept { streaming_ = true; }
  void end_stream(TimePoint last_activity) noexcept;
  // True once the sweep has cut this connection off for a timeout (between frames).
  bool timed_out() const noexcept { return timed_out_; }
  // For a download stream that broke off midway: nothing more is written, not even a last
  // error frame, since the peer would read it as file data; the connection just closes.
  // Only while holding the Outbox's exclusive access.
  void abandon_output() { outbox_.abandon(); }

  // ChatMember: a logged-in connection in the chat room. Events queue on the Outbox, bounded
  // by --chat-queue-bytes.
  const std::string& chat_name() const override { return *session_.user(); }
  boost::asio::any_io_executor chat_executor() const override;
  bool chat_deliver(const SharedFrame& frame) override;
  void chat_dropped(const SharedFrame& frame) override;

  bool greeted() const noexcept { return version_ != 0; }

 private:
  // What next_frame found: a frame, nothing buffered and nothing to wait for but the next
  // request (park), or the end (the peer closed cleanly, or the server is shutting down).
  struct Next {
    enum class Kind { frame, park, end } kind;
    std::string_view payload{};
  };
  // Spawns the read loop: at the start, and each time a parked connection wakes.
  static void spawn_reader(std::shared_ptr<Connection> connection);
  // Handles frames until nothing is buffered, then parks or closes. The first run opens the
  // stream (the TLS handshake) first.
  boost::asio::awaitable<void> read_loop();
  // The TLS handshake, or the plain-text mismatch in either direction (tls_required,
  // tls_unavailable). Returns the error to close with, if any; false when the connection
  // must simply close.
  boost::asio::awaitable<Result<bool>> open_stream();
  // Ends the read loop's part until the socket is readable (or the wait is cancelled by the
  // sweep, shutdown or close): the wait's handler holds only a shared_ptr and spawns the read
  // loop again. The read buffer is freed meanwhile.
  void park();
  // Errors: bad_frame, frame_too_large, timeout.
  boost::asio::awaitable<Result<Next>> next_frame();
  // Handles one frame. Returns false when the connection must close.
  boost::asio::awaitable<bool> handle_frame(std::string_view payload);
  // Runs the request through the op table and sends its reply (and stream). Returns false
  // when the connection must close.
  boost::asio::awaitable<bool> handle_request(protocol::Request& request);
  // The reply's transport effects and streams, once the op succeeded.
  boost::asio::awaitable<Result<std::optional<nlohmann::json>>> apply_reply(
      ops::OpCall& call, ops::OpReply& reply);
  boost::asio::awaitable<Status> send_stream(const ops::StreamOut& stream);
  // Once hello agreed a version: frames may now be as large as the configuration allows.
  void complete_handshake(int version);
  // The frame decoder, created when bytes arrive; park() frees it when it holds none.
  protocol::FrameDecoder& decoder();
  std::size_t max_frame_bytes() const noexcept;
  // A chat member may pin only so much memory: its Outbox queue is bounded by
  // --chat-queue-bytes, and so is its kernel send buffer (which loopback autotuning would
  // otherwise let grow to megabytes). Bulk transfers belong on another connection.
  void limit_send_buffer();
  // Sends one last error frame (if any), flushes, and closes gracefully.
  boost::asio::awaitable<void> close_with(std::optional<Error> error);
  void refresh_deadline();
  // Leaves the worker's connection set and deadline sweep (once; start() joined them).
  void unregister() noexcept;

  WireStream stream_;
  IoWorker& worker_;
  Services& server_;
  std::uint64_t serial_;
  ops::Session session_;
  std::unique_ptr<protocol::FrameDecoder> decoder_;  // only while a request is being read
  TimePoint last_progress_;  // last whole frame in, or the paced clock of a stream
  TimePoint deadline_;
  SocketFrameWriter frame_writer_;  // for outbox_: whole frames to the socket
  Outbox outbox_;
  TimePoint opened_at_;
  std::uint64_t requests_ = 0;
  int version_ = 0;
  bool waiting_for_request_ = false;  // parked
  bool woken_ = false;                 // the read loop was spawned by a parked wait's end
  bool wake_failed_ = false;           // ... and the wait ended with an error (or was cancelled)
  bool timed_out_ = false;
  bool shutdown_requested_ = false;
  bool closing_ = false;
  bool closed_ = false;
  bool streaming_ = false;
  bool registered_ = false;  // in the worker's connections and deadlines
  bool opened_ = false;      // open_stream() has run
};

}  // namespace netdisk::server

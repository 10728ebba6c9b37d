#include "server/http/chat_socket.h"

#include <memory>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>

#include "protocol/fields.h"
#include "protocol/json_parser.h"
#include "protocol/message.h"
#include "server/chat/chat_room.h"
#include "server/http/api_adapter.h"
#include "server/http/auth.h"
#include "server/http/exchange.h"
#include "server/http/http_services.h"
#include "server/http/responses.h"
#include "server/listing.h"
#include "server/ops/op_table.h"
#include "server/ops/session.h"
#include "server/services.h"

namespace netdisk::server::http {
namespace {

namespace asio = boost::asio;
namespace websocket = beast::websocket;
using WebSocket = websocket::stream<Stream&>;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kFrameHeaderBytes = 4;            // the TCP frame's length prefix
constexpr std::size_t kMaxIncomingMessage = 16 * 1024;  // a chat message is at most 4 KiB

// One browser in the chat room. The room and the socket's reader push frames onto its Outbox
// (server/outbox.h, the same as a TCP connection's): chat events bounded by
// --chat-queue-bytes, so a tab that stops reading is dropped as a TCP member is. It is also
// the Outbox's FrameWriter: each frame's JSON payload (the bytes after the TCP length prefix,
// without a copy) goes out as one text message. The Outbox's writer runs only while frames
// are queued, so an idle member holds no coroutine. Lives on the session's thread.
class SocketMember final : public ChatMember,
                           public FrameWriter,
                           public std::enable_shared_from_this<SocketMember> {
 public:
  SocketMember(WebSocket& socket, std::string name, asio::any_io_executor executor,
               std::size_t queue_limit)
      : socket_(socket),
        name_(std::move(name)),
        executor_(executor),
        queue_limit_(queue_limit),
        outbox_(*this) {
    // As for a TCP member (Connection::limit_send_buffer): the kernel's send buffer, which
    // loopback autotuning would let grow to megabytes, is bounded like the queue.
    boost::system::error_code ignored;
    socket_.next_layer().socket().set_option(
        asio::socket_base::send_buffer_size(static_cast<int>(queue_limit_)), ignored);
  }

  // Before the first frame: the Outbox's writer keeps the member alive while it runs.
  void attach() { outbox_.set_owner(weak_from_this()); }

  const std::string& chat_name() const override { return name_; }
  asio::any_io_executor chat_executor() const override { return executor_; }
  asio::any_io_executor executor() override { return executor_; }

  bool chat_deliver(const SharedFrame& frame) override {
    if (stopped_) return true;  // leaving anyway; not a slow reader
    return outbox_.push(frame, queue_limit_);
  }

  // One small frame past the limit, so the member learns why; then the WebSocket closes, so
  // the connection's reader ends too.
  void chat_dropped(const SharedFrame& frame) override {
    outbox_.push(frame);
    outbox_.close();
    asio::co_spawn(
        executor_,
        [](std::shared_ptr<SocketMember> member) -> asio::awaitable<void> {
          co_await member->outbox_.drained();
          member->shut_socket();
        }(shared_from_this()),
        asio::detached);
  }

  // A reply to the member's own request.
  void push(SharedFrame frame) { outbox_.push(std::move(frame)); }

  // Stops the writer and waits for its write in flight, so the socket may go away.
  asio::awaitable<void> stop() {
    stopped_ = true;
    outbox_.stop();
    co_await outbox_.drained();
  }

  // FrameWriter. A failed write closes the socket (unless stop() asked for the end), so the
  // connection's reader ends too.
  asio::awaitable<boost::system::error_code> write(
      const std::vector<SharedFrame>& frames) override {
    for (const auto& frame : frames) {
      auto [ec, n] = co_await socket_.async_write(
          asio::buffer(frame->data() + kFrameHeaderBytes, frame->size() - kFrameHeaderBytes),
          kAsTuple);
      if (ec) {
        shut_socket();
        co_return ec;
      }
    }
    co_return boost::system::error_code{};
  }

 private:
  void shut_socket() {
    if (stopped_) return;
    stopped_ = true;
    boost::system::error_code ignored;
    socket_.next_layer().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.next_layer().socket().close(ignored);
  }

  WebSocket& socket_;
  std::string name_;
  asio::any_io_executor executor_;
  std::size_t queue_limit_;
  Outbox outbox_;
  bool stopped_ = false;
};

SharedFrame encode(std::string frame) {
  return std::make_shared<const std::string>(std::move(frame));
}

// One message {id, op, ...} through the op table (only the ops allowed on the WebSocket),
// answered with the same reply frame as on TCP (docs/PROTOCOL.md, section 9).
asio::awaitable<SharedFrame> handle(ops::Session& session, std::string_view text) {
  auto request = protocol::parse_json_object(text);
  if (!request) co_return encode(protocol::encode_error(0, request.error()));
  auto id_field = protocol::optional_uint_field(*request, "id");
  std::uint64_t id = id_field ? id_field->value_or(0) : 0;
  auto name = protocol::string_field(*request, "op");
  if (!name) co_return encode(protocol::encode_error(id, name.error()));
  ops::OpCall call{session.server(), session, *request, id};
  auto reply = co_await ops::dispatch(ops::find_op(*name), *name, call);
  if (!reply) co_return encode(protocol::encode_error(id, reply.error()));
  co_return encode(protocol::encode_reply(id, frame_fields(std::move(*reply))));
}

}  // namespace

asio::awaitable<void> serve_chat_socket(Exchange& exchange, const Caller& caller) {
  if (!websocket::is_upgrade(exchange.request())) {
    co_return co_await exchange.send(error_response(
        bhttp::status::upgrade_required, Errc::bad_request, "this address takes a WebSocket"));
  }
  // The upgrade is a GET, so CSRF checks did not apply; a cross-site page could open a
  // WebSocket with the user's cookie (SameSite=Strict already stops that), so check Origin too.
  auto origin = exchange.header(bhttp::field::origin);
  if (!origin.empty() && origin != own_origin(exchange)) {
    co_return co_await exchange.send_error(
        make_error(Errc::permission_denied, "cross-site WebSocket refused"));
  }
  exchange.close_after();  // the connection ends with the WebSocket
  exchange.mark_responded();
  exchange.deadline().disarm();  // the WebSocket keeps its own timeouts
  WebSocket socket(exchange.stream());
  socket.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  socket.read_message_max(kMaxIncomingMessage);
  auto [accept_error] = co_await socket.async_accept(exchange.request(), kAsTuple);
  if (accept_error) co_return;
  telemetry::ConnectionCount counted(exchange.services().server.metrics,
                                     telemetry::Link::websocket);
  // A chat member may be closed at once on shutdown, like an idle connection.
  exchange.services().connections.set_idle(exchange.connection().connection_id, true);

  auto executor = co_await asio::this_coro::executor;
  auto member = std::make_shared<SocketMember>(socket, caller.username, executor,
                                               exchange.services().server.live.chat_queue_bytes());
  member->attach();
  auto session = http_session(exchange, ops::Transport::websocket);
  session.assume_user(caller.username);
  session.attach_chat_member(member);
  beast::flat_buffer buffer;
  while (true) {
    auto [ec, n] = co_await socket.async_read(buffer, kAsTuple);
    if (ec) break;
    auto text = beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    member->push(co_await handle(session, text));
  }
  session.leave_chat();
  co_await member->stop();
}

}  // namespace netdisk::server::http

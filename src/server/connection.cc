#include "server/connection.h"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "protocol/frame.h"
#include "protocol/message.h"
#include "server/io_workers.h"
#include "server/listing.h"
#include "server/logging/component_log.h"
#include "server/ops/op_table.h"
#include "server/proxy/proxy_read.h"
#include "server/services.h"
#include "server/stream_io.h"

namespace netdisk::server {
namespace {

namespace asio = boost::asio;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

// Bytes asked of each read. The buffer exists only while bytes are pending (see next_frame).
constexpr std::size_t kReadChunk = 16 * 1024;
// The first read of a request, into an empty buffer, asks for less: a control request is a
// few hundred bytes, and thousands of connections that each took a 16 KiB buffer for one small
// frame at the same moment (a login storm) leave the heap full of freed holes that the process
// never gives back, which is what an idle connection was then charged for.
constexpr std::size_t kFirstRead = 1024;
// After a fatal error the peer gets this long to read our last frame before we cut it off.
constexpr auto kLingerTime = std::chrono::seconds(2);
// At most this much is read and thrown away while lingering.
constexpr std::size_t kLingerDiscardBytes = 1024 * 1024;

std::string peer_address_of(const TcpSocket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  return ec ? std::string("?") : endpoint.address().to_string();
}

std::string describe_peer(const TcpSocket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "?";
  return fmt::format("{}:{}", endpoint.address().to_string(), endpoint.port());
}

bool opens_connection(std::string_view op) {
  const auto* found = ops::find_op(op);
  return found != nullptr && found->opens_connection;
}

}  // namespace

Connection::Connection(TcpSocket socket, SSL* ssl, IoWorker& worker, Services& server,
                       std::uint64_t serial)
    : stream_(std::move(socket), ssl),
      worker_(worker),
      server_(server),
      serial_(serial),
      session_(server, ops::Transport::tcp, peer_address_of(stream_.socket()), serial),
      last_progress_(server.now()),
      deadline_(last_progress_ + server.live.handshake_timeout()),
      frame_writer_(stream_),
      outbox_(frame_writer_, server.now),
      opened_at_(last_progress_) {
  server_.open_connections.fetch_add(1, std::memory_order_relaxed);
  server_.metrics.connection_opened(telemetry::Link::tcp);
}

Connection::~Connection() {
  unregister();
  server_.open_connections.fetch_sub(1, std::memory_order_relaxed);
  server_.metrics.connection_closed(telemetry::Link::tcp);
}

void Connection::start(std::shared_ptr<Connection> connection) {
  auto& self = *connection;
  self.worker_.connections.insert(&self);
  self.worker_.deadlines.add(&self);
  self.registered_ = true;
  self.session_.attach_chat_member(connection);
  boost::system::error_code ignored;
  self.stream_.socket().set_option(asio::ip::tcp::no_delay(true), ignored);
  if (spdlog::should_log(spdlog::level::info)) {
    spdlog::info("conn#{} open from {}{}", self.serial_, describe_peer(self.stream_.socket()),
                 self.stream_.secure() ? "" : " (plain text)");
  }
  self.outbox_.set_owner(connection);  // its writer, when one runs, keeps the connection alive
  spawn_reader(std::move(connection));
}

void Connection::spawn_reader(std::shared_ptr<Connection> connection) {
  auto executor = connection->stream_.get_executor();
  asio::co_spawn(executor, [c = std::move(connection)]() { return c->read_loop(); },
                 [](std::exception_ptr error) {
                   if (!error) return;
                   try {
                     std::rethrow_exception(error);
                   } catch (const std::exception& ex) {
                     spdlog::error("connection ended by an exception: {}", ex.what());
                   }
                 });
}

void Connection::park() {
  // Idle: hold no buffer and no coroutine while waiting, so an idle connection costs little.
  if (decoder_ && decoder_->buffered() == 0) decoder_.reset();
  waiting_for_request_ = true;
  stream_.socket().async_wait(asio::socket_base::wait_read,
                     [self = shared_from_this()](const boost::system::error_code& ec) {
                       self->waiting_for_request_ = false;
                       self->woken_ = true;
                       self->wake_failed_ = static_cast<bool>(ec);
                       spawn_reader(self);
                     });
}

// The handshake timeout counts from the connection's start and the idle timeout from the last
// whole frame in or out, or from the end of a stream's paced activity; never from single bytes
// of a frame: a client that trickles one byte a second (slowloris) would otherwise hold its
// connection open for ever.
void Connection::refresh_deadline() {
  if (!greeted()) {
    deadline_ = opened_at_ + server_.live.handshake_timeout();
    return;
  }
  deadline_ = std::max(last_progress_, outbox_.last_write()) + server_.live.idle_timeout();
}

void Connection::end_stream(TimePoint last_activity) noexcept {
  streaming_ = false;
  last_progress_ = last_activity;
}

void Connection::check_deadline(TimePoint now) {
  if (closed_) return;
  // A raw stream is timed by the transfer engine's own clock and guard (one design for TCP and
  // HTTP: transfer/stall_guard.h), which wake it and report timeout themselves.
  if (streaming_ && !closing_) return;
  if (!closing_) refresh_deadline();
  if (now < deadline_) return;
  if (closing_) {
    force_close();  // the peer did not take our last frame in time
    return;
  }
  timed_out_ = true;
  boost::system::error_code ignored;
  stream_.socket().cancel(ignored);  // wakes the read loop, which reports the timeout
}

Deadlines& Connection::deadlines() noexcept { return worker_.deadlines; }

// Inline rather than an RAII member: an idle connection would carry its 48 bytes of
// references to what the Connection already knows.
void Connection::unregister() noexcept {
  if (!registered_) return;
  registered_ = false;
  worker_.connections.erase(this);
  worker_.deadlines.remove(this);
}

void Connection::request_shutdown() {
  shutdown_requested_ = true;
  if (waiting_for_request_) {
    boost::system::error_code ignored;
    stream_.socket().cancel(ignored);
  }
}

void Connection::force_close() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  stream_.socket().close(ignored);
  outbox_.close();
}

boost::asio::any_io_executor Connection::chat_executor() const {
  return const_cast<WireStream&>(stream_).get_executor();
}

bool Connection::chat_deliver(const SharedFrame& frame) {
  if (closed_ || closing_) return true;  // leaving anyway; not a slow reader
  return outbox_.push(frame, server_.live.chat_queue_bytes());
}

void Connection::chat_dropped(const SharedFrame& frame) {
  if (!session_.in_chat()) return;
  session_.dropped_from_chat();
  outbox_.push(frame);  // one small frame past the limit, so the member learns why
}

void Connection::complete_handshake(int version) {
  version_ = version;
  if (decoder_) decoder_->set_max_frame_bytes(max_frame_bytes());
}

std::size_t Connection::max_frame_bytes() const noexcept {
  return greeted() ? server_.config.max_frame_bytes : protocol::kHandshakeMaxFrameBytes;
}

protocol::FrameDecoder& Connection::decoder() {
  if (!decoder_) decoder_ = std::make_unique<protocol::FrameDecoder>(max_frame_bytes());
  return *decoder_;
}

void Connection::limit_send_buffer() {
  boost::system::error_code ignored;
  stream_.socket().set_option(
      asio::socket_base::send_buffer_size(static_cast<int>(server_.live.chat_queue_bytes())),
      ignored);
}

asio::awaitable<Result<Connection::Next>> Connection::next_frame() {
  constexpr Next kEnd{Next::Kind::end};
  auto& in = decoder();  // lives until park(), which only runs after this returns
  while (true) {
    auto frame = in.next();
    if (!frame.ok()) co_return std::move(frame).error();
    if (*frame) {
      last_progress_ = server_.now();
      co_return Next{Next::Kind::frame, **frame};
    }
    if (shutdown_requested_ && in.buffered() == 0) co_return kEnd;
    if (in.buffered() == 0 && !stream_.has_pending_input()) {
      // Between requests: park, unless this loop was spawned by the end of a parked wait.
      if (!woken_) co_return Next{Next::Kind::park};
      woken_ = false;
      if (timed_out_) co_return make_error(Errc::timeout, "connection timed out");
      if (shutdown_requested_ || wake_failed_) co_return kEnd;
    }
    auto space = in.prepare(in.buffered() == 0 ? kFirstRead : kReadChunk);
    auto [ec, n] = co_await stream_.async_read_some(asio::buffer(space.data(), space.size()),
                                                    kAsTuple);
    if (timed_out_) co_return make_error(Errc::timeout, "connection timed out");
    if (ec) {
      if (ec == asio::error::eof) {
        auto ended = in.finish();
        if (!ended.ok()) co_return std::move(ended).error();
      }
      co_return kEnd;
    }
    in.commit(n);
    if (!greeted() && requests_ == 0 && !stream_.secure() && looks_like_tls(in.peek())) {
      co_return make_error(Errc::tls_unavailable,
                           "this server serves plain text only (netdiskd --plaintext); connect "
                           "with --plaintext, and only on a network you trust");
    }
  }
}

asio::awaitable<Result<bool>> Connection::open_stream() {
  opened_ = true;
  if (server_.config.proxy_protocol) {
    // Before TLS: the balancer's header comes first, in the clear (--proxy-protocol).
    auto header = co_await proxy::read_header(stream_.socket());
    if (!header.ok()) {
      log_of(LogComponent::tcp).warn("conn#{} closing: {}", serial_, header.error().message);
      co_return false;
    }
    if (header->client_ip) session_.set_address(*header->client_ip);
  }
  // Not `switch (co_await ...)`: GCC 12 miscompiles a co_await in a switch condition.
  Opening opening = co_await stream_.open();
  if (opening == Opening::ready) co_return true;
  if (opening == Opening::plain_client) {
    co_return make_error(Errc::tls_required,
                         "this server speaks TLS on this port and the client sent plain text: "
                         "use a NetDisk client with TLS (without --plaintext)");
  }
  if (timed_out_) spdlog::info("conn#{} closing: the TLS handshake timed out", serial_);
  co_return false;
}

asio::awaitable<void> Connection::read_loop() {
  std::optional<Error> fatal;
  if (!opened_) {
    auto opened = co_await open_stream();
    if (!opened.ok()) {
      fatal = std::move(opened).error();
    } else if (!*opened) {
      force_close();
    }
  }
  while (!closed_ && !fatal) {
    auto next = co_await next_frame();
    if (!next.ok()) {
      fatal = std::move(next).error();
      break;
    }
    if (next->kind == Next::Kind::park) {
      park();
      co_return;
    }
    if (next->kind == Next::Kind::end) {
      if (shutdown_requested_) fatal = make_error(Errc::shutting_down, "server is shutting down");
      break;
    }
    if (!co_await handle_frame(next->payload)) break;
    if (shutdown_requested_) {
      fatal = make_error(Errc::shutting_down, "server is shutting down");
      break;
    }
  }
  co_await close_with(std::move(fatal));
}

asio::awaitable<bool> Connection::handle_frame(std::string_view payload) {
  ++requests_;
  protocol::Request request;
  if (auto parsed = protocol::parse_request(payload, request); !parsed.ok()) {
    spdlog::debug("conn#{} bad request: {}", serial_, parsed.error().message);
    if (!greeted()) {
      send(protocol::encode_error(request.id, make_error(Errc::handshake_required,
                                                         "the first message must be hello")));
      co_return false;
    }
    // A request refused for its envelope may still declare a stream: skip it to stay in sync.
    if (request.body.contains("stream")) {
      auto skipped = co_await skip_declared_stream(*this, request.body);
      if (!skipped) {
        send(protocol::encode_error(request.id, skipped.error()));
        co_return false;
      }
    }
    send(protocol::encode_error(request.id, parsed.error()));
    co_return true;
  }
  if (!greeted() && !opens_connection(request.op)) {
    send(protocol::encode_error(request.id,
                                make_error(Errc::handshake_required,
                                           "the first message must be hello")));
    co_return false;
  }
  co_return co_await handle_request(request);
}

asio::awaitable<bool> Connection::handle_request(protocol::Request& request) {
  const auto* op = ops::find_op(request.op);
  ops::OpCall call{server_, session_, request.body, request.id, greeted()};
  auto admitted = ops::admit(op, request.op, call);
  Result<std::optional<nlohmann::json>> reply = std::optional<nlohmann::json>{};
  if ((!admitted || !op->takes_stream) && request.body.contains("stream")) {
    // Nobody will read the stream this request declares: drop it here, or its bytes would be
    // taken for the next frames (a file's content run as requests).
    auto skipped = co_await skip_declared_stream(*this, request.body);
    if (!skipped) {
      reply = std::move(skipped).error();
    } else if (*skipped && admitted) {
      reply = make_error(Errc::bad_request,
                         fmt::format("{} takes no stream; its {} bytes were read and dropped",
                                     op->name, **skipped));
    }
  }
  if (reply.ok()) {
    auto result = co_await ops::dispatch(op, request.op, call);
    if (result.ok()) {
      reply = co_await apply_reply(call, *result);
    } else {
      if (admitted && op->takes_stream && !errc_is_fatal(result.error().code)) {
        // Refused before reading its stream: read it now, to stay in sync.
        auto skipped = co_await skip_declared_stream(*this, request.body);
        if (!skipped) result = std::move(skipped).error();
      }
      reply = std::move(result).error();
    }
  }
  if (!reply.ok()) {
    const auto& error = reply.error();
    if (error.code == Errc::internal_error || error.code == Errc::io_error) {
      spdlog::error("conn#{} {} failed: {}", serial_, request.op, error.message);
    }
    send(protocol::encode_error(
        request.id, make_error(error.code, server_.layout.without_server_paths(error.message))));
    co_return !errc_is_fatal(error.code);
  }
  if (reply->has_value()) send(protocol::encode_reply(request.id, std::move(**reply)));
  co_return true;
}

// Applies the reply's effects and moves its stream. The fields to send, or nullopt when they
// already went out (before a download's bytes).
asio::awaitable<Result<std::optional<nlohmann::json>>> Connection::apply_reply(
    ops::OpCall& call, ops::OpReply& reply) {
  if (reply.agreed_version) complete_handshake(*reply.agreed_version);
  if (reply.joined_chat) limit_send_buffer();
  if (reply.stream_in) {
    auto& in = *reply.stream_in;
    const auto held_before = in.sink->offset();
    auto received = co_await receive_into_upload(*this, *in.sink, in.length);
    reply.trace.add_in(in.sink->offset() - held_before);
    auto finished = co_await in.finish(call, std::move(received));
    if (!finished) {
      reply.trace.fail(finished.error().code);
      co_return std::move(finished).error();
    }
    co_return std::optional<nlohmann::json>(std::move(finished->fields));
  }
  if (!reply.stream_out) co_return std::optional<nlohmann::json>(frame_fields(std::move(reply)));
  auto frame = protocol::encode_reply(call.id, std::move(reply.fields));
  auto& out = *reply.stream_out;
  bool whole =
      append_small_stream(frame, *out.file, out.offset, out.length, server_.config.send_mode);
  send(std::move(frame));
  if (whole) {
    reply.trace.add_out(out.length);
    co_return std::optional<nlohmann::json>{};  // the bytes went with the reply
  }
  auto sent = co_await send_stream(*reply.stream_out);
  if (!sent) {
    reply.trace.fail(sent.error().code);
    co_return std::move(sent).error();
  }
  reply.trace.add_out(out.length);
  co_return std::optional<nlohmann::json>{};
}

asio::awaitable<Status> Connection::send_stream(const ops::StreamOut& stream) {
  co_await outbox_.acquire_exclusive();
  auto sent = co_await send_file_range(*this, *stream.file, stream.offset, stream.length,
                                       server_.config.send_mode);
  if (!sent.ok()) {
    spdlog::info("conn#{} download stopped: {}", serial_, sent.error().message);
    // The peer is still reading file data: an error frame now would land in its file. It sees
    // the stream end early and resumes against the version it was told.
    abandon_output();
  }
  outbox_.release_exclusive();
  co_return sent;
}

asio::awaitable<void> Connection::close_with(std::optional<Error> error) {
  closing_ = true;
  session_.leave_chat();
  deadline_ = server_.now() + kLingerTime;
  if (error) {
    spdlog::info("conn#{} closing: {} ({})", serial_, errc_name(error->code), error->message);
    send(protocol::encode_error(0, *error));  // harmless if the peer is already gone
  }
  outbox_.close();
  co_await outbox_.drained();
  if (!closed_) {
    // Lingering close: send FIN, then read and discard what the peer still sends, so the
    // kernel does not answer its unread bytes with a reset that would destroy our last frame.
    stream_.shutdown_send();
    std::size_t discarded = 0;
    char sink[4096];
    while (!closed_ && discarded < kLingerDiscardBytes) {
      auto [ec, n] = co_await stream_.async_read_some(asio::buffer(sink), kAsTuple);
      if (ec) break;
      discarded += n;
    }
  }
  force_close();
  unregister();
  auto lifetime = std::chrono::duration<double>(server_.now() - opened_at_).count();
  spdlog::info("conn#{} closed after {:.1f}s, {} requests", serial_, lifetime, requests_);
}

}  // namespace netdisk::server

// The transfer engine: moves file bytes between a network stream and the disk, for the TCP
// protocol's raw streams (server/stream_io.cc) and HTTP file bodies (http/file_body.cc,
// http/file_upload.cc) alike. Written once over any Asio byte stream (a TCP socket, the HTTP
// stream, plain or TLS, a test's socket pair): one chunk size each way, one pacing rule (an
// ActivityClock, woken by a StallGuard), one error convention. The disk side runs on the
// blocking pool, overlapped with the socket: while one chunk crosses the network, the pool
// writes (or reads) the next, so no I/O thread waits on the disk. Runs on the stream's worker.
//
// Errors, for every transport: timeout (the ActivityClock's message: stalled, or under
// --min-stream-rate) when the peer stalls or trickles; size_mismatch when a received stream
// ends early ("the stream ended N bytes before its declared length"), the peer goes away
// during a send, or the file shrank; the sink's or source's own error (disk_full, io_error).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "common/result.h"
#include "server/blocking.h"
#include "server/transfer/activity_clock.h"
#include "server/transfer/byte_ends.h"
#include "server/transfer/stall_guard.h"

namespace netdisk::server::transfer {

// One chunk in flight on each side of the pipeline. 256 KiB keeps syscalls and pool hops few
// (a few thousand per GiB) while two buffers per transfer cost only 512 KiB of memory.
inline constexpr std::size_t kChunkBytes = 256 * 1024;
// Uploads move in larger chunks: each chunk is one hop to the blocking pool and back (a futex
// wake-up there, an epoll interrupt here), so 1 MiB takes a quarter of the hops per GiB and
// measured 8-31 % less server CPU per GiB than 256 KiB; 2 and 4 MiB gained no more (the two
// buffers leave the cache). An upload holds up to two chunks, their pages touched only as
// bytes arrive (docs/BENCHMARKS.md, "Levers (issue #17)").
inline constexpr std::size_t kReceiveChunkBytes = 1024 * 1024;

// What a transfer runs with besides its stream and its file: the pool for the disk, the
// clock that paces it (started by the engine when the transfer begins), and the deadlines of
// the transfer's I/O worker, which its StallGuard joins.
struct TransferEnv {
  boost::asio::thread_pool& pool;
  ActivityClock& pace;
  Deadlines& deadlines;
};

// What a receive does when the sink fails: drain reads and discards the rest, so a framed
// connection stays in sync (the TCP protocol); stop returns at once (the caller closes).
enum class OnSinkError { drain, stop };

// Reads exactly `length` stream bytes into `sink`; the first of them are `early` (bytes the
// caller's parser already read past its header), the rest come from `stream`. If the peer
// stops early, what arrived is written before size_mismatch is returned, so a resumable
// upload continues from the last byte received.
template <class Stream>
boost::asio::awaitable<Status> receive(Stream& stream, std::span<const std::byte> early,
                                       ByteSink& sink, std::uint64_t length, TransferEnv env,
                                       OnSinkError on_error = OnSinkError::drain);

// Reads a body whose end the stream's own framing tells (an HTTP chunked body: see
// http/chunked_body.h) into `sink`, through the same pipeline as receive(). `body` is a
// BodyReader (below); its errors (malformed framing, a body cut short) end the transfer, as do
// the sink's.
template <class Stream, class Body>
boost::asio::awaitable<Status> receive_body(Stream& stream, Body& body, ByteSink& sink,
                                            TransferEnv env,
                                            OnSinkError on_error = OnSinkError::drain);

// Reads and throws away `length` stream bytes (after the caller dropped its early ones).
template <class Stream>
boost::asio::awaitable<Status> discard(Stream& stream, std::uint64_t length, TransferEnv env);

// Sends `length` bytes of `source` from `offset`. With `zero_copy` (the TCP socket under the
// stream, when bytes written to it reach the peer as they are) and a source that has a native
// descriptor, with sendfile(2); otherwise buffered: pread on the pool, then stream writes.
// `ZeroCopySocket` is an HTTP connection's tcp::socket or a NetDisk connection's TcpSocket.
template <class Stream, class ZeroCopySocket = boost::asio::ip::tcp::socket>
boost::asio::awaitable<Status> send(Stream& stream, ByteSource& source, std::uint64_t offset,
                                    std::uint64_t length, TransferEnv env,
                                    ZeroCopySocket* zero_copy = nullptr);

// The sendfile(2) path of send(), for a plain TCP socket and a descriptor (instantiated for
// both socket types in transfer_engine.cc).
template <class Socket>
boost::asio::awaitable<Status> send_zero_copy(Socket& socket, int fd, std::uint64_t offset,
                                              std::uint64_t length, TransferEnv env);

// A BodyReader is where a receive's bytes come from. The engine's one receive loop asks it to
// fill each chunk buffer and writes the buffers to the sink, overlapped:
//   std::size_t capacity() const          the chunk buffer to allocate (> 0)
//   bool done() const                     the whole body has been read
//   awaitable<detail::Moved> read(detail::Transfer<Stream>&, std::span<std::byte> into)
//       fills `into` until it is full or the body ends; complete = false when the peer stopped,
//       stalled or trickled, or the framing was bad (bytes = what did arrive)
//   Error failure(const detail::Transfer<Stream>&) const   why a read was not complete
// detail::LengthBody reads a known length off the raw stream; http/chunked_body.h decodes an
// HTTP chunked body with Beast's parser.

// ---- Implementation ----------------------------------------------------------------------

namespace detail {

namespace asio = boost::asio;
inline constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

// Aborts the pending operations of the socket under `stream` (what a StallGuard does).
template <class Stream>
void cancel_io(Stream& stream) {
  boost::system::error_code ignored;
  if constexpr (requires { stream.socket(); }) {
    stream.socket().cancel(ignored);
  } else {
    stream.cancel(ignored);
  }
}

// One transfer in progress: its stream, its clock, and the guard that wakes it when stalled.
// Lives in the coroutine frame of the public call.
template <class Stream>
class Transfer {
 public:
  Transfer(Stream& stream, TransferEnv env)
      : stream_(stream),
        env_(env),
        guard_(env.deadlines, env.pace, [&stream] { cancel_io(stream); }) {}

  Stream& stream() noexcept { return stream_; }
  asio::thread_pool& pool() noexcept { return env_.pool; }
  ActivityClock& pace() noexcept { return env_.pace; }
  // The peer stalled or trickled: the clock ran out where bytes moved, or the guard fired.
  bool stalled() const noexcept { return trickled_ || guard_.fired(); }
  void mark_trickled() noexcept { trickled_ = true; }

  // The error for a stream that stopped before its end.
  Error cut(std::uint64_t missing) const {
    if (stalled()) return env_.pace.timeout_error();
    return make_error(Errc::size_mismatch,
                      fmt::format("the stream ended {} bytes before its declared length", missing));
  }
  Error send_failed(Error cause) const {
    if (stalled()) return env_.pace.timeout_error();
    return cause;
  }

 private:
  Stream& stream_;
  TransferEnv env_;
  StallGuard guard_;
  bool trickled_ = false;
};

// The completion condition of the engine's async_read and async_write: Asio calls it before
// every read_some or write_some with the bytes moved so far, so each piece counts towards the
// pace, not only a whole chunk; and a transfer whose clock ran out stops there (a trickle).
template <class Stream>
class CountTowardsPace {
 public:
  explicit CountTowardsPace(Transfer<Stream>& transfer) : transfer_(&transfer) {}
  std::size_t operator()(const boost::system::error_code& error, std::size_t moved) {
    transfer_->pace().note(moved - counted_);
    counted_ = moved;
    if (error) return 0;
    if (transfer_->pace().expired()) {
      transfer_->mark_trickled();
      return 0;
    }
    return std::numeric_limits<std::size_t>::max();  // as transfer_all, uncapped
  }

 private:
  Transfer<Stream>* transfer_;
  std::size_t counted_ = 0;
};

struct Moved {
  bool complete = false;  // all of it; otherwise the peer went away, stalled or trickled
  std::size_t bytes = 0;
};

template <class Stream>
asio::awaitable<Moved> read_exactly(Transfer<Stream>& transfer, std::span<std::byte> into) {
  auto [ec, n] =
      co_await asio::async_read(transfer.stream(), asio::buffer(into.data(), into.size()),
                                CountTowardsPace<Stream>(transfer), kAsTuple);
  co_return Moved{!ec && n == into.size(), n};
}

template <class Stream>
asio::awaitable<Moved> write_exactly(Transfer<Stream>& transfer, std::span<const std::byte> from) {
  auto [ec, n] =
      co_await asio::async_write(transfer.stream(), asio::buffer(from.data(), from.size()),
                                 CountTowardsPace<Stream>(transfer), kAsTuple);
  co_return Moved{!ec && n == from.size(), n};
}

inline asio::awaitable<Status> write_to_sink(asio::thread_pool& pool, ByteSink& sink,
                                             std::span<const std::byte> bytes) {
  if (bytes.empty()) co_return Status{};
  co_return co_await run_blocking(pool, [&sink, bytes] { return sink.write(bytes); });
}

inline asio::awaitable<Status> read_from_source(asio::thread_pool& pool, ByteSource& source,
                                                std::uint64_t offset, std::span<std::byte> into) {
  co_return co_await run_blocking(
      pool, [&source, offset, into] { return source.read_exactly_at(offset, into); });
}

inline std::size_t next_piece(std::uint64_t left, std::size_t buffer) {
  return static_cast<std::size_t>(std::min<std::uint64_t>(left, buffer));
}

// A body of known length on the raw stream: each read is exactly the next piece of it.
template <class Stream>
class LengthBody {
 public:
  explicit LengthBody(std::uint64_t length) : left_(length) {}
  std::size_t capacity() const noexcept { return next_piece(left_, kReceiveChunkBytes); }
  bool done() const noexcept { return left_ == 0; }
  asio::awaitable<Moved> read(Transfer<Stream>& transfer, std::span<std::byte> into) {
    auto read = co_await read_exactly(transfer, into.first(next_piece(left_, into.size())));
    left_ -= read.bytes;
    co_return read;
  }
  Error failure(const Transfer<Stream>& transfer) const { return transfer.cut(left_); }

 private:
  std::uint64_t left_;
};

template <class Stream, class Body>
asio::awaitable<Status> drain(Transfer<Stream>& transfer, Body& body) {
  std::vector<std::byte> scratch(std::min(body.capacity(), kChunkBytes));
  while (!body.done()) {
    auto read = co_await body.read(transfer, std::span(scratch));
    if (!read.complete) co_return body.failure(transfer);
  }
  co_return Status{};
}

// A sink failed with `failure` while the rest of `body` was still to come.
template <class Stream, class Body>
asio::awaitable<Status> after_sink_failure(Transfer<Stream>& transfer, Status failure, Body& body,
                                           OnSinkError on_error) {
  if (on_error == OnSinkError::stop) co_return failure;
  auto drained = co_await drain(transfer, body);
  co_return drained.ok() ? failure : drained;
}

// The one receive loop: while the pool writes one buffer to the sink, the body fills the other.
template <class Stream, class Body>
asio::awaitable<Status> receive_stream(Transfer<Stream>& transfer, Body& body, ByteSink& sink,
                                       OnSinkError on_error) {
  using namespace asio::experimental::awaitable_operators;
  // Not zeroed: a buffer's pages are touched only as bytes arrive, so a slow upload holds
  // memory for what it sent, not two whole chunks from the start.
  const std::size_t capacity = body.capacity();
  auto filling = std::make_unique_for_overwrite<std::byte[]>(capacity);
  auto writing = std::make_unique_for_overwrite<std::byte[]>(capacity);
  auto first = co_await body.read(transfer, std::span(filling.get(), capacity));
  if (!first.complete) {
    // Keep what did arrive, so a resumed upload continues from the last byte received.
    co_await write_to_sink(transfer.pool(), sink, std::span(filling.get(), first.bytes));
    co_return body.failure(transfer);
  }
  std::size_t pending = first.bytes;
  while (true) {
    std::swap(filling, writing);  // `writing` now holds `pending` bytes for the disk
    std::span<const std::byte> out(writing.get(), pending);
    if (body.done()) co_return co_await write_to_sink(transfer.pool(), sink, out);
    std::span<std::byte> in(filling.get(), capacity);
    auto [written, read] =
        co_await (write_to_sink(transfer.pool(), sink, out) && body.read(transfer, in));
    if (!read.complete) {
      if (written.ok()) {
        co_await write_to_sink(transfer.pool(), sink, std::span(filling.get(), read.bytes));
      }
      co_return body.failure(transfer);
    }
    if (!written.ok()) co_return co_await after_sink_failure(transfer, written, body, on_error);
    pending = read.bytes;
  }
}

template <class Stream>
asio::awaitable<Status> receive_all(Transfer<Stream>& transfer, std::span<const std::byte> early,
                                    ByteSink& sink, std::uint64_t length, OnSinkError on_error) {
  // Bytes that arrived with the header come first.
  early = early.first(next_piece(length, early.size()));
  LengthBody<Stream> rest(length - early.size());
  if (!early.empty()) {
    auto written = co_await write_to_sink(transfer.pool(), sink, early);
    if (!written.ok()) co_return co_await after_sink_failure(transfer, written, rest, on_error);
  }
  if (rest.done()) co_return Status{};
  co_return co_await receive_stream(transfer, rest, sink, on_error);
}

template <class Stream>
asio::awaitable<Status> write_out(Transfer<Stream>& transfer, std::span<const std::byte> bytes) {
  auto sent = co_await write_exactly(transfer, bytes);
  if (sent.complete) co_return Status{};
  co_return transfer.send_failed(
      make_error(Errc::size_mismatch, "the client went away during a download"));
}

template <class Stream>
asio::awaitable<Status> send_buffered(Transfer<Stream>& transfer, ByteSource& source,
                                      std::uint64_t offset, std::uint64_t length) {
  using namespace asio::experimental::awaitable_operators;
  std::vector<std::byte> sending(next_piece(length, kChunkBytes));
  std::vector<std::byte> reading(sending.size());
  auto pending = next_piece(length, reading.size());
  auto first = co_await read_from_source(transfer.pool(), source, offset,
                                         std::span(reading.data(), pending));
  if (!first.ok()) co_return first;
  offset += pending;
  length -= pending;
  while (true) {
    std::swap(sending, reading);  // `sending` holds `pending` bytes for the socket
    std::span<const std::byte> out(sending.data(), pending);
    if (length == 0) co_return co_await write_out(transfer, out);
    std::span<std::byte> in(reading.data(), next_piece(length, reading.size()));
    auto [sent, read] = co_await (write_out(transfer, out) &&
                                  read_from_source(transfer.pool(), source, offset, in));
    if (!sent.ok()) co_return sent;
    if (!read.ok()) co_return read;
    pending = in.size();
    offset += pending;
    length -= pending;
  }
}

}  // namespace detail

template <class Stream>
boost::asio::awaitable<Status> receive(Stream& stream, std::span<const std::byte> early,
                                       ByteSink& sink, std::uint64_t length, TransferEnv env,
                                       OnSinkError on_error) {
  env.pace.start();
  detail::Transfer<Stream> transfer(stream, env);
  co_return co_await detail::receive_all(transfer, early, sink, length, on_error);
}

template <class Stream, class Body>
boost::asio::awaitable<Status> receive_body(Stream& stream, Body& body, ByteSink& sink,
                                            TransferEnv env, OnSinkError on_error) {
  env.pace.start();
  detail::Transfer<Stream> transfer(stream, env);
  co_return co_await detail::receive_stream(transfer, body, sink, on_error);
}

template <class Stream>
boost::asio::awaitable<Status> discard(Stream& stream, std::uint64_t length, TransferEnv env) {
  env.pace.start();
  detail::Transfer<Stream> transfer(stream, env);
  detail::LengthBody<Stream> body(length);
  co_return co_await detail::drain(transfer, body);
}

template <class Stream, class ZeroCopySocket>
boost::asio::awaitable<Status> send(Stream& stream, ByteSource& source, std::uint64_t offset,
                                    std::uint64_t length, TransferEnv env,
                                    ZeroCopySocket* zero_copy) {
  if (length == 0) co_return Status{};
  if (zero_copy != nullptr && source.native_fd() >= 0) {
    co_return co_await send_zero_copy(*zero_copy, source.native_fd(), offset, length, env);
  }
  env.pace.start();
  detail::Transfer<Stream> transfer(stream, env);
  co_return co_await detail::send_buffered(transfer, source, offset, length);
}

}  // namespace netdisk::server::transfer

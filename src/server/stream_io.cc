#include "server/stream_io.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "protocol/fields.h"
#include "server/blocking.h"
#include "server/connection.h"
#include "server/sendfile_loop.h"
#include "server/server_context.h"

namespace netdisk::server {
namespace {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

// One chunk in flight on each side of the pipeline. 256 KiB keeps syscalls and pool hops few
// (a few thousand per GiB) while two buffers per transfer cost only 512 KiB of memory.
constexpr std::size_t kChunkBytes = 256 * 1024;

// Why a stream stopped before its end: the sweep cut it off (it stalled, or averaged under
// --min-stream-rate), or the peer closed or reset the connection.
Error stream_timeout(Connection& connection) {
  auto rate = connection.server().config.min_stream_rate;
  if (rate == 0) return make_error(Errc::timeout, "the stream stopped moving");
  return make_error(Errc::timeout,
                    fmt::format("the stream stopped moving or averaged under the server's "
                                "minimum of {} bytes a second",
                                rate));
}

Error stream_cut(Connection& connection, std::uint64_t missing) {
  if (connection.timed_out()) return stream_timeout(connection);
  return make_error(Errc::size_mismatch,
                    fmt::format("the stream ended {} bytes before its declared length", missing));
}

// Marks a stream in progress on the connection for as long as it lives (Connection::begin_stream).
class StreamScope {
 public:
  explicit StreamScope(Connection& connection) : connection_(connection) {
    connection_.begin_stream();
  }
  ~StreamScope() { connection_.end_stream(); }
  StreamScope(const StreamScope&) = delete;
  StreamScope& operator=(const StreamScope&) = delete;

 private:
  Connection& connection_;
};

// The completion condition for the streams' asio::async_read and async_write. They call it
// before every read_some or write_some with the bytes moved so far, so each piece that moves
// counts towards the stream's pace (Connection::note_stream_bytes), not only a whole chunk.
class CountTowardsPace {
 public:
  explicit CountTowardsPace(Connection& connection) : connection_(&connection) {}
  std::size_t operator()(const boost::system::error_code& error, std::size_t moved) {
    connection_->note_stream_bytes(moved - counted_);
    counted_ = moved;
    return error ? 0 : std::numeric_limits<std::size_t>::max();  // as transfer_all, uncapped
  }

 private:
  Connection* connection_;
  std::size_t counted_ = 0;
};

struct ReadOutcome {
  boost::system::error_code error;
  std::size_t bytes = 0;
};

asio::awaitable<ReadOutcome> read_exactly(Connection& connection, std::vector<std::byte>& buffer,
                                          std::size_t want) {
  auto [ec, n] = co_await asio::async_read(connection.socket(), asio::buffer(buffer.data(), want),
                                           CountTowardsPace(connection), kAsTuple);
  co_return ReadOutcome{ec, n};
}

asio::awaitable<Status> write_on_pool(Connection& connection, storage::Upload& upload,
                                      const std::vector<std::byte>& buffer, std::size_t bytes) {
  co_return co_await run_blocking(connection.server().blocking_pool, [&upload, &buffer, bytes] {
    return upload.write(std::span(buffer.data(), bytes));
  });
}

asio::awaitable<Status> discard_rest(Connection& connection, std::uint64_t length) {
  length -= connection.take_buffered(length).size();
  std::vector<std::byte> sink(std::min<std::uint64_t>(length, kChunkBytes));
  while (length > 0) {
    auto want = static_cast<std::size_t>(std::min<std::uint64_t>(length, sink.size()));
    auto read = co_await read_exactly(connection, sink, want);
    if (read.error) co_return stream_cut(connection, length - read.bytes);
    length -= read.bytes;
  }
  co_return Status{};
}

}  // namespace

asio::awaitable<Status> discard_stream(Connection& connection, std::uint64_t length) {
  StreamScope streaming(connection);
  co_return co_await discard_rest(connection, length);
}

asio::awaitable<Result<std::optional<std::uint64_t>>> skip_declared_stream(
    Connection& connection, const nlohmann::json& request) {
  auto length = protocol::optional_uint_field(request, "stream");
  if (!length) co_return make_error(Errc::size_mismatch, length.error().message);
  if (!*length) co_return std::optional<std::uint64_t>{};
  auto dropped = co_await discard_stream(connection, **length);
  if (!dropped.ok()) co_return std::move(dropped).error();
  co_return *length;
}

namespace {

asio::awaitable<Status> receive_rest(Connection& connection, storage::Upload& upload,
                                     std::uint64_t length) {
  // Bytes that arrived with the announcing frame come first.
  auto early = connection.take_buffered(length);
  if (!early.empty()) {
    length -= early.size();
    auto bytes = std::as_bytes(early);
    auto written = co_await run_blocking(connection.server().blocking_pool,
                                         [&upload, bytes] { return upload.write(bytes); });
    if (!written.ok()) {
      auto drained = co_await discard_rest(connection, length);
      co_return drained.ok() ? written : drained;
    }
  }
  if (length == 0) co_return Status{};

  std::vector<std::byte> filling(std::min<std::uint64_t>(length, kChunkBytes));
  std::vector<std::byte> writing(filling.size());
  auto want = static_cast<std::size_t>(std::min<std::uint64_t>(length, filling.size()));
  auto first = co_await read_exactly(connection, filling, want);
  if (first.error) {
    // Keep what did arrive, so a resumed upload continues from the last byte received.
    co_await write_on_pool(connection, upload, filling, first.bytes);
    co_return stream_cut(connection, length - first.bytes);
  }
  length -= first.bytes;
  std::size_t pending = first.bytes;
  while (true) {
    std::swap(filling, writing);  // `writing` now holds `pending` bytes for the disk
    if (length == 0) co_return co_await write_on_pool(connection, upload, writing, pending);
    want = static_cast<std::size_t>(std::min<std::uint64_t>(length, filling.size()));
    auto [written, read] = co_await (write_on_pool(connection, upload, writing, pending) &&
                                     read_exactly(connection, filling, want));
    if (read.error) {
      if (written.ok()) co_await write_on_pool(connection, upload, filling, read.bytes);
      co_return stream_cut(connection, length - read.bytes);
    }
    length -= read.bytes;
    if (!written.ok()) {
      auto drained = co_await discard_rest(connection, length);
      co_return drained.ok() ? written : drained;
    }
    pending = read.bytes;
  }
}

asio::awaitable<Result<std::size_t>> pread_on_pool(Connection& connection, int fd,
                                                    std::vector<std::byte>& buffer,
                                                    std::size_t want, std::uint64_t offset) {
  co_return co_await run_blocking(
      connection.server().blocking_pool, [fd, &buffer, want, offset]() -> Result<std::size_t> {
        std::size_t done = 0;
        while (done < want) {
          ssize_t n = ::pread(fd, buffer.data() + done, want - done,
                              static_cast<off_t>(offset + done));
          if (n < 0 && errno == EINTR) continue;
          if (n < 0) return error_from_errno(errno, "read file");
          if (n == 0) return make_error(Errc::size_mismatch, "the file shrank while being sent");
          done += static_cast<std::size_t>(n);
        }
        return done;
      });
}

asio::awaitable<Status> write_all(Connection& connection, const std::vector<std::byte>& buffer,
                                  std::size_t bytes) {
  auto [ec, n] = co_await asio::async_write(connection.socket(),
                                            asio::buffer(buffer.data(), bytes),
                                            CountTowardsPace(connection), kAsTuple);
  if (ec) co_return make_error(Errc::size_mismatch, "the client went away during a download");
  co_return Status{};
}

asio::awaitable<Status> send_buffered(Connection& connection, int fd, std::uint64_t offset,
                                      std::uint64_t length) {
  std::vector<std::byte> sending(std::min<std::uint64_t>(length, kChunkBytes));
  std::vector<std::byte> reading(sending.size());
  auto want = static_cast<std::size_t>(std::min<std::uint64_t>(length, sending.size()));
  auto first = co_await pread_on_pool(connection, fd, reading, want, offset);
  if (!first) co_return first.error();
  std::size_t pending = *first;
  offset += pending;
  length -= pending;
  while (true) {
    std::swap(sending, reading);  // `sending` holds `pending` bytes for the socket
    if (length == 0) co_return co_await write_all(connection, sending, pending);
    want = static_cast<std::size_t>(std::min<std::uint64_t>(length, reading.size()));
    auto [sent, read] = co_await (write_all(connection, sending, pending) &&
                                  pread_on_pool(connection, fd, reading, want, offset));
    if (!sent.ok()) co_return sent;
    if (!read) co_return read.error();
    pending = *read;
    offset += pending;
    length -= pending;
  }
}

}  // namespace

asio::awaitable<Status> receive_into_upload(Connection& connection, storage::Upload& upload,
                                            std::uint64_t length) {
  StreamScope streaming(connection);
  co_return co_await receive_rest(connection, upload, length);
}

asio::awaitable<Status> send_file_range(Connection& connection, int fd, std::uint64_t offset,
                                        std::uint64_t length, SendMode mode) {
  if (length == 0) co_return Status{};
  StreamScope streaming(connection);
  Status sent;
  if (mode == SendMode::sendfile) {
    sent = co_await sendfile_to_socket(
        connection.socket(), fd, offset, length,
        [&connection](std::size_t bytes) { connection.note_stream_bytes(bytes); });
  } else {
    sent = co_await send_buffered(connection, fd, offset, length);
  }
  if (!sent.ok() && connection.timed_out()) co_return stream_timeout(connection);
  co_return sent;
}

}  // namespace netdisk::server

#include "server/stream_io.h"

#include <algorithm>
#include <cstdint>

#include <boost/asio/ip/tcp.hpp>

#include "protocol/fields.h"
#include "server/connection.h"
#include "server/services.h"
#include "server/transfer/inline_read.h"
#include "server/transfer/transfer_engine.h"

namespace netdisk::server {
namespace {

namespace asio = boost::asio;

// A raw stream on a connection, for as long as it lives: the connection's idle sweep leaves it
// to the transfer's own clock (its idle timeout, paced by --min-stream-rate), and the idle
// timeout afterwards counts from the stream's last activity (Connection::begin_stream).
class StreamScope {
 public:
  explicit StreamScope(Connection& connection)
      : connection_(connection),
        pace_(connection.server().live.idle_timeout(), connection.server().live.min_stream_rate(),
              connection.server().now) {
    connection_.begin_stream();
  }
  ~StreamScope() { connection_.end_stream(pace_.activity()); }
  StreamScope(const StreamScope&) = delete;
  StreamScope& operator=(const StreamScope&) = delete;

  transfer::TransferEnv env() {
    return {connection_.server().blocking_pool, pace_, connection_.deadlines()};
  }

 private:
  Connection& connection_;
  transfer::ActivityClock pace_;
};

// The bytes that arrived with the announcing frame, up to `length`.
std::span<const std::byte> take_early(Connection& connection, std::uint64_t length) {
  auto max = static_cast<std::size_t>(std::min<std::uint64_t>(length, SIZE_MAX));
  return std::as_bytes(connection.take_buffered(max));
}

}  // namespace

asio::awaitable<Status> discard_stream(Connection& connection, std::uint64_t length) {
  StreamScope streaming(connection);
  length -= take_early(connection, length).size();
  co_return co_await transfer::discard(connection.stream(), length, streaming.env());
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

asio::awaitable<Status> receive_into_upload(Connection& connection, storage::UploadSink& upload,
                                            std::uint64_t length) {
  StreamScope streaming(connection);
  transfer::UploadTarget sink(upload);
  // The early bytes stay in the frame decoder's buffer until the next read, which comes after
  // the engine has written them.
  auto early = take_early(connection, length);
  co_return co_await transfer::receive(connection.stream(), early, sink, length, streaming.env(),
                                       transfer::OnSinkError::drain);
}

bool append_small_stream(std::string& frame, storage::OpenFile& file, std::uint64_t offset,
                         std::uint64_t length, SendMode mode) {
  if (mode != SendMode::sendfile) return false;
  auto bytes = transfer::read_inline(file, offset, length);
  if (!bytes) return false;
  frame += *bytes;
  return true;
}

asio::awaitable<Status> send_file_range(Connection& connection, storage::OpenFile& file,
                                        std::uint64_t offset, std::uint64_t length,
                                        SendMode mode) {
  if (length == 0) co_return Status{};
  StreamScope streaming(connection);
  transfer::FileSource source(file);
  auto* zero_copy = mode == SendMode::sendfile ? connection.stream().zero_copy_socket() : nullptr;
  co_return co_await transfer::send(connection.stream(), source, offset, length, streaming.env(),
                                    zero_copy);
}

}  // namespace netdisk::server

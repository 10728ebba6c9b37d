// Raw byte streams on a connection (docs/PROTOCOL.md, section 5): receiving an upload's bytes
// into a storage::UploadSink, and sending a range of a file. Thin adapters over the transfer
// engine (transfer/transfer_engine.h, shared with HTTP), which overlaps the socket with the
// disk and paces the stream; the connection's idle timeout is the stream's, paced by
// --min-stream-rate. The caller holds the connection's Outbox exclusively while sending.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json_fwd.hpp>

#include "common/result.h"
#include "storage/user_space.h"

namespace netdisk::server {

class Connection;

// bench/run measured both (docs/BENCHMARKS.md): sendfile moved a 1 GiB download faster, with
// 24-120 % more bytes per server CPU-second and a fraction of the memory at 512 transfers, so
// it is the default.
enum class SendMode {
  buffered,  // pread on the blocking pool into a buffer, then write(2)
  sendfile,  // sendfile(2) from the page cache, zero-copy; a cold cache may block the I/O thread
};

// Reads exactly `length` stream bytes from the connection into `upload`. A failed write
// (disk_full, io_error) still reads and discards the rest, so the connection stays in sync,
// and returns that error. If the peer stops early, returns size_mismatch; if the stream stalls
// or averages under --min-stream-rate for too long (server/stream_pace.h), timeout. Both close
// the connection; a resumable partial file keeps what arrived.
boost::asio::awaitable<Status> receive_into_upload(Connection& connection,
                                                   storage::UploadSink& upload,
                                                   std::uint64_t length);

// Reads and throws away `length` stream bytes (for a stream the server cannot use).
boost::asio::awaitable<Status> discard_stream(Connection& connection, std::uint64_t length);

// For a request whose stream no handler reads: discards the raw stream its "stream" field
// declares and returns that length, or nullopt when it declares none. A "stream" that is not a
// valid length, or a stream cut short, is size_mismatch (fatal: the next frame cannot be found).
boost::asio::awaitable<Result<std::optional<std::uint64_t>>> skip_declared_stream(
    Connection& connection, const nlohmann::json& request);

// For a download: appends the whole stream of `file` (`length` bytes from `offset`) to its reply
// `frame` when it is small and in the page cache (transfer/inline_read.h), so reply and bytes
// leave in one write and no exclusive send follows. Only with --send-mode sendfile, which
// already reads file pages on the I/O thread. False, and `frame` untouched, otherwise.
bool append_small_stream(std::string& frame, storage::OpenFile& file, std::uint64_t offset,
                         std::uint64_t length, SendMode mode);

// Writes `length` bytes of `file` from `offset` to the socket. Errors are fatal for the
// connection: size_mismatch when the peer went away or the file shrank under us, timeout when
// the peer stalled or read slower than --min-stream-rate for too long.
boost::asio::awaitable<Status> send_file_range(Connection& connection, storage::OpenFile& file,
                                               std::uint64_t offset, std::uint64_t length,
                                               SendMode mode);

}  // namespace netdisk::server

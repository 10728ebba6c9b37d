// OpTrace: the record of one operation (transport, op, user, address, path, bytes in and out,
// duration, result), made by ops::dispatch for every op on every transport. An op without a
// stream is finished at once; one that moves a stream (upload.data, download) travels in its
// OpReply, the adapter adds the bytes it moved and any failure, and the record is finished
// when the reply is destroyed (after the transfer) or by finish(). Finishing writes the op
// log line (the "op" logger, info) and the metrics; with both off the trace is inactive and
// costs nothing more. Move-only; used on the thread of the transport that owns the reply.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/errc.h"
#include "server/telemetry/metrics.h"

namespace spdlog {
class logger;
}

namespace netdisk::server::ops {
struct OpCall;
struct OpInfo;
}  // namespace netdisk::server::ops

namespace netdisk::server::telemetry {

using OpClock = std::chrono::steady_clock;

class OpTrace {
 public:
  OpTrace() = default;  // inactive
  // The record of `op` (null: an unknown op) for `call`, begun at `started`, which ended with
  // `error` (nullopt: ok) unless the transport reports otherwise. The user, address and path
  // are copied only when the line will be logged.
  OpTrace(Metrics& metrics, const ops::OpInfo* op, const ops::OpCall& call,
          OpClock::time_point started, std::optional<Errc> error, Direction stream);
  OpTrace(OpTrace&& other) noexcept;
  OpTrace& operator=(OpTrace&& other) noexcept;
  ~OpTrace() { finish(); }

  bool active() const noexcept { return metrics_ != nullptr; }
  void add_in(std::uint64_t bytes) noexcept { bytes_in_ += bytes; }
  void add_out(std::uint64_t bytes) noexcept { bytes_out_ += bytes; }
  // The transfer failed after the op succeeded.
  void fail(Errc code) noexcept { error_ = code; }
  // Logs and counts the op once; later calls do nothing.
  void finish() noexcept;

 private:
  void log_line(std::chrono::nanoseconds elapsed) const;

  Metrics* metrics_ = nullptr;  // null: inactive, or already finished
  spdlog::logger* logger_ = nullptr;  // null: the line is not logged
  const ops::OpInfo* op_ = nullptr;
  std::size_t op_index_ = 0;
  int transport_ = 0;  // ops::Transport
  Direction stream_ = Direction::none;
  OpClock::time_point started_{};
  std::optional<Errc> error_;
  std::uint64_t bytes_in_ = 0;
  std::uint64_t bytes_out_ = 0;
  std::string user_;
  std::string address_;
  std::string path_;
};

}  // namespace netdisk::server::telemetry

// WireClient: a blocking NetDisk protocol client for tests, on plain POSIX sockets with the
// shared codec. Every wait has a timeout, so a misbehaving server fails a test instead of
// hanging it. One thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/frame_decoder.h"
#include "protocol/message.h"

namespace netdisk::e2e {

class WireClient {
 public:
  static constexpr auto kDefaultTimeout = std::chrono::seconds(10);

  // Connects to 127.0.0.1:port. Throws on failure.
  explicit WireClient(std::uint16_t port);
  ~WireClient();
  WireClient(WireClient&& other) noexcept;
  WireClient(const WireClient&) = delete;
  WireClient& operator=(const WireClient&) = delete;

  // hello with protocol version 1; returns the reply (throws if the reply is not ok).
  protocol::Reply hello();

  // Sends a request with the next id and returns that id.
  std::uint64_t send(std::string_view op, nlohmann::json fields = {});
  // Sends a request and waits for its reply (events in between are skipped and kept).
  protocol::Reply call(std::string_view op, nlohmann::json fields = {});

  // Sends raw bytes exactly as given (frames, garbage, partial headers).
  void send_raw(std::string_view bytes);
  // Next frame from the server, or nullopt if the server closed the connection cleanly.
  // Throws on timeout or a malformed reply.
  std::optional<protocol::Reply> receive(std::chrono::milliseconds timeout = kDefaultTimeout);
  // True when the server has closed the connection (reads EOF or reset within the timeout).
  bool closed_by_server(std::chrono::milliseconds timeout = kDefaultTimeout);
  // Exactly n raw bytes (a stream that follows a frame).
  std::string receive_raw(std::size_t n, std::chrono::milliseconds timeout = kDefaultTimeout);

  int fd() const { return fd_; }
  void close();

 private:
  // Reads once into the decoder; false on EOF/reset. Throws on timeout.
  bool fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::uint64_t next_id_ = 1;
  protocol::FrameDecoder decoder_{16 * 1024 * 1024};
};

}  // namespace netdisk::e2e

// WireConnection: one blocking connection to a NetDisk server, on plain POSIX sockets with the
// shared codec (src/protocol). The netdisk client and the end-to-end tests both use it. Every
// wait has a timeout, so an unresponsive server is an error, not a hang. One thread at a time;
// parallel transfers open one connection each.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/frame.h"
#include "protocol/frame_decoder.h"
#include "protocol/message.h"

namespace netdisk::client {

class WireConnection {
 public:
  static constexpr auto kDefaultTimeout = std::chrono::seconds(10);

  // Connects to host:port (a name, an IPv4 or an IPv6 address). Throws std::runtime_error.
  WireConnection(const std::string& host, std::uint16_t port);
  // Connects to 127.0.0.1:port.
  explicit WireConnection(std::uint16_t port) : WireConnection("127.0.0.1", port) {}
  ~WireConnection();
  WireConnection(WireConnection&& other) noexcept;
  WireConnection(const WireConnection&) = delete;
  WireConnection& operator=(const WireConnection&) = delete;

  // hello with protocol version 1; returns the reply (throws if the reply is not ok).
  protocol::Reply hello(std::string_view client_name = "netdisk");

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
  protocol::FrameDecoder decoder_{protocol::kMaxMaxFrameBytes};
};

}  // namespace netdisk::client

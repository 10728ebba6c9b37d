// WireClient: one non-blocking NetDisk protocol connection (docs/PROTOCOL.md) driven by the
// EventLoop. Requests are encoded with the shared codec (src/protocol) and queued; replies and
// events are decoded with protocol::FrameDecoder and handed to the reply handler. A reply that
// announces a raw `stream` is delivered only after all of its bytes have been read, in 1 MiB
// reads into the loop's discard buffer. An upload's raw bytes leave with sendfile(2).
// Owned by one mode function on the loop's thread; close() is safe to call twice.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "event_loop.h"
#include "protocol/frame.h"
#include "protocol/frame_decoder.h"
#include "protocol/message.h"

namespace netdisk::bench {

class WireClient final : public IoHandler {
 public:
  using ReplyHandler = std::function<void(WireClient&, protocol::Reply&)>;

  // Starts a non-blocking connect to 127.0.0.1:port. Throws std::runtime_error.
  WireClient(EventLoop& loop, std::uint16_t port);
  ~WireClient() override;
  WireClient(const WireClient&) = delete;
  WireClient& operator=(const WireClient&) = delete;

  // Queues a request; returns its id. Requests queued before the connect completes wait.
  std::uint64_t request(std::string_view op, nlohmann::json fields = {});
  // Queues a request whose frame is followed by `length` raw bytes of `file_fd` from `offset`
  // (the `stream` field is set here). Nothing may be queued until the reply arrives.
  std::uint64_t request_with_file(std::string_view op, nlohmann::json fields, int file_fd,
                                  off_t offset, std::uint64_t length);

  void set_handler(ReplyHandler handler) { handler_ = std::move(handler); }
  // Optional fast path, consulted before a frame is parsed: returns true when it consumed the
  // payload itself (the chat receivers pick their text out of events without a JSON DOM, as
  // wrk parses only what it needs of HTTP, so the client does not become the bottleneck).
  using FrameFilter = std::function<bool(std::string_view payload)>;
  void set_frame_filter(FrameFilter filter) { filter_ = std::move(filter); }
  // With this on, a reply whose last member is "ok":true (the server writes members in key
  // order, so no "stream" follows it) is delivered as a bare success without parsing its
  // body, as wrk reads nginx's autoindex without parsing it. Parsing a 1,000-entry listing
  // into a DOM cost this single-threaded client 0.8 ms per reply (1.04 ms of client CPU per
  // listing before, 0.25 ms after), time the next request on that connection waited for. Any
  // other reply is parsed as usual; the list mode checks one full reply first.
  void set_skim_ok_replies(bool on) { skim_ok_ = on; }
  void close();

  bool is_open() const noexcept { return fd_ >= 0; }
  bool failed() const noexcept { return !error_.empty(); }
  const std::string& error() const noexcept { return error_; }
  std::uint64_t stream_bytes() const noexcept { return stream_bytes_; }
  std::uint64_t stream_bytes_left() const noexcept { return raw_left_; }

  // Free slots for the mode that owns the connection.
  std::size_t tag = 0;
  Clock::time_point sent_at{};

 private:
  void on_io(std::uint32_t events) override;
  void fail(std::string what);
  void flush();
  void read_some();
  void drain_frames();
  void take_buffered_raw();
  void deliver(protocol::Reply& reply);
  void update_interest();

  EventLoop& loop_;
  int fd_ = -1;
  bool connecting_ = true;
  bool want_write_ = true;
  protocol::FrameDecoder decoder_{protocol::kMaxMaxFrameBytes};
  std::string out_;
  std::size_t out_sent_ = 0;
  int file_fd_ = -1;
  off_t file_offset_ = 0;
  std::uint64_t file_left_ = 0;
  std::uint64_t raw_left_ = 0;
  std::optional<protocol::Reply> pending_;  // the reply whose stream is being read
  std::uint64_t next_id_ = 1;
  std::uint64_t stream_bytes_ = 0;
  ReplyHandler handler_;
  FrameFilter filter_;
  bool skim_ok_ = false;
  std::string error_;
};

}  // namespace netdisk::bench

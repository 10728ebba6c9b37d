// Outbox: the one writer of a connection's outgoing messages, for a NetDisk TCP connection and
// a WebSocket chat member alike. Replies and events are queued as shared frames (a chat
// message fanned out to many members is one buffer, not one copy each); a writer coroutine
// hands whatever has queued up to a FrameWriter, which knows the wire: the TCP socket sends
// whole frames with one gather write, a WebSocket sends each frame's payload as a text
// message. The writer exists only while there is something to write: a push starts it, and it
// ends when the queue is empty, so an idle connection holds no coroutine frame and no timer.
// A queue limit bounds what a slow reader may pin (--chat-queue-bytes for chat events). Lives
// on the connection's worker thread; other threads reach it through asio::post.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "server/clock.h"
#include "server/wire_stream.h"

namespace netdisk::server {

using SharedFrame = std::shared_ptr<const std::string>;

// How queued frames reach the wire. A frame is a complete NetDisk frame: a 4-byte length, then
// the JSON payload.
class FrameWriter {
 public:
  virtual ~FrameWriter() = default;
  // Where the writer coroutine runs (the connection's worker).
  virtual boost::asio::any_io_executor executor() = 0;
  // Writes `frames` in order; an error ends the Outbox (nothing more is written).
  virtual boost::asio::awaitable<boost::system::error_code> write(
      const std::vector<SharedFrame>& frames) = 0;
};

// The NetDisk TCP protocol: frames as they are, gathered into one write.
class SocketFrameWriter final : public FrameWriter {
 public:
  explicit SocketFrameWriter(WireStream& stream) : stream_(stream) {}
  boost::asio::any_io_executor executor() override { return stream_.get_executor(); }
  boost::asio::awaitable<boost::system::error_code> write(
      const std::vector<SharedFrame>& frames) override;

 private:
  WireStream& stream_;
};

class Outbox {
 public:
  // `writer` must outlive every writer coroutine; set_owner() says what keeps both alive.
  // `now` (the server's clock) must outlive the Outbox.
  explicit Outbox(FrameWriter& writer, const Now& now = default_now());
  // The steady clock, for an Outbox whose owner has no clock of its own.
  static const Now& default_now();

  // The object that owns this Outbox and the FrameWriter: each writer coroutine holds it alive
  // until it ends. Call before the first push; nothing is written while the owner is gone.
  void set_owner(std::weak_ptr<void> owner) noexcept { owner_ = std::move(owner); }

  // Queues a frame and starts the writer if none is running. With a `limit`, refuses (returns
  // false, queues nothing) when the queued bytes would exceed it: the caller decides what an
  // overflowing receiver deserves. Frames go out in the order they were pushed.
  bool push(SharedFrame frame, std::size_t limit = 0);
  void push(std::string frame) { push(std::make_shared<const std::string>(std::move(frame))); }

  // Waits until no writer runs: everything queued so far has been written, or writing failed
  // or was stopped (then after the write in flight, if any, has returned).
  boost::asio::awaitable<void> drained();
  // Refuses new frames; what is queued still goes out.
  void close();
  // Drops what is queued, refuses new frames, and lets the writer exit after the write in
  // flight, if any. For a member going away whose peer may never read again; drained() then
  // waits for that write, so that the socket may go away.
  void stop();

  // For a raw byte stream (docs/PROTOCOL.md, section 5): waits until every queued frame is
  // written, then keeps the writer off the socket, so the caller may write to it directly
  // with nothing interleaved. Frames pushed meanwhile wait in the queue. Always pair with
  // release_exclusive().
  boost::asio::awaitable<void> acquire_exclusive();
  void release_exclusive();
  // Drops every queued frame and refuses new ones; the writer exits. For a connection whose
  // byte stream broke off midway: the peer would read any later frame as stream data. Only
  // while holding exclusive access, so that no write of queued frames is in flight.
  void abandon();

  std::size_t queued_bytes() const noexcept { return queued_bytes_; }
  // When the last write of frames finished, for the idle-timeout sweep (a peer that takes our
  // frames is not idle).
  TimePoint last_write() const noexcept { return last_write_; }
  bool failed() const noexcept { return failed_; }
  // True while a writer coroutine exists (a write in flight or about to start).
  bool writing() const noexcept { return writing_; }
  // Frame slots the queue holds allocated: none once everything queued is written.
  std::size_t queue_capacity() const noexcept { return queue_.capacity(); }

 private:
  // Spawns the writer if there is work and nothing stops it.
  void start_writer();
  // The writer: writes batches until the queue is empty or writing fails; then ends.
  boost::asio::awaitable<void> write_queued();
  // Waits for notify(). The timer behind it exists only while someone waits.
  boost::asio::awaitable<void> wait_for_writer();
  void notify() noexcept;

  FrameWriter& writer_;
  std::weak_ptr<void> owner_;
  const Now& now_;  // a reference: an idle connection should not carry a std::function
  TimePoint last_write_{};
  // The queue is queue_[head_...]: a vector, not a deque, because an empty std::deque still
  // holds a 512-byte block, which every idle connection would carry. A queue that fits one
  // write moves whole into the writer's batch, so an idle connection keeps no block at all.
  bool queue_empty() const noexcept { return head_ == queue_.size(); }
  std::size_t queue_size() const noexcept { return queue_.size() - head_; }
  // Fills `batch` with the next frames to write, at most one write's worth.
  void take_batch(std::vector<SharedFrame>& batch);
  // After `batch` was written: its bytes leave the count, its block is freed.
  void written(std::vector<SharedFrame>& batch);
  void clear_queue() noexcept;
  std::vector<SharedFrame> queue_;
  std::size_t head_ = 0;
  std::size_t queued_bytes_ = 0;
  std::unique_ptr<boost::asio::steady_timer> writer_ended_;  // while drained() waits
  std::uint32_t waiters_ = 0;
  bool writing_ = false;
  bool closed_ = false;
  bool exclusive_ = false;
  bool failed_ = false;
};

}  // namespace netdisk::server

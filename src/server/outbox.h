// Outbox: the one writer of a connection's socket. Replies and events are queued as shared
// frames (a chat message fanned out to many members is one buffer, not one copy each) and the
// writer coroutine sends whatever has queued up with one gather write. Lives on the
// connection's worker thread; other threads reach it through asio::post.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

namespace netdisk::server {

using SharedFrame = std::shared_ptr<const std::string>;

class Outbox {
 public:
  explicit Outbox(boost::asio::ip::tcp::socket& socket);

  // Queues a frame. With a `limit`, refuses (returns false, queues nothing) when the queued
  // bytes would exceed it: the caller decides what an overflowing receiver deserves.
  bool push(SharedFrame frame, std::size_t limit = 0);
  void push(std::string frame) { push(std::make_shared<const std::string>(std::move(frame))); }

  // The writer loop. Ends when close() is called and the queue is empty, or on a write error.
  boost::asio::awaitable<void> run();
  // Waits until everything queued so far has been written (or writing failed).
  boost::asio::awaitable<void> drained();
  // Lets the writer finish what is queued and exit.
  void close();

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
  std::chrono::steady_clock::time_point last_write() const noexcept { return last_write_; }
  bool failed() const noexcept { return failed_; }

 private:
  void wake(boost::asio::steady_timer& signal);

  boost::asio::ip::tcp::socket& socket_;
  std::chrono::steady_clock::time_point last_write_{};
  std::deque<SharedFrame> queue_;
  std::size_t queued_bytes_ = 0;
  boost::asio::steady_timer has_work_;
  boost::asio::steady_timer is_drained_;
  bool closed_ = false;
  bool exclusive_ = false;
  bool failed_ = false;
  bool writer_done_ = false;
};

}  // namespace netdisk::server

#include "server/outbox.h"

#include <cassert>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace netdisk::server {
namespace {

namespace asio = boost::asio;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);
// Frames gathered into one write; bounded so the iovec array stays small.
constexpr std::size_t kMaxFramesPerWrite = 64;

}  // namespace

asio::awaitable<boost::system::error_code> SocketFrameWriter::write(
    const std::vector<SharedFrame>& frames) {
  std::vector<asio::const_buffer> buffers;
  buffers.reserve(frames.size());
  for (const auto& frame : frames) buffers.push_back(asio::buffer(*frame));
  auto [ec, written] = co_await asio::async_write(socket_, buffers, kAsTuple);
  co_return ec;
}

Outbox::Outbox(asio::any_io_executor executor, FrameWriter& writer, Now now)
    : writer_(writer), now_(std::move(now)), has_work_(executor), is_drained_(executor) {
  // A signal is a timer that never fires by itself; cancel() wakes its waiter.
  has_work_.expires_at(std::chrono::steady_clock::time_point::max());
  is_drained_.expires_at(std::chrono::steady_clock::time_point::max());
}

void Outbox::wake(asio::steady_timer& signal) { signal.cancel(); }

void Outbox::pop_written(std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    queued_bytes_ -= queue_[head_]->size();
    queue_[head_++].reset();
  }
  if (queue_empty()) {
    clear_queue();
  } else if (head_ >= kMaxFramesPerWrite && head_ * 2 >= queue_.size()) {
    // Under a steady flow the queue may never empty: drop the written front now and then.
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

void Outbox::clear_queue() noexcept {
  queue_.clear();
  head_ = 0;
  queued_bytes_ = 0;
  // A burst (a chat flood) may have grown the vector: give that memory back once it is over.
  if (queue_.capacity() > kMaxFramesPerWrite) queue_.shrink_to_fit();
}

bool Outbox::push(SharedFrame frame, std::size_t limit) {
  if (failed_ || closed_) return false;
  if (limit != 0 && queued_bytes_ + frame->size() > limit) return false;
  queued_bytes_ += frame->size();
  queue_.push_back(std::move(frame));
  wake(has_work_);
  return true;
}

asio::awaitable<void> Outbox::run() {
  std::vector<SharedFrame> batch;
  while (true) {
    if (queue_empty() || exclusive_) {
      if (queue_empty()) wake(is_drained_);
      if (closed_ || failed_) break;
      has_work_.expires_at(std::chrono::steady_clock::time_point::max());
      co_await has_work_.async_wait(kAsTuple);
      continue;
    }
    std::size_t count = std::min(queue_size(), kMaxFramesPerWrite);
    auto first = queue_.begin() + static_cast<std::ptrdiff_t>(head_);
    batch.assign(first, first + static_cast<std::ptrdiff_t>(count));
    auto ec = co_await writer_.write(batch);
    batch.clear();
    if (ec || failed_) {  // failed_: stop() or abandon() came while the write was in flight
      failed_ = true;
      clear_queue();
      continue;  // wakes drained() waiters on the next turn, then exits
    }
    last_write_ = now_();
    pop_written(count);
  }
  writer_done_ = true;
  wake(is_drained_);
}

asio::awaitable<void> Outbox::drained() {
  while (!queue_empty() && !failed_ && !writer_done_) {
    is_drained_.expires_at(std::chrono::steady_clock::time_point::max());
    co_await is_drained_.async_wait(kAsTuple);
  }
}

asio::awaitable<void> Outbox::acquire_exclusive() {
  co_await drained();
  exclusive_ = true;
}

void Outbox::release_exclusive() {
  exclusive_ = false;
  wake(has_work_);
}

void Outbox::abandon() {
  assert(exclusive_);
  failed_ = true;
  clear_queue();
  wake(has_work_);
}

void Outbox::stop() {
  failed_ = true;
  clear_queue();
  wake(has_work_);
}

void Outbox::close() {
  closed_ = true;
  wake(has_work_);
}

}  // namespace netdisk::server

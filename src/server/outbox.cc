#include "server/outbox.h"

#include <algorithm>
#include <cassert>
#include <iterator>
#include <utility>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
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
  auto [ec, written] = co_await asio::async_write(stream_, buffers, kAsTuple);
  co_return ec;
}

Outbox::Outbox(FrameWriter& writer, const Now& now) : writer_(writer), now_(now) {}

const Now& Outbox::default_now() {
  static const Now now = &steady_now;
  return now;
}

void Outbox::notify() noexcept {
  if (writer_ended_) writer_ended_->cancel();
}

asio::awaitable<void> Outbox::wait_for_writer() {
  if (!writer_ended_) {
    // A signal is a timer that never fires by itself; cancel() wakes every waiter.
    writer_ended_ = std::make_unique<asio::steady_timer>(writer_.executor());
    writer_ended_->expires_at(asio::steady_timer::time_point::max());
  }
  ++waiters_;
  co_await writer_ended_->async_wait(kAsTuple);
  if (--waiters_ == 0) writer_ended_.reset();  // an idle connection keeps no timer
}

void Outbox::take_batch(std::vector<SharedFrame>& batch) {
  if (head_ == 0 && queue_.size() <= kMaxFramesPerWrite) {
    // The usual case (a reply, a few events): the queue itself becomes the batch, and frames
    // pushed during the write start a new block, so none is kept once the writer ends.
    batch = std::exchange(queue_, {});
    return;
  }
  // A burst: one write's worth off the front. The taken front is dropped now and then, since
  // under a steady flow the queue may never empty.
  auto first = queue_.begin() + static_cast<std::ptrdiff_t>(head_);
  std::size_t count = std::min(queue_size(), kMaxFramesPerWrite);
  batch.assign(std::make_move_iterator(first),
               std::make_move_iterator(first + static_cast<std::ptrdiff_t>(count)));
  head_ += count;
  if (queue_empty()) {
    queue_ = {};
    head_ = 0;
  } else if (head_ >= kMaxFramesPerWrite && head_ * 2 >= queue_.size()) {
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

// Only after a write that succeeded: a failure has cleared the count already.
void Outbox::written(std::vector<SharedFrame>& batch) {
  for (const auto& frame : batch) queued_bytes_ -= frame->size();
  batch = {};
}

void Outbox::clear_queue() noexcept {
  queue_ = {};  // gives the block back (a chat flood's too): an idle connection keeps none
  head_ = 0;
  queued_bytes_ = 0;
}

bool Outbox::push(SharedFrame frame, std::size_t limit) {
  if (failed_ || closed_) return false;
  if (limit != 0 && queued_bytes_ + frame->size() > limit) return false;
  queued_bytes_ += frame->size();
  queue_.push_back(std::move(frame));
  start_writer();
  return true;
}

// A frame pushed while a writer runs joins its queue, and a writer that finds the queue empty
// clears writing_ in the same step (no suspension between the test and the end), so every
// push either reaches a running writer or starts a new one: none is lost or reordered.
void Outbox::start_writer() {
  if (writing_ || exclusive_ || failed_ || queue_empty()) return;
  auto owner = owner_.lock();
  if (!owner) return;  // the connection is being destroyed: nobody will read the frames
  writing_ = true;
  asio::co_spawn(
      writer_.executor(), [this, keep = std::move(owner)]() { return write_queued(); }, asio::detached);
}

asio::awaitable<void> Outbox::write_queued() {
  std::vector<SharedFrame> batch;
  while (!queue_empty() && !exclusive_ && !failed_) {
    take_batch(batch);
    auto ec = co_await writer_.write(batch);
    if (ec || failed_) {  // failed_: stop() or abandon() came while the write was in flight
      failed_ = true;
      batch = {};
      clear_queue();
      break;
    }
    written(batch);
    last_write_ = now_();
  }
  writing_ = false;
  notify();
}

asio::awaitable<void> Outbox::drained() {
  while (writing_) co_await wait_for_writer();
}

// The test of writing_ and the setting of exclusive_ happen in one step, so no writer can
// start in between (a push meanwhile only queues).
asio::awaitable<void> Outbox::acquire_exclusive() {
  while (writing_) co_await wait_for_writer();
  exclusive_ = true;
}

void Outbox::release_exclusive() {
  exclusive_ = false;
  start_writer();
}

void Outbox::abandon() {
  assert(exclusive_);
  failed_ = true;
  clear_queue();
}

void Outbox::stop() {
  failed_ = true;
  clear_queue();
}

void Outbox::close() { closed_ = true; }

}  // namespace netdisk::server

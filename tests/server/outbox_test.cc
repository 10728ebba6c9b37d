// Unit tests of the Outbox (server/outbox.h) over a recording FrameWriter, no sockets: frames
// go out in order, a queue limit refuses what would exceed it, stop() while a write is in
// flight drops the queue without the writer touching it afterwards, the writer exists only
// while frames are queued, and frames pushed while it is ending are neither lost nor reordered.
#include "server/outbox.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace netdisk::server {
namespace {

namespace asio = boost::asio;

SharedFrame frame(std::string text) { return std::make_shared<const std::string>(std::move(text)); }

// Records what it is asked to write; while `hold` is set, each write waits until released.
class RecordingWriter final : public FrameWriter {
 public:
  explicit RecordingWriter(asio::io_context& io) : gate_(io) {
    gate_.expires_at(asio::steady_timer::time_point::max());
  }
  asio::awaitable<boost::system::error_code> write(
      const std::vector<SharedFrame>& frames) override {
    ++writes_in_flight;
    if (hold) co_await gate_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (yield) co_await asio::post(gate_.get_executor(), asio::use_awaitable);
    for (const auto& f : frames) written.push_back(*f);
    --writes_in_flight;
    co_return boost::system::error_code{};
  }
  asio::any_io_executor executor() override { return gate_.get_executor(); }
  void release() { gate_.cancel(); }

  bool hold = false;
  bool yield = false;  // each write lets other handlers run before it completes
  int writes_in_flight = 0;
  std::vector<std::string> written;

 private:
  asio::steady_timer gate_;
};

// An Outbox over a RecordingWriter, owned by a stand-in for its connection.
struct OwnedOutbox {
  OwnedOutbox() { outbox.set_owner(owner); }
  asio::io_context io;
  RecordingWriter writer{io};
  Outbox outbox{writer};
  std::shared_ptr<int> owner = std::make_shared<int>(0);
};

TEST(Outbox, WritesFramesInOrderAndRefusesWhatWouldExceedTheLimit) {
  asio::io_context io;
  RecordingWriter writer(io);
  Outbox outbox(writer);
  auto owner = std::make_shared<int>(0);
  outbox.set_owner(owner);
  EXPECT_TRUE(outbox.push(frame("aaaa"), 10));
  EXPECT_TRUE(outbox.push(frame("bbbb"), 10));
  EXPECT_FALSE(outbox.push(frame("cccc"), 10)) << "12 bytes would exceed the limit of 10";
  outbox.push(std::string("dddd"));  // replies are not limited
  EXPECT_EQ(outbox.queued_bytes(), 12u);
  io.run();
  EXPECT_EQ(writer.written, (std::vector<std::string>{"aaaa", "bbbb", "dddd"}));
  EXPECT_EQ(outbox.queued_bytes(), 0u);
}

TEST(Outbox, StopDuringAWriteDropsTheQueueAndTheWriterExits) {
  asio::io_context io;
  RecordingWriter writer(io);
  writer.hold = true;
  Outbox outbox(writer);
  auto owner = std::make_shared<int>(0);
  outbox.set_owner(owner);
  outbox.push(frame("first"));
  bool writer_done = false;
  asio::co_spawn(
      io,
      [](Outbox& box, bool& done) -> asio::awaitable<void> {
        co_await box.drained();
        done = true;
      }(outbox, writer_done),
      asio::detached);
  // Once the first write is in flight: more frames, then stop, then the write completes.
  asio::post(io, [&] {
    ASSERT_EQ(writer.writes_in_flight, 1);
    outbox.push(frame("second"));
    outbox.stop();
    EXPECT_FALSE(outbox.push(frame("third"))) << "a stopped outbox refuses frames";
    writer.release();
  });
  io.run();
  EXPECT_TRUE(writer_done);
  EXPECT_FALSE(outbox.writing());
  EXPECT_EQ(writer.written, (std::vector<std::string>{"first"}));
  EXPECT_EQ(outbox.queued_bytes(), 0u);
}

// An idle connection keeps no queue block: whether its frames went out in one write or, as a
// burst, in several, the queue's memory is given back once they are written.
TEST(Outbox, KeepsNoQueueBlockOnceEverythingQueuedIsWritten) {
  OwnedOutbox rig;
  rig.outbox.push(frame("reply"));
  rig.io.run();
  EXPECT_EQ(rig.writer.written.size(), 1u);
  EXPECT_EQ(rig.outbox.queue_capacity(), 0u);
  std::vector<std::string> burst;
  for (int i = 0; i < 300; ++i) burst.push_back("event " + std::to_string(i));
  for (const auto& text : burst) rig.outbox.push(frame(text));
  rig.io.restart();
  rig.io.run();
  ASSERT_EQ(rig.writer.written.size(), 301u);
  EXPECT_TRUE(std::equal(burst.begin(), burst.end(), rig.writer.written.begin() + 1));
  EXPECT_EQ(rig.outbox.queue_capacity(), 0u);
  EXPECT_EQ(rig.outbox.queued_bytes(), 0u);
}

// What an idle connection costs: once its queue is written, no writer coroutine is left, and
// none holds the owner (the connection) alive; the next push starts a writer again.
TEST(Outbox, AnIdleOutboxHoldsNoWriterAndTheNextPushStartsOne) {
  asio::io_context io;
  RecordingWriter writer(io);
  Outbox outbox(writer);
  auto owner = std::make_shared<int>(0);
  outbox.set_owner(owner);
  outbox.push(frame("one"));
  EXPECT_TRUE(outbox.writing());
  EXPECT_EQ(owner.use_count(), 2) << "the writer holds its owner while it runs";
  io.run();
  EXPECT_FALSE(outbox.writing());
  EXPECT_EQ(owner.use_count(), 1) << "an idle outbox holds nothing of its owner";
  io.restart();
  outbox.push(frame("two"));
  io.run();
  EXPECT_EQ(writer.written, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(owner.use_count(), 1);
}

// The writer ends whenever it finds the queue empty, and frames keep arriving from posted
// handlers (as chat events from other threads do) at every point of its life: while it is
// starting, writing, and ending. Every frame arrives exactly once, in push order, and the
// writer really did end and restart many times on the way.
TEST(Outbox, FramesPushedWhileTheWriterEndsAreNeitherLostNorReordered) {
  asio::io_context io;
  RecordingWriter writer(io);
  writer.yield = true;
  Outbox outbox(writer);
  auto owner = std::make_shared<int>(0);
  outbox.set_owner(owner);
  constexpr int kFrames = 5000;
  int next = 0;
  int turn = 0;
  int restarts = 0;
  std::vector<std::string> expected;
  // Each turn pushes 0-3 frames, then posts the next turn: bursts and gaps of every length,
  // so the writer often finds the queue empty and ends between two turns.
  std::function<void()> pusher = [&] {
    for (int burst = (turn++ * 7) % 4; burst > 0 && next < kFrames; --burst) {
      if (!outbox.writing()) ++restarts;
      expected.push_back(std::to_string(next));
      outbox.push(frame(std::to_string(next++)));
    }
    if (next < kFrames) asio::post(io, pusher);
  };
  asio::post(io, pusher);
  io.run();
  EXPECT_EQ(writer.written, expected);
  EXPECT_GT(restarts, 100) << "the writer should have ended and restarted many times";
  EXPECT_FALSE(outbox.writing());
  EXPECT_EQ(owner.use_count(), 1);
}

}  // namespace
}  // namespace netdisk::server

// Unit tests of the Outbox (server/outbox.h) over a recording FrameWriter, no sockets: frames
// go out in order, a queue limit refuses what would exceed it, and stop() while a write is in
// flight drops the queue without the writer touching it afterwards.
#include "server/outbox.h"

#include <gtest/gtest.h>

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
    for (const auto& f : frames) written.push_back(*f);
    --writes_in_flight;
    co_return boost::system::error_code{};
  }
  void release() { gate_.cancel(); }

  bool hold = false;
  int writes_in_flight = 0;
  std::vector<std::string> written;

 private:
  asio::steady_timer gate_;
};

TEST(Outbox, WritesFramesInOrderAndRefusesWhatWouldExceedTheLimit) {
  asio::io_context io;
  RecordingWriter writer(io);
  Outbox outbox(io.get_executor(), writer);
  EXPECT_TRUE(outbox.push(frame("aaaa"), 10));
  EXPECT_TRUE(outbox.push(frame("bbbb"), 10));
  EXPECT_FALSE(outbox.push(frame("cccc"), 10)) << "12 bytes would exceed the limit of 10";
  outbox.push(std::string("dddd"));  // replies are not limited
  EXPECT_EQ(outbox.queued_bytes(), 12u);
  outbox.close();
  asio::co_spawn(io, outbox.run(), asio::detached);
  io.run();
  EXPECT_EQ(writer.written, (std::vector<std::string>{"aaaa", "bbbb", "dddd"}));
  EXPECT_EQ(outbox.queued_bytes(), 0u);
}

TEST(Outbox, StopDuringAWriteDropsTheQueueAndTheWriterExits) {
  asio::io_context io;
  RecordingWriter writer(io);
  writer.hold = true;
  Outbox outbox(io.get_executor(), writer);
  outbox.push(frame("first"));
  bool writer_done = false;
  asio::co_spawn(
      io,
      [](Outbox& box, bool& done) -> asio::awaitable<void> {
        co_await box.run();
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
  EXPECT_EQ(writer.written, (std::vector<std::string>{"first"}));
  EXPECT_EQ(outbox.queued_bytes(), 0u);
}

}  // namespace
}  // namespace netdisk::server

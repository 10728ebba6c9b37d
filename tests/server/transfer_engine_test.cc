// Unit tests of the transfer engine (server/transfer/transfer_engine.h) over an in-memory
// stream (a connected pair of Unix sockets) with a hand-driven clock: a steady upload and a
// steady download complete, a trickle times out, a stream cut short is size_mismatch and keeps
// what arrived, a failing disk write drains the rest and reports disk_full, and a peer that
// sends nothing is woken by the stall guard once the clock passes the deadline; an upload
// reaches the sink in 1 MiB chunks (one blocking-pool hop each); a body that frames itself
// (a BodyReader) goes through the same loop.
#include "server/transfer/transfer_engine.h"

#include <algorithm>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "manual_clock.h"

namespace netdisk::server::transfer {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Socket = asio::local::stream_protocol::socket;
using test::ManualClock;

constexpr std::uint64_t kMinRate = 1024;

std::vector<std::byte> pattern(std::size_t size) {
  std::vector<std::byte> bytes(size);
  for (std::size_t i = 0; i < size; ++i)
    bytes[i] = static_cast<std::byte>((i * 7 + i / 251) & 0xff);
  return bytes;
}

// An upload's bytes in memory; the write numbered `fail_at` (from 0) fails with disk_full.
class MemorySink final : public ByteSink {
 public:
  explicit MemorySink(std::optional<int> fail_at = std::nullopt) : fail_at_(fail_at) {}
  Status write(std::span<const std::byte> bytes) override {
    if (fail_at_ && writes_ == *fail_at_) return make_error(Errc::disk_full, "disk full");
    ++writes_;
    held.insert(held.end(), bytes.begin(), bytes.end());
    return {};
  }
  int writes() const { return writes_; }
  std::vector<std::byte> held;

 private:
  std::optional<int> fail_at_;
  int writes_ = 0;
};

// A file in memory, with no native descriptor: the engine sends it buffered.
class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::vector<std::byte> data) : data_(std::move(data)) {}
  Status read_exactly_at(std::uint64_t offset, std::span<std::byte> into) override {
    if (offset + into.size() > data_.size()) {
      return make_error(Errc::size_mismatch, "the file shrank while being sent");
    }
    std::copy_n(data_.begin() + static_cast<std::ptrdiff_t>(offset), into.size(), into.begin());
    return {};
  }

 private:
  std::vector<std::byte> data_;
};

class TransferEngineTest : public ::testing::Test {
 protected:
  TransferEngineTest() : server_(io_), peer_(io_) { asio::local::connect_pair(server_, peer_); }

  TransferEnv env(SteadyClock::duration timeout = 10s) {
    pace_.emplace(timeout, kMinRate, clock_.now_function());
    return TransferEnv{pool_, *pace_, deadlines_};
  }

  // Runs `engine` and `peer` on the test's io_context until both end; returns the engine's
  // result.
  template <class Engine, class Peer>
  Status run(Engine engine, Peer peer) {
    Status result = make_error(Errc::internal_error, "did not finish");
    asio::co_spawn(io_, std::move(engine), [&result](std::exception_ptr failure, Status status) {
      if (failure) std::rethrow_exception(failure);
      result = std::move(status);
    });
    asio::co_spawn(io_, std::move(peer), [](std::exception_ptr failure) {
      if (failure) std::rethrow_exception(failure);
    });
    io_.run();
    return result;
  }

  // The peer's side: writes `bytes` in pieces of `piece`, the clock advancing `pause` before
  // each, then closes its socket if `close_after`.
  asio::awaitable<void> send_paced(std::vector<std::byte> bytes, std::size_t piece,
                                   SteadyClock::duration pause, bool close_after) {
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
      clock_.advance(pause);
      auto n = std::min(piece, bytes.size() - at);
      auto [ec, written] = co_await asio::async_write(peer_, asio::buffer(bytes.data() + at, n),
                                                      asio::as_tuple(asio::use_awaitable));
      if (ec) break;  // the engine gave up and closed
    }
    if (close_after) peer_.close();
  }

  asio::io_context io_;
  asio::thread_pool pool_{1};
  ManualClock clock_;
  Deadlines deadlines_;  // what the worker's sweep would check; the tests sweep by hand
  std::optional<ActivityClock> pace_;
  Socket server_;
  Socket peer_;
};

TEST_F(TransferEngineTest, ASteadyUploadCompletesWithEveryByteInOrder) {
  auto data = pattern(3 * kReceiveChunkBytes + 1234);
  MemorySink sink;
  std::span<const std::byte> early(data.data(), 1000);  // arrived with the header
  std::vector<std::byte> rest(data.begin() + 1000, data.end());
  auto result = run(receive(server_, early, sink, data.size(), env()),
                    send_paced(rest, 64 * 1024, 1ms, false));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(sink.held == data);
}

TEST_F(TransferEngineTest, ATrickleUnderTheMinimumRateTimesOut) {
  MemorySink sink;
  // 10 bytes a second against a minimum of 1024: about a second behind per second.
  auto result =
      run(receive(server_, {}, sink, 100000, env()), send_paced(pattern(1000), 10, 1s, true));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, Errc::timeout) << result.error().message;
  EXPECT_NE(result.error().message.find("1024 bytes a second"), std::string::npos);
}

TEST_F(TransferEngineTest, AStreamCutShortIsSizeMismatchAndKeepsWhatArrived) {
  MemorySink sink;
  auto data = pattern(kReceiveChunkBytes + 500);
  auto result =
      run(receive(server_, {}, sink, data.size() + 100, env()), send_paced(data, 4096, 1ms, true));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, Errc::size_mismatch);
  EXPECT_EQ(result.error().message, "the stream ended 100 bytes before its declared length");
  EXPECT_TRUE(sink.held == data);
}

TEST_F(TransferEngineTest, AFailingDiskWriteDrainsTheRestAndReportsDiskFull) {
  MemorySink sink(/*fail_at=*/1);
  auto data = pattern(4 * kReceiveChunkBytes);
  auto result = run(receive(server_, {}, sink, data.size(), env(), OnSinkError::drain),
                    send_paced(data, 64 * 1024, 1ms, false));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, Errc::disk_full);
  EXPECT_EQ(server_.available(), 0u) << "every byte of the stream was read, none more";
}

// Each sink write is one hop to the blocking pool and back; 1 MiB chunks keep them to 1,024
// per GiB (256 KiB chunks made four times as many, and cost measurably more CPU).
TEST_F(TransferEngineTest, AnUploadReachesTheSinkInOneMebibyteChunks) {
  constexpr std::size_t kMiB = 1024 * 1024;
  auto data = pattern(4 * kMiB);
  MemorySink sink;
  auto result = run(receive(server_, {}, sink, data.size(), env()),
                    send_paced(data, 64 * 1024, 1ms, false));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(sink.held == data);
  EXPECT_EQ(sink.writes(), 4);
}

TEST_F(TransferEngineTest, APeerThatSendsNothingIsWokenByTheStallGuard) {
  MemorySink sink;
  std::size_t guards_while_waiting = 0;
  auto stall = [this, &sink, &guards_while_waiting]() -> asio::awaitable<void> {
    // The engine started first and now waits for bytes. A sweep before the deadline leaves
    // it waiting; once the hand-driven clock has passed the deadline, the sweep wakes it.
    guards_while_waiting = deadlines_.size();
    deadlines_.sweep(clock_.now() + 49ms);
    co_await asio::post(io_, asio::use_awaitable);
    EXPECT_TRUE(sink.held.empty());
    clock_.advance(1h);
    deadlines_.sweep(clock_.now());
  };
  auto result = run(receive(server_, {}, sink, 1000, env(50ms)), stall());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, Errc::timeout);
  EXPECT_EQ(guards_while_waiting, 1u) << "the transfer's StallGuard is one of the deadlines";
  EXPECT_EQ(deadlines_.size(), 0u) << "and leaves them when the transfer ends";
}

// A body whose end is its stream's end: the simplest BodyReader (transfer_engine.h), to show
// that the engine's one receive loop serves a framing it knows nothing of, as it serves
// http/chunked_body.h's.
class UntilCloseBody {
 public:
  std::size_t capacity() const noexcept { return kReceiveChunkBytes; }
  bool done() const noexcept { return ended_; }
  asio::awaitable<detail::Moved> read(detail::Transfer<Socket>& transfer,
                                      std::span<std::byte> into) {
    auto [ec, n] =
        co_await asio::async_read(transfer.stream(), asio::buffer(into.data(), into.size()),
                                  asio::as_tuple(asio::use_awaitable));
    transfer.pace().note(n);
    ended_ = ec == asio::error::eof;
    co_return detail::Moved{!ec || ended_, n};
  }
  Error failure(const detail::Transfer<Socket>& transfer) const { return transfer.cut(0); }

 private:
  bool ended_ = false;
};

TEST_F(TransferEngineTest, ABodyThatFramesItselfGoesThroughTheSameLoopInWholeChunks) {
  auto data = pattern(2 * kReceiveChunkBytes + kReceiveChunkBytes / 2);
  MemorySink sink;
  UntilCloseBody body;
  auto result = run(receive_body(server_, body, sink, env()),
                    send_paced(data, 64 * 1024, 1ms, /*close_after=*/true));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(sink.held == data);
  EXPECT_EQ(sink.writes(), 3) << "two whole chunks, then what the body's end left";
}

TEST_F(TransferEngineTest, ASteadyBufferedDownloadSendsTheRange) {
  auto data = pattern(2 * kChunkBytes + 77);
  MemorySource source(data);
  std::vector<std::byte> got(data.size() - 10);
  auto reader = [this, &got]() -> asio::awaitable<void> {
    co_await asio::async_read(peer_, asio::buffer(got), asio::use_awaitable);
  };
  auto result = run(send(server_, source, 10, got.size(), env()), reader());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(std::equal(got.begin(), got.end(), data.begin() + 10));
}

}  // namespace
}  // namespace netdisk::server::transfer

// The one timeout design (server/deadlines.h), driven by a hand-moved clock instead of waiting:
// the Deadline and sweep rules on their own, then a real TCP connection's handshake and idle
// deadlines and a real HTTP connection's header and keep-alive deadlines, each served in
// process on an I/O worker whose sweep the test runs by hand after moving the clock.
#include "server/deadlines.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <nlohmann/json.hpp>

#include "../e2e/wait_until.h"
#include "manual_clock.h"
#include "protocol/frame.h"
#include "protocol/message.h"
#include "server/connection.h"
#include "server/http/http_connection.h"
#include "server/http/http_services.h"
#include "server/http/http_stream.h"
#include "server/io_workers.h"
#include "server/services.h"

namespace netdisk::server {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

// ---- The rules on their own ---------------------------------------------------------------

TEST(Deadline, FiresOnceWhenTheSweepFindsItPassedAndNotBefore) {
  test::ManualClock clock;
  Deadlines deadlines;
  int fired = 0;
  Deadline deadline(deadlines, clock.now_function(), [&fired] { ++fired; });
  deadlines.sweep(clock.now() + 1h);
  EXPECT_EQ(fired, 0) << "an unarmed deadline never fires";
  deadline.arm_after(10s);
  deadlines.sweep(clock.now() + 9s);
  EXPECT_EQ(fired, 0);
  EXPECT_FALSE(deadline.expired());
  deadlines.sweep(clock.now() + 10s);
  EXPECT_EQ(fired, 1);
  EXPECT_TRUE(deadline.expired());
  deadlines.sweep(clock.now() + 1h);
  EXPECT_EQ(fired, 1) << "once";
  deadline.arm_after(10s);
  EXPECT_FALSE(deadline.expired()) << "arming again starts afresh";
  deadline.disarm();
  deadlines.sweep(clock.now() + 1h);
  EXPECT_EQ(fired, 1);
}

TEST(Deadline, LeavesTheSweepWhenDestroyedEvenDuringASweep) {
  test::ManualClock clock;
  Deadlines deadlines;
  auto second = std::make_unique<Deadline>(deadlines, clock.now_function(), [] {
    ADD_FAILURE() << "a deadline destroyed earlier in the sweep must not be checked";
  });
  // Whichever the sweep checks first: the first destroys the second, or the second (not
  // expired) is skipped and then destroyed.
  Deadline first(deadlines, clock.now_function(), [&second] { second.reset(); });
  first.arm_after(1s);
  EXPECT_EQ(deadlines.size(), 2u);
  deadlines.sweep(clock.now() + 2s);
  EXPECT_EQ(second, nullptr);
  EXPECT_EQ(deadlines.size(), 1u);
}

// ---- Real connections on an in-process worker ----------------------------------------------

class DeadlineSweep : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = (std::filesystem::temp_directory_path() / "deadlines-XXXXXX").string();
    ASSERT_NE(::mkdtemp(dir.data()), nullptr);
    data_dir_ = dir;
    ServerConfig config;
    config.data_dir = data_dir_;
    config.blocking_threads = 1;
    config.hash_threads = 1;
    config.handshake_timeout = 10s;
    config.idle_timeout = 60s;
    config.http_header_timeout = 10s;
    config.http_idle_timeout = 30s;
    services_ = std::make_unique<Services>(config);
    services_->now = clock_.now_function();
    http_.reset(new http::HttpServices{*services_, {}, *services_->locks});
    acceptor_.open(tcp::v4());
    acceptor_.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    acceptor_.listen();
    thread_ = std::thread([this] { worker_.context.run(); });
  }

  void TearDown() override {
    on_worker([this] {
      for (Connection* connection : worker_.connections) connection->force_close();
      acceptor_.close();
    });
    guard_.reset();
    thread_.join();
    http_.reset();
    services_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(data_dir_, ignored);
  }

  // Runs `work` on the worker's thread (where the clock, the sweep and the connections live)
  // and waits for it, then for anything it posted.
  template <class Work>
  void on_worker(Work work) {
    std::promise<void> done;
    asio::post(worker_.context, [&] {
      work();
      asio::post(worker_.context, [&done] { done.set_value(); });
    });
    done.get_future().wait();
  }

  // The clock moves on by `by`, then the sweep runs, as the worker's loop would. First the
  // worker finishes what it has queued (a write's completion, which records the write's
  // time), so that happens before the clock moves, as it would in real time.
  void sweep_after(SteadyClock::duration by) {
    on_worker([] {});
    on_worker([&] {
      clock_.advance(by);
      worker_.deadlines.sweep(clock_.now());
    });
  }

  // A client socket connected to a server socket accepted here; reads on it give up after
  // 30 s of silence, so a missing close fails the test instead of hanging it.
  std::pair<tcp::socket, TcpSocket> connect() {
    tcp::socket client(client_io_);
    client.connect(acceptor_.local_endpoint());
    timeval limit{30, 0};
    ::setsockopt(client.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    TcpSocket accepted(worker_.context);
    acceptor_.accept(accepted);
    return {std::move(client), std::move(accepted)};
  }

  tcp::socket open_tcp() {
    auto [client, accepted] = connect();
    on_worker([this, &accepted] {
      Connection::start(std::make_shared<Connection>(std::move(accepted), nullptr, worker_,
                                                     *services_, ++serial_));
    });
    return std::move(client);
  }

  tcp::socket open_http() {
    auto [client, accepted] = connect();
    on_worker([this, &accepted] {
      asio::co_spawn(worker_.context,
                     http::serve_connection(http::Stream::plain(tcp::socket(std::move(accepted))),
                                            *http_, worker_.deadlines),
                     asio::detached);
    });
    return std::move(client);
  }

  std::size_t open_tcp_connections() {
    std::size_t count = 0;
    on_worker([&] { count = worker_.connections.size(); });
    return count;
  }
  std::size_t open_http_connections() {
    std::size_t count = 0;
    on_worker([&] { count = http_->connections.size(); });
    return count;
  }

  static std::string read_frame(tcp::socket& client) {
    std::array<unsigned char, 4> header{};
    asio::read(client, asio::buffer(header));
    std::string payload(protocol::decode_frame_header(header.data()), '\0');
    asio::read(client, asio::buffer(payload));
    return payload;
  }
  static void request(tcp::socket& client, std::string_view op, std::uint64_t id,
                      nlohmann::json fields = {}) {
    // encode_request gives a whole frame, header included.
    asio::write(client, asio::buffer(protocol::encode_request(op, id, std::move(fields))));
  }
  // Reads until the server closes; what arrived.
  static std::string read_to_end(tcp::socket& client) {
    std::string all;
    std::array<char, 4096> chunk{};
    boost::system::error_code ec;
    while (!ec) {
      std::size_t n = client.read_some(asio::buffer(chunk), ec);
      all.append(chunk.data(), n);
    }
    EXPECT_EQ(ec, asio::error::eof) << "the server closed the connection (not a read time-out)";
    return all;
  }

  std::filesystem::path data_dir_;
  test::ManualClock clock_;  // read and moved on the worker's thread only
  std::unique_ptr<Services> services_;
  std::unique_ptr<http::HttpServices> http_;
  IoWorker worker_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_{worker_.context.get_executor()};
  tcp::acceptor acceptor_{worker_.context};
  asio::io_context client_io_;
  std::thread thread_;
  std::uint64_t serial_ = 0;
};

TEST_F(DeadlineSweep, ATcpConnectionWithoutHelloIsClosedAtTheHandshakeDeadline) {
  auto client = open_tcp();
  sweep_after(9s);
  EXPECT_EQ(open_tcp_connections(), 1u) << "still within the 10 s handshake timeout";
  sweep_after(2s);
  auto reply = protocol::parse_reply(read_frame(client));
  ASSERT_TRUE(reply.ok());
  ASSERT_FALSE(reply->ok);
  EXPECT_EQ(reply->error_code_name, "timeout");
  read_to_end(client);
  // The server lingers for our close so its last frame is not lost to a reset; a client that
  // never closes is cut off by the third kind of TCP deadline, the lingering close's.
  EXPECT_EQ(open_tcp_connections(), 1u);
  sweep_after(3s);
  EXPECT_TRUE(e2e::wait_until([this] { return open_tcp_connections() == 0; }, 30s));
}

TEST_F(DeadlineSweep, TrafficMovesTheIdleDeadlineOfAGreetedTcpConnection) {
  auto client = open_tcp();
  request(client, "hello", 1, {{"version", 1}});
  auto hello = protocol::parse_reply(read_frame(client));
  ASSERT_TRUE(hello.ok() && hello->ok)
      << (hello.ok() ? hello->error_code_name : hello.error().message);
  sweep_after(59s);
  EXPECT_EQ(open_tcp_connections(), 1u) << "within the 60 s idle timeout";
  request(client, "ping", 2);
  ASSERT_TRUE(protocol::parse_reply(read_frame(client))->ok);
  sweep_after(59s);
  EXPECT_EQ(open_tcp_connections(), 1u) << "118 s after opening, 59 s after the last frames";
  sweep_after(2s);
  auto reply = protocol::parse_reply(read_frame(client));
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->error_code_name, "timeout");
  read_to_end(client);
}

TEST_F(DeadlineSweep, AnHttpConnectionThatSendsNoRequestIsClosedAtTheHeaderDeadline) {
  auto client = open_http();
  sweep_after(9s);
  EXPECT_EQ(open_http_connections(), 1u);
  sweep_after(2s);
  EXPECT_EQ(read_to_end(client), "") << "a silent connection is closed without a word";
  EXPECT_EQ(open_http_connections(), 0u);
}

TEST_F(DeadlineSweep, AnIdleKeepAliveHttpConnectionIsClosedAtTheIdleDeadline) {
  auto client = open_http();
  std::string request = "GET /api/no-such-thing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  asio::write(client, asio::buffer(request));
  // The response (an error with a small JSON body) arrives; the connection stays open.
  std::string response;
  std::array<char, 4096> chunk{};
  while (response.find("\r\n\r\n") == std::string::npos || !response.ends_with("}")) {
    response.append(chunk.data(), client.read_some(asio::buffer(chunk)));
  }
  EXPECT_TRUE(response.starts_with("HTTP/1.1 4")) << response;
  sweep_after(29s);
  EXPECT_EQ(open_http_connections(), 1u) << "within the 30 s keep-alive idle timeout";
  sweep_after(2s);
  EXPECT_EQ(read_to_end(client), "");
  EXPECT_EQ(open_http_connections(), 0u);
}

}  // namespace
}  // namespace netdisk::server

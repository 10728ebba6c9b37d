// WireStream's TLS (server/wire_stream.h) against OpenSSL clients on loopback: bytes both
// ways, a protocol error on one connection never taken for another's on the same thread
// (OpenSSL's error queue is per thread), and no TLS call once the socket is closed.
#include "server/wire_stream.h"

#include <openssl/ssl.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "server/server_config.h"
#include "server/tls/tls_context.h"
#include "server/tls/tls_identity.h"

namespace netdisk::server {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

// A blocking OpenSSL client on its own socket.
class Client {
 public:
  explicit Client(std::uint16_t port) : context_(SSL_CTX_new(TLS_client_method())) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    ssl_ = SSL_new(context_);
    SSL_set_fd(ssl_, socket_.native_handle());
  }
  ~Client() {
    SSL_free(ssl_);
    SSL_CTX_free(context_);
  }
  bool handshake() { return SSL_connect(ssl_) == 1; }
  void send(const std::string& text) { SSL_write(ssl_, text.data(), static_cast<int>(text.size())); }
  // Bytes that are no TLS record the session could decrypt: an application-data record header
  // and a body of garbage.
  void send_garbage_record() {
    std::string record("\x17\x03\x03\x00\x20", 5);
    record += std::string(32, '\x5a');
    asio::write(socket_, asio::buffer(record));
  }

 private:
  asio::io_context io_;
  tcp::socket socket_{io_};
  SSL_CTX* context_;
  SSL* ssl_ = nullptr;
};

class WireStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/netdisk-wire-stream-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    folder_ = pattern;
    ServerConfig config;
    config.data_dir = folder_;
    tls_ = std::make_unique<TlsContext>(load_or_create_tls_identity(config));
    acceptor_.open(tcp::v4());
    acceptor_.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    acceptor_.listen();
  }
  void TearDown() override { fs::remove_all(folder_); }

  std::uint16_t port() { return acceptor_.local_endpoint().port(); }
  // The next accepted connection as a TLS WireStream (not yet opened).
  std::unique_ptr<WireStream> accept() {
    TcpSocket socket(io_);
    acceptor_.accept(socket);
    return std::make_unique<WireStream>(std::move(socket), tls_->new_session());
  }
  template <class F>
  void run(F coroutine) {
    asio::co_spawn(io_, coroutine, [](std::exception_ptr error) {
      if (error) std::rethrow_exception(error);
    });
    io_.run();
    io_.restart();
  }

  fs::path folder_;
  std::unique_ptr<TlsContext> tls_;
  asio::io_context io_;
  tcp::acceptor acceptor_{io_};
};

TEST_F(WireStreamTest, AnErrorOnOneConnectionIsNeverTakenForAnothersOnTheSameThread) {
  Client bad_client(port());
  auto bad = accept();
  Client good_client(port());
  auto good = accept();
  std::thread handshakes([&] {
    ASSERT_TRUE(bad_client.handshake());
    ASSERT_TRUE(good_client.handshake());
  });
  run([&]() -> asio::awaitable<void> {
    EXPECT_EQ(co_await bad->open(), Opening::ready);
    EXPECT_EQ(co_await good->open(), Opening::ready);
  });
  handshakes.join();
  // A record that decrypts, then one that does not, both waiting before the server reads.
  bad_client.send("abc");
  bad_client.send_garbage_record();
  run([&]() -> asio::awaitable<void> {
    // Both have arrived (loopback): the read returns "abc" and finds the garbage after it.
    char buffer[64];
    std::size_t got = 0;
    boost::system::error_code ec;
    while (!ec && got < 3) {
      auto [read_ec, n] = co_await bad->async_read_some(asio::buffer(buffer), kAsTuple);
      ec = read_ec;
      got += n;
    }
    EXPECT_EQ(got, 3u);
  });
  std::thread later([&] { good_client.send("hello"); });
  run([&]() -> asio::awaitable<void> {
    char buffer[5];
    auto [ec, n] = co_await asio::async_read(*good, asio::buffer(buffer), kAsTuple);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(std::string(buffer, n), "hello");
    auto [bad_ec, bad_n] = co_await bad->async_read_some(asio::buffer(buffer), kAsTuple);
    EXPECT_TRUE(bad_ec) << "the garbled record must fail its own connection";
  });
  later.join();
}

TEST_F(WireStreamTest, AfterTheSocketClosesNoOperationReachesOpenSsl) {
  Client client(port());
  auto stream = accept();
  std::thread handshake([&] { ASSERT_TRUE(client.handshake()); });
  run([&]() -> asio::awaitable<void> { EXPECT_EQ(co_await stream->open(), Opening::ready); });
  handshake.join();
  stream->socket().close();
  // A new socket may take the same descriptor number; nothing may be written to it.
  int reused = ::dup(STDERR_FILENO);
  run([&]() -> asio::awaitable<void> {
    char buffer[8] = {};
    auto [write_ec, written] =
        co_await stream->async_write_some(asio::buffer(std::string("secret")), kAsTuple);
    EXPECT_EQ(write_ec, asio::error::bad_descriptor);
    EXPECT_EQ(written, 0u);
    auto [read_ec, read] = co_await stream->async_read_some(asio::buffer(buffer), kAsTuple);
    EXPECT_EQ(read_ec, asio::error::bad_descriptor);
    EXPECT_EQ(read, 0u);
  });
  ::close(reused);
}

}  // namespace
}  // namespace netdisk::server

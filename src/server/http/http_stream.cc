#include "server/http/http_stream.h"

#include <boost/asio/bind_executor.hpp>
#include <boost/beast/websocket/teardown.hpp>

namespace netdisk::server::http {
namespace {

using boost::asio::bind_executor;

class PlainTransport final : public Transport {
 public:
  explicit PlainTransport(boost::asio::ip::tcp::socket socket) : stream_(std::move(socket)) {}

  // Beast posts completions with blocking.never, which a type-erased handler's own executor
  // cannot take: they run on the stream's executor (the connection's thread either way).
  void read_some(boost::asio::mutable_buffer buffer, IoHandler handler) override {
    stream_.async_read_some(buffer, bind_executor(stream_.get_executor(), std::move(handler)));
  }
  void write_some(GatherBuffers buffers, IoHandler handler) override {
    stream_.async_write_some(buffers, bind_executor(stream_.get_executor(), std::move(handler)));
  }
  void teardown(boost::beast::role_type role, TeardownHandler handler) override {
    boost::beast::websocket::async_teardown(
        role, stream_.socket(), bind_executor(stream_.get_executor(), std::move(handler)));
  }
  boost::beast::tcp_stream& tcp() override { return stream_; }
  bool secure() const override { return false; }

 private:
  boost::beast::tcp_stream stream_;
};

}  // namespace

HttpStream HttpStream::plain(boost::asio::ip::tcp::socket socket) {
  return HttpStream(std::make_unique<PlainTransport>(std::move(socket)));
}

}  // namespace netdisk::server::http

// HTTP connections turn Nagle's algorithm off, as TCP protocol connections always have. A
// response leaves in several writes (headers, then the body, through sendfile(2) or not); with
// Nagle on, every write after the first waits for the client's delayed ACK, about 40 ms on
// Linux, so a keep-alive client got about 20 small files a second per connection (issue #17:
// 159 4 KiB GETs a second with 8 connections). Proved from strace's log of setsockopt(2) on
// the sockets the HTTP port accepted, not from timings.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "tests/e2e/http_fixture.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;

class HttpNoDelay : public HttpTest {
 protected:
  void SetUp() override {
    trace_ = fs::temp_directory_path() / ("netdisk-nodelay-" + std::to_string(::getpid()));
    // -yy prints each socket's addresses, so the HTTP port's connections can be told apart.
    start({},
          {"/usr/bin/strace", "-f", "-qq", "-yy", "-e", "trace=setsockopt", "-o", trace_.string()});
  }
  void TearDown() override { fs::remove(trace_); }

  // setsockopt(TCP_NODELAY, 1) calls on connections accepted by the HTTP port.
  int nodelay_calls_on_http_connections() {
    server_->stop();  // strace has written everything once its child is gone
    std::string local = "127.0.0.1:" + std::to_string(server_->http_port()) + "->";
    int calls = 0;
    std::string trace = read_file(trace_);
    for (std::size_t start = 0; start < trace.size();) {
      auto end = trace.find('\n', start);
      if (end == std::string::npos) end = trace.size();
      std::string line = trace.substr(start, end - start);
      if (line.find(local) != std::string::npos &&
          line.find("TCP_NODELAY, [1]") != std::string::npos) {
        ++calls;
      }
      start = end + 1;
    }
    return calls;
  }

  fs::path trace_;
};

TEST_F(HttpNoDelay, EveryConnectionTheHttpPortAcceptsTurnsNagleOff) {
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "small.bin", std::string(4096, 'x'));
  for (int i = 0; i < 3; ++i) {
    auto got = curl("-u alice:password1 " + url("/files/small.bin"));
    ASSERT_EQ(got.status, 200);
    EXPECT_EQ(got.body.size(), 4096u);
  }
  EXPECT_EQ(nodelay_calls_on_http_connections(), 3) << read_file(trace_);
}

}  // namespace
}  // namespace netdisk::e2e

// End-to-end tests of `netdisk --server` pointed at something that is not NetDisk's protocol
// port: netdiskd's own HTTP and HTTPS ports, and stand-in services that send a banner, bytes
// that are no frame, or close at once. Each gets a clear message (exit 2), never "bad frame".
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/helpers.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;

// A one-connection TCP service on 127.0.0.1: it accepts, sends `greeting` (maybe nothing) and
// closes. Joined by the destructor.
class FakeService {
 public:
  explicit FakeService(std::string greeting) {
    listener_ = listen_loopback(4, port_);
    thread_ = std::thread([this, greeting = std::move(greeting)] {
      int peer = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (peer < 0) return;
      if (!greeting.empty()) (void)!::write(peer, greeting.data(), greeting.size());
      ::shutdown(peer, SHUT_WR);
      char sink[4096];
      while (::read(peer, sink, sizeof sink) > 0) {
      }
      ::close(peer);
    });
  }
  ~FakeService() {
    ::shutdown(listener_, SHUT_RDWR);  // wakes accept() if no client came
    thread_.join();
    ::close(listener_);
  }
  std::uint16_t port() const { return port_; }

 private:
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

CliResult ping(std::uint16_t port) {
  return run_netdisk({"--server", "127.0.0.1:" + std::to_string(port), "ping"});
}

void expect_clear(const CliResult& result, const std::string& says) {
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find(says), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("bad frame"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("frame of"), std::string::npos) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
}

TEST(ClientWrongPort, NetdiskdsHttpPortIsNamedAndTheProtocolPortSuggested) {
  ServerProcess server(ServerProcess::WithHttp{});
  auto result = ping(server.http_port());
  expect_clear(result, "is NetDisk's HTTP port");
  EXPECT_NE(result.err.find("not its protocol port"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("--server 127.0.0.1:7070"), std::string::npos) << result.err;
  EXPECT_TRUE(greeted(server).call("ping").ok) << "the server is unharmed";
}

TEST(ClientWrongPort, NetdiskdsHttpsPortIsNotANetDiskServer) {
  fs::path dir = fs::temp_directory_path() / ("netdisk-wrong-port-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto made = run_shell(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
      "-subj /CN=localhost -keyout '" +
      (dir / "key.pem").string() + "' -out '" + (dir / "cert.pem").string() + "' 2>&1");
  ASSERT_EQ(made.exit_code, 0) << made.out;
  unsigned https_port = 0;
  {
    ServerProcess server(
        ServerProcess::WithHttp{},
        {"--https", "127.0.0.1:0", "--https-port-file", (dir / "https-port").string(), "--tls-cert",
         (dir / "cert.pem").string(), "--tls-key", (dir / "key.pem").string()});
    std::ifstream(dir / "https-port") >> https_port;
    ASSERT_NE(https_port, 0u) << server.log();
    expect_clear(ping(static_cast<std::uint16_t>(https_port)), "not a NetDisk server");
  }
  fs::remove_all(dir);
}

TEST(ClientWrongPort, AnotherServicesBannerIsNotANetDiskServer) {
  FakeService smtp("220 mail.example ESMTP ready\r\n");
  expect_clear(ping(smtp.port()), "is not a NetDisk server");
  FakeService ssh("SSH-2.0-OpenSSH_9.2\r\n");
  expect_clear(ping(ssh.port()), "is an SSH server, not a NetDisk server");
}

TEST(ClientWrongPort, AServiceThatClosesWithoutAWordIsNotANetDiskServer) {
  FakeService mute("");
  expect_clear(ping(mute.port()), "closed the connection without answering");
}

}  // namespace
}  // namespace netdisk::e2e

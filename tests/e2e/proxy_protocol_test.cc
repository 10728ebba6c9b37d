// --proxy-protocol against the real netdiskd (issue #22): behind a load balancer every
// connection, TCP and HTTP, starts with a PROXY protocol v2 header, and the address it names
// is the client's in the server's record of each operation (and so in its login throttle). A
// connection without the header is closed before anything it sent is read as a request, and
// the server goes on serving the others.
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "client/wire_connection.h"
#include "protocol/message.h"
#include "tests/e2e/helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/wait_until.h"

namespace netdisk::e2e {
namespace {

using client::WireConnection;

// A version 2 PROXY header for a TCP over IPv4 connection from `a.b.c.d:40000` to 127.0.0.1.
std::string proxy_v2(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  const std::vector<std::uint8_t> bytes{0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55,
                                        0x49, 0x54, 0x0A, 0x21, 0x11, 0x00, 0x0C, a, b, c, d,
                                        127, 0, 0, 1, 0x9C, 0x40, 0x1B, 0x9E};
  return {bytes.begin(), bytes.end()};
}

bool log_has(const ServerProcess& server, const std::string& text) {
  return server.log().find(text) != std::string::npos;
}

// Sends raw bytes on a fresh loopback connection and returns all the server answers until it
// closes (or 10 s pass).
std::string exchange_raw(std::uint16_t port, const std::string& bytes) {
  int fd = connect_loopback(port);
  timeval limit{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  EXPECT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(bytes.size()));
  std::string answer;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

std::vector<std::string> proxied_args() {
  auto args = kCheapHashing;
  args.push_back("--proxy-protocol");
  return args;
}

TEST(ProxyProtocol, TheTcpClientsAddressComesFromTheHeader) {
  ServerProcess server(proxied_args());
  WireConnection connection(server.port());
  connection.send_raw(proxy_v2(203, 0, 113, 7));
  connection.hello();
  auto reply = connection.call("login", {{"username", "nobody"}, {"password", "wrong-one"}});
  EXPECT_EQ(reply.error_code_name, "auth_failed");
  EXPECT_TRUE(wait_until([&] {
    return log_has(server, "op=login transport=tcp user=- addr=203.0.113.7");
  })) << server.log();
}

TEST(ProxyProtocol, ATcpConnectionWithoutTheHeaderIsClosedUnread) {
  ServerProcess server(proxied_args());
  std::string hello = protocol::encode_request("hello", 1, {{"version", 1}});
  std::string answer = exchange_raw(server.port(), hello);
  EXPECT_TRUE(answer.empty()) << "the server answered a connection without a PROXY header";
  EXPECT_TRUE(wait_until([&] { return log_has(server, "PROXY protocol header: missing"); }))
      << server.log();
  WireConnection other(server.port());  // everyone else is still served
  other.send_raw(proxy_v2(198, 51, 100, 2));
  other.hello();
  EXPECT_TRUE(other.call("ping").ok);
}

TEST(ProxyProtocol, TheHttpClientsAddressComesFromTheHeader) {
  ServerProcess server(ServerProcess::WithHttp{}, proxied_args());
  std::string body = R"({"username":"nobody","password":"wrong-one"})";
  std::string request =
      "POST /api/login HTTP/1.1\r\nHost: netdisk\r\nContent-Type: application/json\r\n"
      "X-NetDisk-CSRF: 1\r\nConnection: close\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  std::string answer = exchange_raw(server.http_port(), proxy_v2(192, 0, 2, 44) + request);
  EXPECT_EQ(answer.rfind("HTTP/1.1 401", 0), 0u) << answer;
  EXPECT_TRUE(wait_until([&] { return log_has(server, "addr=192.0.2.44"); })) << server.log();

  const std::string healthz = "GET /healthz HTTP/1.1\r\nHost: n\r\nConnection: close\r\n\r\n";
  std::string unproxied = exchange_raw(server.http_port(), healthz);
  EXPECT_TRUE(unproxied.empty()) << unproxied;
  std::string health = exchange_raw(server.http_port(), proxy_v2(192, 0, 2, 45) + healthz);
  EXPECT_EQ(health.rfind("HTTP/1.1 200", 0), 0u) << health;
}

}  // namespace
}  // namespace netdisk::e2e

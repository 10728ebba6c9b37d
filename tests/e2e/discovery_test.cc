// End-to-end test of LAN discovery against the real netdiskd, on loopback only: probes go to
// 127.0.0.1, never to a broadcast address.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/server_process.h"

namespace netdisk::e2e {
namespace {

class UdpProbe {
 public:
  explicit UdpProbe(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    server_.sin_family = AF_INET;
    server_.sin_port = htons(port);
    server_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  }
  ~UdpProbe() { ::close(fd_); }
  void send(const std::string& datagram) {
    ::sendto(fd_, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&server_),
             sizeof server_);
  }
  // Every datagram that arrives within `ms` milliseconds.
  std::vector<std::string> replies(int ms) {
    std::vector<std::string> out;
    pollfd pfd{fd_, POLLIN, 0};
    while (::poll(&pfd, 1, ms) > 0) {
      char buffer[2048];
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n > 0) out.emplace_back(buffer, static_cast<std::size_t>(n));
    }
    return out;
  }

 private:
  int fd_;
  sockaddr_in server_{};
};

std::string probe(std::size_t size = 64) {
  std::string text = "NETDISK-DISCOVER 1\n";
  text.resize(size, ' ');
  return text;
}

TEST(Discovery, AProbeOnLoopbackIsAnsweredWithNameVersionAndPortNoLargerThanTheProbe) {
  ServerProcess server({"--name", "home-box"});
  UdpProbe udp(server.port());
  udp.send(probe());
  auto replies = udp.replies(2000);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_LE(replies[0].size(), 64u);
  auto answer = nlohmann::json::parse(replies[0]);
  EXPECT_EQ(answer["name"], "home-box");
  EXPECT_EQ(answer["port"], server.port());
  EXPECT_TRUE(answer.contains("version"));
}

TEST(Discovery, ShortOrForeignProbesAreIgnored) {
  ServerProcess server;
  UdpProbe udp(server.port());
  udp.send("NETDISK-DISCOVER 1\n");        // too short to carry a reply: no amplification
  udp.send(std::string(64, 'x'));          // not a probe
  EXPECT_TRUE(udp.replies(500).empty());
}

TEST(Discovery, RepliesToOneSourceAreRateLimited) {
  ServerProcess server;
  UdpProbe udp(server.port());
  for (int i = 0; i < 50; ++i) udp.send(probe(100));
  auto replies = udp.replies(1000);
  EXPECT_GE(replies.size(), 1u);
  EXPECT_LE(replies.size(), 8u) << "a flood of probes gets a bounded number of answers";
}

TEST(Discovery, TheClientsDiscoverCommandListsAServerOnLoopback) {
  ServerProcess server({"--name", "lan-disk"});
  auto port = std::to_string(server.port());
  auto found = run_netdisk({"--server", "127.0.0.1:" + port, "discover", "--to", "127.0.0.1"});
  EXPECT_EQ(found.exit_code, 0) << found.err;
  EXPECT_NE(found.out.find("lan-disk\t127.0.0.1:" + port + "\tnetdiskd "), std::string::npos)
      << found.out;
  server.stop();
  auto nobody = run_netdisk({"discover", "--to", "127.0.0.1", "--port", port, "--timeout", "0.5"});
  EXPECT_EQ(nobody.exit_code, 1);
  EXPECT_NE(nobody.err.find("no NetDisk server answered"), std::string::npos);
}

}  // namespace
}  // namespace netdisk::e2e

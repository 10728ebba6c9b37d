// End-to-end test of LAN discovery against the real netdiskd, on loopback only: probes go to
// 127.0.0.1, never to a broadcast address.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/server_process.h"

namespace netdisk::e2e {
namespace {

class UdpProbe {
 public:
  // Probes 127.0.0.1:port from `source` (another loopback address stands for another host).
  explicit UdpProbe(std::uint16_t port, const char* source = "127.0.0.1")
      : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, source, &local.sin_addr);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local);
    server_.sin_family = AF_INET;
    server_.sin_port = htons(port);
    server_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  }
  ~UdpProbe() { ::close(fd_); }
  void send(const std::string& datagram) {
    ::sendto(fd_, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&server_),
             sizeof server_);
  }
  // Every datagram that arrives with no more than `ms` milliseconds between two of them; 0 takes
  // what has arrived already.
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

// Waits until the server has handled every datagram sent to it so far. It serves them one at a
// time in arrival order, so once a probe sent afterwards from an address of its own is
// answered, every earlier one was, and its answers (loopback delivers at once) are waiting in
// their sockets. The probe is sent again every 100 ms: it may meet an empty overall bucket.
// It is large enough for any reply, a long --name included.
bool wait_until_handled(std::uint16_t port) {
  UdpProbe marker(port, "127.0.0.99");
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < give_up) {
    marker.send(probe(1024));
    if (!marker.replies(100).empty()) return true;
  }
  return false;
}

TEST(Discovery, AProbeOnLoopbackIsAnsweredWithNameVersionAndPortNoLargerThanTheProbe) {
  ServerProcess server({"--name", "home-box"});
  UdpProbe udp(server.port());
  udp.send(probe());
  ASSERT_TRUE(wait_until_handled(server.port()));
  auto replies = udp.replies(0);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_LE(replies[0].size(), 64u);
  auto answer = nlohmann::json::parse(replies[0]);
  EXPECT_EQ(answer["name"], "home-box");
  EXPECT_EQ(answer["port"], server.port());
  EXPECT_TRUE(answer.contains("version"));
}

TEST(Discovery, TheAnswerSaysWhetherThePortSpeaksTlsAndCarriesTheKeyWhenThereIsRoom) {
  ServerProcess::Launch launch;
  launch.tls = true;
  ServerProcess tls(std::move(launch));
  UdpProbe udp(tls.port());
  udp.send(probe(256));
  udp.send(probe(64));  // an older client's short probe: no room for the fingerprint
  ASSERT_TRUE(wait_until_handled(tls.port()));
  auto replies = udp.replies(0);
  ASSERT_EQ(replies.size(), 2u);
  auto full = nlohmann::json::parse(replies[0]);
  EXPECT_EQ(full["tls"], true);
  auto logged = tls.log().find("key fingerprint " + full.value("fingerprint", std::string("?")));
  EXPECT_NE(logged, std::string::npos) << replies[0];
  auto short_answer = nlohmann::json::parse(replies[1]);
  EXPECT_EQ(short_answer["tls"], true);
  EXPECT_FALSE(short_answer.contains("fingerprint"));
  EXPECT_LE(replies[1].size(), 64u);

  ServerProcess plain;  // --plaintext
  UdpProbe to_plain(plain.port());
  to_plain.send(probe(256));
  ASSERT_TRUE(wait_until_handled(plain.port()));
  auto plain_replies = to_plain.replies(0);
  ASSERT_EQ(plain_replies.size(), 1u);
  auto answer = nlohmann::json::parse(plain_replies[0]);
  EXPECT_EQ(answer["tls"], false);
  EXPECT_FALSE(answer.contains("fingerprint"));
}

TEST(Discovery, ShortOrForeignProbesAreIgnored) {
  ServerProcess server;
  UdpProbe udp(server.port());
  udp.send("NETDISK-DISCOVER 1\n");        // too short to carry a reply: no amplification
  udp.send(std::string(64, 'x'));          // not a probe
  ASSERT_TRUE(wait_until_handled(server.port()));
  EXPECT_TRUE(udp.replies(0).empty());
}

TEST(Discovery, RepliesToOneSourceAreRateLimited) {
  ServerProcess server;
  UdpProbe udp(server.port());
  for (int i = 0; i < 50; ++i) udp.send(probe(100));
  ASSERT_TRUE(wait_until_handled(server.port()));
  auto replies = udp.replies(0);
  EXPECT_GE(replies.size(), 1u);
  EXPECT_LE(replies.size(), 8u) << "a flood of probes gets a bounded number of answers";
}

TEST(Discovery, AReplyThatWouldOutgrowItsProbeIsNotSent) {
  ServerProcess server({"--name", std::string(100, 'n')});
  UdpProbe udp(server.port());
  udp.send(probe(64));
  ASSERT_TRUE(wait_until_handled(server.port()));
  EXPECT_TRUE(udp.replies(0).empty()) << "a 64-byte probe cannot carry a longer reply";
  udp.send(probe(400));
  ASSERT_TRUE(wait_until_handled(server.port()));
  auto replies = udp.replies(0);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_LE(replies[0].size(), 400u);
}

TEST(Discovery, AFloodFromManySourceAddressesGetsABoundedNumberOfReplies) {
  ServerProcess server;
  std::vector<std::unique_ptr<UdpProbe>> sources;
  for (int i = 2; i < 42; ++i) {
    auto address = "127.0.0." + std::to_string(i);
    sources.push_back(std::make_unique<UdpProbe>(server.port(), address.c_str()));
  }
  auto start = std::chrono::steady_clock::now();
  for (int round = 0; round < 5; ++round) {
    for (auto& source : sources) source->send(probe(100));
  }
  ASSERT_TRUE(wait_until_handled(server.port()));
  std::size_t replies = 0;
  for (auto& source : sources) replies += source->replies(0).size();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Each source alone may get 5 (its burst): 200 in all. The overall bucket (burst 20, then 50
  // a second) caps them, however long the whole exchange took.
  EXPECT_GE(replies, 1u);
  EXPECT_LE(static_cast<double>(replies), 20 + 50 * elapsed + 1)
      << replies << " replies to 200 probes within " << elapsed << " s";
  EXPECT_LT(replies, 200u);
}

TEST(Discovery, TheClientsDiscoverCommandListsAServerOnLoopback) {
  ServerProcess server({"--name", "lan-disk"});
  auto port = std::to_string(server.port());
  auto found = run_netdisk({"--server", "127.0.0.1:" + port, "discover", "--to", "127.0.0.1"});
  EXPECT_EQ(found.exit_code, 0) << found.err;
  EXPECT_NE(found.out.find("lan-disk\t127.0.0.1:" + port + "\tnetdiskd "), std::string::npos)
      << found.out;
  server.stop();
  auto nobody = run_netdisk({"discover", "--to", "127.0.0.1", "--port", port, "--timeout", "0.1"});
  EXPECT_EQ(nobody.exit_code, 1);
  EXPECT_NE(nobody.err.find("no NetDisk server answered"), std::string::npos);
}

}  // namespace
}  // namespace netdisk::e2e

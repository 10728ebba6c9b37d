// End-to-end test of the WebSocket chat member's outgoing queue against the real netdiskd: a
// browser tab that stops reading is held to --chat-queue-bytes, as a TCP member is, and is
// dropped from the room with a chat.dropped event while the other members keep receiving.
// The WebSocket client is a raw socket (handshake, one masked frame), so nothing reads for it.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "client/wire_connection.h"
#include "tests/e2e/helpers.h"
#include "tests/e2e/server_process.h"

namespace netdisk::e2e {
namespace {

using namespace std::chrono_literals;

// A WebSocket chat member that joins, then never reads again. Its receive buffer is made tiny
// before connecting (the kernel keeps the window it advertised at the handshake).
class SilentWebSocket {
 public:
  SilentWebSocket(std::uint16_t http_port, const std::string& basic_credentials) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int tiny = 4096;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &tiny, sizeof tiny);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(http_port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("connect failed");
    }
    write(
        "GET /ws/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Authorization: Basic " +
        basic_credentials + "\r\n\r\n");
    read_until("\r\n\r\n");
    if (received_.rfind("HTTP/1.1 101", 0) != 0) {
      throw std::runtime_error("no WebSocket upgrade: " + received_);
    }
    write(masked_text_frame(R"({"op":"chat.join","id":1})"));
    read_until("\"members\"");  // the join's reply
  }
  ~SilentWebSocket() { ::close(fd_); }
  SilentWebSocket(const SilentWebSocket&) = delete;
  SilentWebSocket& operator=(const SilentWebSocket&) = delete;

  // Reads on (after the silence) until `needle` arrives; false if the connection ends first.
  bool read_until(std::string_view needle) {
    std::array<char, 16384> chunk{};
    while (received_.find(needle) == std::string::npos) {
      pollfd pfd{fd_, POLLIN, 0};
      if (::poll(&pfd, 1, 10000) <= 0) return false;
      ssize_t n = ::recv(fd_, chunk.data(), chunk.size(), 0);
      if (n <= 0) return false;
      received_.append(chunk.data(), static_cast<std::size_t>(n));
    }
    return true;
  }

 private:
  // A client frame must be masked (RFC 6455, 5.3); the payload here is under 126 bytes.
  static std::string masked_text_frame(std::string_view payload) {
    const std::array<unsigned char, 4> mask = {0x12, 0x34, 0x56, 0x78};
    std::string frame = {static_cast<char>(0x81), static_cast<char>(0x80 | payload.size())};
    for (unsigned char m : mask) frame.push_back(static_cast<char>(m));
    for (std::size_t i = 0; i < payload.size(); ++i) {
      frame.push_back(static_cast<char>(payload[i] ^ static_cast<char>(mask[i % 4])));
    }
    return frame;
  }
  void write(const std::string& bytes) { ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }

  int fd_ = -1;
  std::string received_;
};

client::WireConnection chat_member(const ServerProcess& server, const std::string& user) {
  auto connection = logged_in(server, user);
  if (!connection.call("chat.join").ok) throw std::runtime_error("chat.join failed");
  return connection;
}

TEST(ChatWebSocket,
     AMemberThatStopsReadingIsDroppedAtTheChatQueueLimitWhileTcpMembersKeepReceiving) {
  // 64 KiB: the queue limit a WebSocket member ignored before (it had 1 MiB of its own).
  ServerProcess server(
      ServerProcess::WithHttp{},
      {"--chat-queue-bytes", "65536", "--password-hash-memory", "1", "--password-hash-ops", "1"});
  for (const char* user : {"wsuser", "reader", "sender"}) create_user(server, user);
  SilentWebSocket silent(server.http_port(), "d3N1c2VyOnBhc3N3b3JkMQ==");  // wsuser:password1
  auto reader = chat_member(server, "reader");
  auto sender = chat_member(server, "sender");

  // 150 messages of 4 KB (600 KB): far past 64 KiB of queue plus the socket buffers, well
  // under the 1 MiB a WebSocket member could hold before. The reader takes each one.
  const std::string text(4000, 'x');
  bool dropped = false;
  for (int i = 0; i < 150 && !dropped; ++i) {
    auto sent = sender.call("chat.send", {{"text", std::to_string(i) + " " + text}});
    ASSERT_TRUE(sent.ok) << sent.error->message;
    while (true) {
      auto event = reader.receive(10s);
      ASSERT_TRUE(event.has_value()) << "the reader stopped getting messages";
      if (event->event == "chat.left" && event->body["user"] == "wsuser") dropped = true;
      if (event->event == "chat.message") break;
    }
  }
  if (!dropped) {
    // The leave may be announced right after the last message.
    auto who = sender.call("chat.who");
    dropped = std::count(who.body["members"].begin(), who.body["members"].end(), "wsuser") == 0;
  }
  ASSERT_TRUE(dropped) << "the WebSocket member that never read is still in the room\n"
                       << server.log().substr(0, 4000);
  EXPECT_NE(server.log().find("dropping wsuser"), std::string::npos);

  // The TCP member keeps receiving after the drop.
  ASSERT_TRUE(sender.call("chat.send", {{"text", "after the drop"}}).ok);
  while (true) {
    auto event = reader.receive(10s);
    ASSERT_TRUE(event.has_value()) << "the reader stopped getting messages";
    if (event->event == "chat.message") {
      EXPECT_EQ(event->body["text"], "after the drop");
      break;
    }
  }
  // When the silent member reads again, it learns why it was dropped.
  EXPECT_TRUE(silent.read_until("chat.dropped"));
}

}  // namespace
}  // namespace netdisk::e2e

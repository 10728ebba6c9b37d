// End-to-end tests of the group chat against the real netdiskd: fan-out, order, names,
// private messages, many members, and a member that stops reading.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "client/wire_connection.h"
#include "protocol/frame_decoder.h"
#include "protocol/message.h"
#include "tests/e2e/server_process.h"

namespace netdisk::e2e {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using client::WireConnection;

const std::vector<std::string> kCheap = {"--password-hash-memory", "1", "--password-hash-ops", "1"};

std::vector<std::string> args(std::vector<std::string> extra = {}) {
  extra.insert(extra.end(), kCheap.begin(), kCheap.end());
  return extra;
}

WireConnection member(const ServerProcess& server, const std::string& user, bool join = true) {
  WireConnection connection(server.port());
  connection.hello();
  auto registered = connection.call("register", {{"username", user}, {"password", "password1"}});
  if (!registered.ok && registered.error_code_name != "user_exists") {
    throw std::runtime_error("register: " + registered.error->message);
  }
  auto login = connection.call("login", {{"username", user}, {"password", "password1"}});
  if (!login.ok) throw std::runtime_error("login: " + login.error->message);
  if (join && !connection.call("chat.join").ok) throw std::runtime_error("chat.join failed");
  return connection;
}

// The next event of a given name, skipping others (joins, leaves) on the way.
protocol::Reply next_event(WireConnection& connection, std::string_view name,
                           std::chrono::milliseconds timeout = 10s) {
  while (true) {
    auto reply = connection.receive(timeout);
    if (!reply) throw std::runtime_error("connection closed waiting for " + std::string(name));
    if (reply->event == name) return *reply;
  }
}

long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

TEST(Chat, ThreeMembersSeeEachOthersMessagesInOrderWithTheRightNames) {
  ServerProcess server(args());
  std::vector<std::string> names = {"alice", "bob", "carol"};
  std::vector<WireConnection> members;
  for (const auto& name : names) members.push_back(member(server, name));
  constexpr int kMessages = 30;
  for (int i = 0; i < kMessages; ++i) {
    for (std::size_t m = 0; m < members.size(); ++m) {
      members[m].send("chat.send", {{"text", names[m] + " says " + std::to_string(i)}});
    }
  }
  for (std::size_t m = 0; m < members.size(); ++m) {
    std::map<std::string, int> next_from;
    int received = 0;
    while (received < kMessages * 2) {
      auto reply = members[m].receive();
      ASSERT_TRUE(reply.has_value());
      if (!reply->event) {
        EXPECT_TRUE(reply->ok) << "chat.send was refused";
        continue;
      }
      if (*reply->event != "chat.message") continue;
      std::string from = reply->body["from"];
      EXPECT_NE(from, names[m]) << "a member does not get its own message back";
      EXPECT_EQ(reply->body["text"], from + " says " + std::to_string(next_from[from]))
          << "out of order at " << names[m];
      EXPECT_TRUE(reply->body.contains("time"));
      ++next_from[from];
      ++received;
    }
  }
}

TEST(Chat, JoinsAndLeavesAreAnnouncedAndWhoListsTheRoom) {
  ServerProcess server(args());
  auto alice = member(server, "alice");
  auto bob = member(server, "bob");
  EXPECT_EQ(next_event(alice, "chat.joined").body["user"], "bob");
  auto who = bob.call("chat.who");
  EXPECT_EQ(who.body["members"], json({"alice", "bob"}));
  ASSERT_TRUE(bob.call("chat.leave").ok);
  EXPECT_EQ(next_event(alice, "chat.left").body["user"], "bob");
  EXPECT_EQ(alice.call("chat.who").body["members"], json({"alice"}));
  {
    auto carol = member(server, "carol");
    EXPECT_EQ(next_event(alice, "chat.joined").body["user"], "carol");
  }  // carol's connection closes without chat.leave
  EXPECT_EQ(next_event(alice, "chat.left").body["user"], "carol");
}

TEST(Chat, APrivateMessageReachesOnlyItsRecipient) {
  ServerProcess server(args());
  auto alice = member(server, "alice");
  auto bob = member(server, "bob");
  auto carol = member(server, "carol");
  ASSERT_TRUE(alice.call("chat.private", {{"to", "bob"}, {"text", "just for you"}}).ok);
  ASSERT_TRUE(alice.call("chat.send", {{"text", "for everyone"}}).ok);
  auto secret = next_event(bob, "chat.private");
  EXPECT_EQ(secret.body["from"], "alice");
  EXPECT_EQ(secret.body["text"], "just for you");
  // carol's next chat content is the public message: the private one never reached her.
  while (true) {
    auto reply = carol.receive();
    ASSERT_TRUE(reply.has_value());
    ASSERT_NE(reply->event, std::optional<std::string>("chat.private"));
    if (reply->event == "chat.message") {
      EXPECT_EQ(reply->body["text"], "for everyone");
      break;
    }
  }
  EXPECT_EQ(alice.call("chat.private", {{"to", "nobody"}, {"text", "hi"}}).error_code_name,
            "not_found");
}

TEST(Chat, TwoHundredMembersAllReceiveABroadcast) {
  ServerProcess server(args());
  std::vector<WireConnection> members;
  for (int i = 0; i < 200; ++i) members.push_back(member(server, "m" + std::to_string(i)));
  auto sender = member(server, "sender");
  ASSERT_TRUE(sender.call("chat.send", {{"text", "hello, everyone"}}).ok);
  int got = 0;
  for (auto& m : members) {
    auto message = next_event(m, "chat.message");
    if (message.body["text"] == "hello, everyone" && message.body["from"] == "sender") ++got;
  }
  EXPECT_EQ(got, 200);
}

// A chat member on a raw socket whose receive buffer is made tiny before connecting (after
// connecting, the kernel keeps the window it already advertised), so it holds back little.
class Sleeper {
 public:
  Sleeper(std::uint16_t port, const std::string& user) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int tiny = 4096;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &tiny, sizeof tiny);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("connect failed");
    }
    write(protocol::encode_request("hello", 1, {{"version", 1}}) +
          protocol::encode_request("register", 2, {{"username", user}, {"password", "password1"}}) +
          protocol::encode_request("login", 3, {{"username", user}, {"password", "password1"}}) +
          protocol::encode_request("chat.join", 4));
    for (std::uint64_t id = 0; id != 4;) {
      auto reply = next();
      if (!reply.event) id = reply.id;
    }
  }
  ~Sleeper() { ::close(fd_); }
  // The next frame, reading as needed (used only before and after the sleep).
  protocol::Reply next() {
    while (true) {
      auto frame = decoder_.next();
      if (!frame.ok()) throw std::runtime_error(frame.error().message);
      if (*frame) return *protocol::parse_reply(**frame);
      pollfd pfd{fd_, POLLIN, 0};
      if (::poll(&pfd, 1, 10000) <= 0) throw std::runtime_error("sleeper timed out");
      auto space = decoder_.prepare(4096);
      ssize_t n = ::recv(fd_, space.data(), space.size(), 0);
      if (n <= 0) throw std::runtime_error("sleeper's connection closed");
      decoder_.commit(static_cast<std::size_t>(n));
    }
  }

 private:
  void write(const std::string& bytes) { ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  int fd_ = -1;
  protocol::FrameDecoder decoder_{1 << 20};
};

TEST(Chat, AMemberThatNeverReadsIsDroppedWhileTheOthersKeepReceivingInBoundedMemory) {
  ServerProcess server(args());
  Sleeper sleeper(server.port(), "sleeper");
  // 600 messages of 4 KB: far more than the sleeper's socket buffers plus its 256 KiB queue.
  constexpr int kReaders = 3, kMessages = 600, kWindow = 8;
  std::vector<WireConnection> readers;
  for (int i = 0; i < kReaders; ++i) readers.push_back(member(server, "reader" + std::to_string(i)));
  auto sender = member(server, "sender");
  std::string text(4000, 'x');

  long rss_before = rss_kib(server.pid());
  // What each reader has received. The sender keeps at most kWindow messages ahead of the
  // slowest reader: readers must never lag by a full queue, or the server rightly drops them
  // too. (Counting only the sender's acknowledgements let a reader whose thread was not
  // scheduled for a moment under load fall 100+ messages behind and be dropped.)
  std::array<std::atomic<int>, kReaders> received{};
  std::atomic<int> complete{0};
  std::atomic<bool> reader_dropped{false};
  std::vector<std::thread> threads;
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&readers, &received, &complete, &reader_dropped, r] {
      auto& reader = readers[static_cast<std::size_t>(r)];
      auto& next = received[static_cast<std::size_t>(r)];
      try {
        while (next < kMessages) {
          auto reply = reader.receive(30s);
          if (!reply) return;
          if (reply->event == "chat.dropped") reader_dropped = true;
          if (reply->event != "chat.message" || reply->body["from"] != "sender") continue;
          std::string body = reply->body["text"];
          if (std::stoi(body.substr(0, body.find(' '))) != next) return;  // out of order
          ++next;
        }
        complete++;
      } catch (const std::exception&) {
        // Counted as incomplete below.
      }
    });
  }
  auto slowest = [&received] {
    int least = kMessages;
    for (const auto& count : received) least = std::min(least, count.load());
    return least;
  };
  // The sleeper never reads.
  int acknowledged = 0, sent = 0;
  while (acknowledged < kMessages && !reader_dropped) {
    while (sent < kMessages && sent - acknowledged < kWindow && sent - slowest() < kWindow) {
      sender.send("chat.send", {{"text", std::to_string(sent++) + " " + text}});
    }
    if (sent - acknowledged == 0) {  // everything acknowledged; wait for the readers
      std::this_thread::sleep_for(1ms);
      continue;
    }
    auto reply = sender.receive(30s);
    ASSERT_TRUE(reply.has_value());
    if (reply->event) continue;
    ASSERT_TRUE(reply->ok) << reply->error->message;
    ++acknowledged;
  }
  for (auto& thread : threads) thread.join();
  long rss_after = rss_kib(server.pid());

  EXPECT_FALSE(reader_dropped) << "a reader that kept up was dropped";
  EXPECT_EQ(complete.load(), kReaders) << "every reader gets every message, in order\n"
                                       << server.log().substr(0, 4000);
  auto who = sender.call("chat.who");
  EXPECT_EQ(std::count(who.body["members"].begin(), who.body["members"].end(), "sleeper"), 0)
      << "the member that never read was dropped";
  // 600 messages of 4 KB (2.4 MB per member) went out; the sleeper may hold at most its
  // queue limit beyond what the kernel buffers.
  EXPECT_LT(rss_after - rss_before, 32 * 1024) << "server memory grew by "
                                               << (rss_after - rss_before) << " KiB";
  // If the sleeper ever reads again, it learns why it was dropped.
  bool told = false;
  for (int i = 0; i < kMessages + 10 && !told; ++i) told = sleeper.next().event == "chat.dropped";
  EXPECT_TRUE(told);
}

TEST(Chat, BadMessagesGetClearErrors) {
  ServerProcess server(args());
  auto outsider = member(server, "outsider", /*join=*/false);
  EXPECT_EQ(outsider.call("chat.send", {{"text", "hi"}}).error_code_name, "bad_request");
  auto alice = member(server, "alice");
  EXPECT_EQ(alice.call("chat.send", {{"text", std::string(4097, 'a')}}).error_code_name,
            "message_too_large");
  EXPECT_TRUE(alice.call("chat.send", {{"text", std::string(4096, 'a')}}).ok);
  EXPECT_EQ(alice.call("chat.send", {{"text", "bell\x07"}}).error_code_name, "bad_request");
  EXPECT_EQ(alice.call("chat.send", {{"text", ""}}).error_code_name, "bad_request");
  EXPECT_EQ(alice.call("chat.send", {{"text", 42}}).error_code_name, "bad_request");
  WireConnection anonymous(server.port());
  anonymous.hello();
  EXPECT_EQ(anonymous.call("chat.join").error_code_name, "not_logged_in");
}

TEST(Chat, WorksWhileTheSameUserTransfersAFileOnAnotherConnection) {
  ServerProcess server(args());
  auto alice_chat = member(server, "alice");
  auto alice_files = member(server, "alice", /*join=*/false);
  auto bob = member(server, "bob");
  std::string data(32 << 20, 'd');
  ASSERT_TRUE(alice_files.call("upload", {{"path", "big.bin"}, {"size", data.size()}}).ok);
  alice_files.send("upload.data", {{"stream", data.size()}});
  std::thread uploader([&] { alice_files.send_raw(data); });
  ASSERT_TRUE(bob.call("chat.send", {{"text", "while you upload"}}).ok);
  EXPECT_EQ(next_event(alice_chat, "chat.message").body["text"], "while you upload");
  uploader.join();
  auto done = alice_files.receive(60s);
  ASSERT_TRUE(done && done->ok);
  EXPECT_EQ(done->body["done"], true);
}

}  // namespace
}  // namespace netdisk::e2e

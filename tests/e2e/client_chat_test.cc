// End-to-end tests of `netdisk chat` against the real netdiskd: several real clients in one
// room (stdin piped, as scripts use it), private messages, errors that keep the client in
// the room, chat next to a file transfer, and on a pseudo-terminal: messages arriving while
// a line is half typed, Ctrl-D, and the shell's chat.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "protocol/frame.h"
#include "protocol/frame_decoder.h"
#include "protocol/message.h"
#include "tests/client/client_fixture.h"
#include "tests/client/screen.h"
#include "tests/e2e/tcp_state.h"
#include "tests/e2e/wait_until.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;

std::string password_of(const std::string& user) { return user + "'s password"; }

// The (sender, text) pairs of the lines of `out` that `line_form` matches, in order.
std::vector<std::pair<std::string, std::string>> pairs_in(const std::string& out,
                                                          const std::regex& line_form) {
  std::vector<std::pair<std::string, std::string>> found;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (std::regex_match(line, match, line_form)) found.emplace_back(match[1], match[2]);
  }
  return found;
}

// "[10:04] bob: hi" as (bob, hi); the lines of `out` that are messages, in order.
std::vector<std::pair<std::string, std::string>> messages_in(const std::string& out) {
  static const std::regex message(R"(^\[\d\d:\d\d\] ([A-Za-z0-9_.-]+): (.*)$)");
  return pairs_in(out, message);
}

class ClientChat : public ClientTest {
 protected:
  void SetUp() override {
    ClientTest::SetUp();
    for (const char* user : {"bob", "carol"}) {
      auto registered = netdisk({"register", user}, {{"NETDISK_PASSWORD", password_of(user)}});
      ASSERT_EQ(registered.exit_code, 0) << registered.err;
    }
  }
  // The command line of `netdisk chat` as `user`: alice with her saved login, the others
  // with --user and NETDISK_PASSWORD.
  std::vector<std::string> chat_args(const std::string& user) const {
    if (user == kUser) return argv({"chat"});
    return argv({"--user", user, "chat"});
  }
  Env chat_env(const std::string& user) const {
    return env({{"NETDISK_PASSWORD", user == kUser ? kPassword : password_of(user)}});
  }
  // `netdisk chat` as `user` with stdin from a pipe, once it is in the room.
  std::unique_ptr<ChildProcess> join(const std::string& user) {
    auto chat = std::make_unique<ChildProcess>(chat_args(user), chat_env(user), local_dir(), true);
    EXPECT_TRUE(chat->wait_for_out("* in the room:")) << user << ": " << chat->err();
    return chat;
  }
  // Sends end of input and expects a clean exit.
  static void leave(ChildProcess& chat) {
    chat.close_stdin();
    EXPECT_EQ(chat.wait(), 0) << chat.err();
  }
};

TEST_F(ClientChat, ThreeClientsSeeEachOthersMessagesInOrderWithTheRightNames) {
  std::vector<std::string> names = {"alice", "bob", "carol"};
  std::map<std::string, std::unique_ptr<ChildProcess>> chats;
  for (const auto& name : names) chats[name] = join(name);
  ASSERT_TRUE(chats["alice"]->wait_for_out("* carol joined")) << chats["alice"]->out();
  ASSERT_TRUE(chats["bob"]->wait_for_out("* carol joined")) << chats["bob"]->out();
  EXPECT_NE(chats["carol"]->out().find("* in the room: alice, bob, carol"), std::string::npos)
      << chats["carol"]->out();

  constexpr int kMessages = 20;
  for (int i = 0; i < kMessages; ++i) {
    for (const auto& name : names)
      chats[name]->write_stdin(name + " says " + std::to_string(i) + "\n");
  }
  std::string last = " says " + std::to_string(kMessages - 1);
  for (const auto& reader : names) {
    for (const auto& writer : names) {
      if (reader == writer) continue;
      ASSERT_TRUE(chats[reader]->wait_for_out("] " + writer + ": " + writer + last))
          << reader << " got:\n"
          << chats[reader]->out();
    }
  }
  for (const auto& reader : names) {
    std::map<std::string, int> next_from;
    for (const auto& [from, text] : messages_in(chats[reader]->out())) {
      EXPECT_NE(from, reader) << "a client was sent its own message";
      EXPECT_EQ(text, from + " says " + std::to_string(next_from[from]++)) << reader;
    }
    for (const auto& writer : names) {
      EXPECT_EQ(next_from[writer], writer == reader ? 0 : kMessages)
          << reader << " from " << writer;
    }
  }

  std::size_t seen = chats["carol"]->out().size();
  chats["carol"]->write_stdin("/who\n");
  EXPECT_TRUE(chats["carol"]->wait_for_out("* in the room: alice, bob, carol", seen));
  leave(*chats["bob"]);
  EXPECT_TRUE(chats["alice"]->wait_for_out("* bob left")) << chats["alice"]->out();
  EXPECT_TRUE(chats["carol"]->wait_for_out("* bob left")) << chats["carol"]->out();
  seen = chats["alice"]->out().size();
  chats["alice"]->write_stdin("/who\n");
  EXPECT_TRUE(chats["alice"]->wait_for_out("* in the room: alice, carol\n", seen))
      << chats["alice"]->out();
  leave(*chats["carol"]);
  leave(*chats["alice"]);
  for (const auto& name : names) {
    EXPECT_EQ(chats[name]->err(), "") << name;
    EXPECT_EQ(chats[name]->out().find('\x1b'), std::string::npos) << name;
  }
}

TEST_F(ClientChat, APrivateMessageReachesOnlyItsRecipient) {
  auto alice = join("alice");
  auto bob = join("bob");
  auto carol = join("carol");
  ASSERT_TRUE(alice->wait_for_out("* carol joined"));
  alice->write_stdin("/msg bob psst, just for you\n");
  EXPECT_TRUE(bob->wait_for_out("] (private) alice: psst, just for you\n")) << bob->out();
  alice->write_stdin("/msg nobody hello?\nafter the secret\n");
  EXPECT_TRUE(carol->wait_for_out("] alice: after the secret\n")) << carol->out();
  EXPECT_TRUE(bob->wait_for_out("] alice: after the secret\n")) << bob->out();
  EXPECT_EQ(carol->out().find("psst"), std::string::npos) << carol->out();
  EXPECT_EQ(alice->out().find("psst"), std::string::npos) << alice->out();
  leave(*alice);
  EXPECT_NE(alice->err().find("nobody is not in the chat (not_found)"), std::string::npos)
      << alice->err();
  leave(*bob);
  leave(*carol);
}

TEST_F(ClientChat, ErrorsAreOneLineAndTheClientStaysInTheRoom) {
  auto alice = join("alice");
  auto bob = join("bob");
  ASSERT_TRUE(alice->wait_for_out("* bob joined"));
  alice->write_stdin(std::string(5000, 'x') + "\n");
  alice->write_stdin("/frobnicate\n/msg bob\n//slash at the start\n");
  alice->write_stdin("still here\n");
  EXPECT_TRUE(bob->wait_for_out("] alice: /slash at the start\n")) << bob->out();
  EXPECT_TRUE(bob->wait_for_out("] alice: still here\n")) << bob->out();
  EXPECT_EQ(bob->out().find("xxxx"), std::string::npos);
  leave(*alice);
  std::string err = alice->err();
  EXPECT_NE(err.find("at most 4096 bytes; this one has 5000 (message_too_large)\n"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("unknown command /frobnicate"), std::string::npos) << err;
  EXPECT_NE(err.find("usage: /msg NAME TEXT"), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 3) << err;
  EXPECT_TRUE(bob->wait_for_out("* alice left"));
  leave(*bob);
}

TEST_F(ClientChat, EveryLineIsDeliveredBeforeTheClientLeavesAtTheEndOfInput) {
  auto bob = join("bob");
  auto alice = netdisk({"chat"}, {}, "one\ntwo\nthree");  // the last line has no newline
  ASSERT_EQ(alice.exit_code, 0) << alice.err;
  EXPECT_TRUE(bob->wait_for_out("* alice left")) << bob->out();
  std::vector<std::pair<std::string, std::string>> expected = {
      {"alice", "one"}, {"alice", "two"}, {"alice", "three"}};
  EXPECT_EQ(messages_in(bob->out()), expected) << bob->out();
  EXPECT_NE(alice.out.find("* in the room: alice, bob"), std::string::npos) << alice.out;
  leave(*bob);
}

TEST_F(ClientChat, WithoutALoginChatFailsWithOneErrorLine) {
  ASSERT_EQ(netdisk({"logout"}).exit_code, 0);
  auto chat = netdisk({"chat"}, {}, "hello\n");
  EXPECT_EQ(chat.exit_code, 1);
  EXPECT_NE(chat.err.find("not logged in"), std::string::npos) << chat.err;
  EXPECT_EQ(std::count(chat.err.begin(), chat.err.end(), '\n'), 1) << chat.err;
  EXPECT_EQ(chat.out, "");
}

// "[10:04] (history) bob: hi" as (bob, hi): the history lines of `out`, in order.
std::vector<std::pair<std::string, std::string>> history_in(const std::string& out) {
  static const std::regex message(R"(^\[\d\d:\d\d\] \(history\) ([A-Za-z0-9_.-]+): (.*)$)");
  return pairs_in(out, message);
}

TEST_F(ClientChat, JoiningShowsTheEarlierPublicMessagesMarkedAsHistoryInOrder) {
  auto bob = join("bob");
  auto alice = netdisk({"chat"}, {}, "m1\n/msg bob not for the history\nm2\nm3\nm4\nm5\n");
  ASSERT_EQ(alice.exit_code, 0) << alice.err;
  EXPECT_TRUE(bob->wait_for_out("] (private) alice: not for the history\n")) << bob->out();
  auto carol = join("carol");
  ASSERT_TRUE(carol->wait_for_out("] (history) alice: m5\n")) << carol->out();
  std::vector<std::pair<std::string, std::string>> expected = {
      {"alice", "m1"}, {"alice", "m2"}, {"alice", "m3"}, {"alice", "m4"}, {"alice", "m5"}};
  EXPECT_EQ(history_in(carol->out()), expected) << carol->out();
  EXPECT_EQ(carol->out().find("not for the history"), std::string::npos) << carol->out();
  // Shown after the members, before anything live.
  EXPECT_LT(carol->out().find("* in the room:"), carol->out().find("(history)"));
  leave(*carol);
  leave(*bob);
}

TEST_F(ClientChat, ChatWorksWhileTheSameUserUploadsAFile) {
  make_sparse_file(local("big"), 48 << 20, 5);
  auto bob = join("bob");
  auto alice = join("alice");
  ChildProcess put(argv({"put", "--limit-rate", "4M", local("big"), "big"}), env(), local_dir());
  // The upload is under way once the server holds part of it.
  bool uploading = false;
  for (int i = 0; i < 3000 && !uploading && put.running(); ++i) {
    for (const auto& entry : fs::directory_iterator(home())) {
      if (entry.path().filename().string().starts_with(".netdisk-part.") &&
          fs::file_size(entry.path()) > 0) {
        uploading = true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(uploading) << put.err();
  alice->write_stdin("uploading and chatting\n");
  EXPECT_TRUE(bob->wait_for_out("] alice: uploading and chatting\n")) << bob->out();
  bob->write_stdin("nice\n");
  EXPECT_TRUE(alice->wait_for_out("] bob: nice\n")) << alice->out();
  EXPECT_TRUE(put.running()) << "the upload ended before the chat was done; nothing overlapped";
  EXPECT_EQ(put.wait(), 0) << put.err();
  EXPECT_TRUE(same_bytes(local("big"), home() / "big"));
  leave(*alice);
  leave(*bob);
}

// On a pseudo-terminal: alice types; bob's messages come in.
class ClientChatTerminal : public ClientChat {
 protected:
  std::string prompt_ = "chat:alice> ";
};

TEST_F(ClientChatTerminal, AMessageArrivingWhileALineIsTypedLeavesTheLineWhole) {
  auto bob = join("bob");
  PtyProcess alice(chat_args("alice"), chat_env("alice"), local_dir());
  bool found = false;
  alice.read_until("* in the room: alice, bob", &found);
  ASSERT_TRUE(found) << alice.transcript();
  alice.read_until(prompt_, &found);
  ASSERT_TRUE(found) << alice.transcript();
  alice.write("hello wor");
  alice.read_until("hello wor", &found);
  ASSERT_TRUE(found) << alice.transcript();

  bob->write_stdin("sorry to interrupt\n");
  alice.read_until("bob: sorry to interrupt", &found);
  ASSERT_TRUE(found) << alice.transcript();
  alice.read_until(prompt_ + "hello wor", &found);  // the partial line, drawn again
  ASSERT_TRUE(found) << alice.transcript();
  auto screen = render_screen(alice.transcript());
  ASSERT_GE(screen.size(), 2u);
  EXPECT_EQ(screen.back(), prompt_ + "hello wor") << alice.transcript();
  EXPECT_TRUE(std::regex_match(screen[screen.size() - 2],
                               std::regex(R"(\[\d\d:\d\d\] bob: sorry to interrupt)")))
      << screen[screen.size() - 2];
  for (const auto& line : screen) {  // nothing left over from the line before the message
    EXPECT_TRUE(line.find("hello wor") == std::string::npos || line == prompt_ + "hello wor")
        << line;
  }

  alice.write("ld\r");
  EXPECT_TRUE(bob->wait_for_out("] alice: hello world\n")) << bob->out();
  alice.write("\x04");  // Ctrl-D leaves
  EXPECT_EQ(alice.wait(), 0) << alice.transcript();
  EXPECT_TRUE(bob->wait_for_out("* alice left")) << bob->out();
  leave(*bob);
}

TEST_F(ClientChatTerminal, TheShellsChatReturnsToTheShellPromptAfterQuit) {
  PtyProcess shell(argv({}), env(), local_dir());
  std::string shell_prompt = "netdisk:alice@127.0.0.1:" + std::to_string(server_.port()) + "> ";
  bool found = false;
  shell.read_until(shell_prompt, &found);
  ASSERT_TRUE(found) << shell.transcript();
  shell.write("chat\n");
  shell.read_until("* in the room: alice", &found);
  ASSERT_TRUE(found) << shell.transcript();
  auto bob = join("bob");
  shell.read_until("* bob joined", &found);
  ASSERT_TRUE(found) << shell.transcript();
  shell.write("/who\r");
  shell.read_until("* in the room: alice, bob", &found);
  EXPECT_TRUE(found) << shell.transcript();
  shell.write("typed by mistake\x03");  // Ctrl-C drops the line, not the chat
  shell.write("/quit\r");
  shell.read_until(shell_prompt, &found);
  ASSERT_TRUE(found) << shell.transcript();
  EXPECT_TRUE(bob->wait_for_out("* alice left")) << bob->out();
  EXPECT_EQ(bob->out().find("typed by mistake"), std::string::npos) << bob->out();
  shell.write("ls\n");  // the shell reads commands again
  shell.read_until(shell_prompt, &found);
  EXPECT_TRUE(found) << shell.transcript();
  shell.write("quit\n");
  EXPECT_EQ(shell.wait(), 0) << shell.transcript();
  leave(*bob);
}

TEST(ClientChatIdle, AQuietMemberOutlastsTheServersIdleTimeout) {
  // The client sends a keep-alive every 10 s of silence; the server closes connections that
  // are silent both ways for 12 s. A witness that connects once both are in the room and never
  // says hello is closed by the handshake timeout, 14 s after it came: by then the members were
  // silent for longer than the idle timeout and the server's once-a-second sweep, so without
  // keep-alives they would have been closed before it.
  ServerProcess server({"--idle-timeout", "12", "--handshake-timeout", "14",
                        "--password-hash-memory", "1", "--password-hash-ops", "1"});
  fs::path config = server.work_dir() / "config";
  std::string address = "127.0.0.1:" + std::to_string(server.port());
  auto run_as = [&](const std::string& user) {
    return std::vector<std::string>{
        (binary_dir() / "netdisk").string(), "--server", address, "--user", user, "chat"};
  };
  Env env_of_alice = {{"NETDISK_PASSWORD", password_of("alice")},
                      {"XDG_CONFIG_HOME", config.string()}};
  Env env_of_bob = {{"NETDISK_PASSWORD", password_of("bob")}, {"XDG_CONFIG_HOME", config.string()}};
  for (const auto& env : {env_of_alice, env_of_bob}) {
    auto user = env.at("NETDISK_PASSWORD").substr(0, env.at("NETDISK_PASSWORD").find('\''));
    auto registered = run_netdisk({"--server", address, "register", user}, env);
    ASSERT_EQ(registered.exit_code, 0) << registered.err;
  }
  ChildProcess alice(run_as("alice"), env_of_alice, server.work_dir(), true);
  ASSERT_TRUE(alice.wait_for_out("* in the room:")) << alice.err();
  ChildProcess bob(run_as("bob"), env_of_bob, server.work_dir(), true);
  ASSERT_TRUE(alice.wait_for_out("* bob joined")) << alice.err();
  int witness = connect_loopback(server.port());
  ASSERT_GE(witness, 0);
  bool witness_closed = wait_until([&] { return server_end_closed(witness); },
                                   std::chrono::seconds(60), std::chrono::milliseconds(100));
  ::close(witness);
  ASSERT_TRUE(witness_closed) << "the handshake timeout never closed the witness";
  ASSERT_TRUE(alice.running() && bob.running()) << alice.err() << bob.err();
  bob.write_stdin("still there?\n");
  EXPECT_TRUE(alice.wait_for_out("] bob: still there?\n")) << alice.out() << alice.err();
  alice.close_stdin();
  bob.close_stdin();
  EXPECT_EQ(alice.wait(), 0) << alice.err();
  EXPECT_EQ(bob.wait(), 0) << bob.err();
}

// A stand-in for netdiskd on 127.0.0.1 that answers hello and login on every connection, and
// answers chat.join by dropping the member at once: what netdiskd does to a member that reads
// too slowly, which the real client never is. One thread per connection; the test ends them
// by letting the client exit.
class DroppingServer {
 public:
  DroppingServer() {
    listener_ = listen_loopback(8, port_);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~DroppingServer() {
    ::shutdown(listener_, SHUT_RDWR);  // wakes accept()
    acceptor_.join();
    ::close(listener_);
    for (auto& connection : connections_) connection.join();
  }
  std::uint16_t port() const { return port_; }

 private:
  void accept_loop() {
    while (true) {
      int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;
      connections_.emplace_back([fd] { serve(fd); });
    }
  }
  static void serve(int fd) {
    protocol::FrameDecoder decoder{protocol::kMaxMaxFrameBytes};
    while (true) {
      pollfd ready{fd, POLLIN, 0};
      if (::poll(&ready, 1, 30'000) <= 0) break;
      auto space = decoder.prepare(4096);
      ssize_t n = ::recv(fd, space.data(), space.size(), 0);
      if (n <= 0) break;
      decoder.commit(static_cast<std::size_t>(n));
      while (true) {
        auto frame = decoder.next();
        if (!frame.ok() || !*frame) break;
        protocol::Request request;
        if (!protocol::parse_request(**frame, request).ok()) break;
        std::string out = answer(request);
        (void)!::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
      }
    }
    ::close(fd);
  }
  static std::string answer(const protocol::Request& request) {
    if (request.op == "hello") {
      return protocol::encode_reply(
          request.id, {{"version", 1}, {"server", "dropping/1"}, {"max_frame", 1 << 20}});
    }
    if (request.op == "login") {
      return protocol::encode_reply(
          request.id,
          {{"username", kUser}, {"token", "t0ken"}, {"expires", "2030-01-01T00:00:00Z"}});
    }
    if (request.op == "chat.join") {
      return protocol::encode_reply(request.id, {{"members", {kUser}}}) +
             protocol::encode_event("chat.dropped", {{"reason", "you read too slowly"},
                                                     {"time", "2026-11-23T10:04:05Z"}});
    }
    return protocol::encode_reply(request.id);
  }

  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::thread acceptor_;
  std::vector<std::thread> connections_;  // only the acceptor thread adds to it
};

TEST(ClientChatDropped, AMemberTheServerDropsIsToldWhyAndExitsWithStatusOne) {
  DroppingServer server;
  auto dir = fs::temp_directory_path() / ("netdisk-dropped-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    ChildProcess chat({(binary_dir() / "netdisk").string(), "--server",
                       "127.0.0.1:" + std::to_string(server.port()), "--user", kUser, "chat"},
                      {{"NETDISK_PASSWORD", kPassword}, {"XDG_CONFIG_HOME", dir.string()}}, dir,
                      true);  // stdin stays open: only the drop can end the chat
    EXPECT_EQ(chat.wait(), 1) << chat.err();
    EXPECT_NE(chat.out().find("* in the room: alice\n"), std::string::npos) << chat.out();
    EXPECT_NE(chat.out().find("* you read too slowly\n"), std::string::npos) << chat.out();
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace netdisk::e2e

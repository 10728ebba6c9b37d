// End-to-end tests of the on-demand Outbox writer (server/outbox.h) against the real netdiskd:
// a connection's writer exists only while frames are queued and ends when its queue is empty,
// so chat events that reach a member right as it goes idle (its reply just written, its
// writer ending) must all arrive, once each and in order, on every I/O thread layout.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/wire_connection.h"
#include "protocol/message.h"
#include "tests/e2e/server_process.h"

namespace netdisk::e2e {
namespace {

using namespace std::chrono_literals;
using client::WireConnection;

WireConnection chat_member(const ServerProcess& server, const std::string& user) {
  WireConnection connection(server.port());
  connection.hello();
  auto registered = connection.call("register", {{"username", user}, {"password", "password1"}});
  if (!registered.ok) throw std::runtime_error("register: " + registered.error->message);
  auto login = connection.call("login", {{"username", user}, {"password", "password1"}});
  if (!login.ok) throw std::runtime_error("login: " + login.error->message);
  if (!login.ok || !connection.call("chat.join").ok) throw std::runtime_error("chat.join failed");
  return connection;
}

void bursts_reach_a_member_that_just_went_idle(const std::string& io_threads) {
  ServerProcess server({"--io-threads", io_threads, "--password-hash-memory", "1",
                        "--password-hash-ops", "1"});
  auto alice = chat_member(server, "alice");
  auto bob = chat_member(server, "bob");
  constexpr int kRounds = 60;
  for (int round = 0; round < kRounds; ++round) {
    // alice's request is answered (her writer starts, writes the reply, ends) while bob's
    // burst is on its way from bob's own connection, possibly another I/O thread.
    auto who = alice.send("chat.who");
    const int burst = 1 + round % 17;
    for (int i = 0; i < burst; ++i) {
      bob.send("chat.send", {{"text", std::to_string(round) + ":" + std::to_string(i)}});
    }
    // The reply and the burst, in whatever order they interleave: the burst in its own order.
    bool answered = false;
    int got = 0;
    while (!answered || got < burst) {
      auto frame = alice.receive(30s);
      ASSERT_TRUE(frame.has_value()) << "alice's connection closed in round " << round;
      if (!frame->event) {
        ASSERT_EQ(frame->id, who);
        ASSERT_TRUE(frame->ok) << "chat.who in round " << round;
        answered = true;
      } else if (*frame->event == "chat.message") {
        ASSERT_EQ(frame->body["text"], std::to_string(round) + ":" + std::to_string(got++))
            << "a chat message was lost or reordered in round " << round;
      }
    }
    for (int i = 0; i < burst; ++i) ASSERT_TRUE(bob.receive(30s).has_value());
  }
}

TEST(IdleOutbox, ChatBurstsToAMemberThatJustWentIdleAllArriveInOrderOnOneIoThread) {
  bursts_reach_a_member_that_just_went_idle("1");
}

TEST(IdleOutbox, ChatBurstsToAMemberThatJustWentIdleAllArriveInOrderAcrossIoThreads) {
  bursts_reach_a_member_that_just_went_idle("3");
}

}  // namespace
}  // namespace netdisk::e2e

// End-to-end tests of chat.history against the real netdiskd on one machine: a member who
// comes later is served the earlier public messages in order, never a private one, a page at
// a time; bad limits and cursors are refused.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/wire_connection.h"
#include "protocol/message.h"
#include "tests/e2e/server_process.h"

namespace netdisk::e2e {
namespace {

using json = nlohmann::json;
using client::WireConnection;

const std::vector<std::string> kCheap = {"--password-hash-memory", "1", "--password-hash-ops", "1"};

WireConnection logged_in(const ServerProcess& server, const std::string& user) {
  WireConnection connection(server.port());
  connection.hello();
  auto registered = connection.call("register", {{"username", user}, {"password", "password1"}});
  if (!registered.ok && registered.error_code_name != "user_exists") {
    throw std::runtime_error("register: " + registered.error->message);
  }
  auto login = connection.call("login", {{"username", user}, {"password", "password1"}});
  if (!login.ok) throw std::runtime_error("login: " + login.error->message);
  return connection;
}

std::vector<std::string> lines_of(const protocol::Reply& reply) {
  std::vector<std::string> lines;
  for (const auto& message : reply.body.at("messages")) {
    lines.push_back(message.at("from").get<std::string>() + ": " +
                    message.at("text").get<std::string>());
  }
  return lines;
}

TEST(ChatHistory, ALaterMemberIsServedTheEarlierPublicMessagesInOrderAndNoPrivateOne) {
  ServerProcess server(kCheap);
  auto alice = logged_in(server, "alice");
  auto bob = logged_in(server, "bob");
  ASSERT_TRUE(alice.call("chat.join").ok);
  ASSERT_TRUE(bob.call("chat.join").ok);
  std::vector<std::string> sent;
  for (int i = 1; i <= 5; ++i) {
    auto& sender = i % 2 ? alice : bob;
    std::string from = i % 2 ? "alice" : "bob";
    std::string text = "message " + std::to_string(i);
    ASSERT_TRUE(sender.call("chat.send", {{"text", text}}).ok);
    sent.push_back(from + ": " + text);
    if (i == 3) {
      ASSERT_TRUE(alice.call("chat.private", {{"to", "bob"}, {"text", "secret"}}).ok);
    }
  }
  auto carol = logged_in(server, "carol");
  auto history = carol.call("chat.history");  // no need to join first
  ASSERT_TRUE(history.ok) << history.error->message;
  EXPECT_EQ(lines_of(history), sent);
  const auto& first = history.body["messages"][0];
  EXPECT_TRUE(first.at("id").is_number_integer());
  EXPECT_TRUE(first.at("time").is_string());

  // A page at a time, backwards: the two latest, then the three before them.
  auto latest = carol.call("chat.history", {{"limit", 2}});
  ASSERT_TRUE(latest.ok);
  EXPECT_EQ(lines_of(latest), (std::vector<std::string>(sent.begin() + 3, sent.end())));
  auto earlier =
      carol.call("chat.history", {{"limit", 10}, {"before", latest.body["messages"][0]["id"]}});
  ASSERT_TRUE(earlier.ok);
  EXPECT_EQ(lines_of(earlier), (std::vector<std::string>(sent.begin(), sent.begin() + 3)));
}

TEST(ChatHistory, RefusesALimitOverTheBoundOrACursorThatIsNotACount) {
  ServerProcess server(kCheap);
  auto alice = logged_in(server, "alice");
  for (const json& fields : {json{{"limit", 501}}, json{{"limit", -1}}, json{{"limit", "20"}},
                             json{{"before", -5}}, json{{"before", 1.5}}}) {
    auto refused = alice.call("chat.history", fields);
    EXPECT_FALSE(refused.ok) << fields.dump();
    EXPECT_EQ(refused.error_code_name, "bad_request") << fields.dump();
  }
  EXPECT_TRUE(alice.call("chat.history", {{"limit", 500}}).ok);
  WireConnection stranger(server.port());
  stranger.hello();
  auto anonymous = stranger.call("chat.history");
  EXPECT_FALSE(anonymous.ok);
  EXPECT_EQ(anonymous.error_code_name, "not_logged_in");
}

}  // namespace
}  // namespace netdisk::e2e

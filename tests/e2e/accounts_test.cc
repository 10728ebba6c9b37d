// End-to-end tests of accounts against the real netdiskd and netdisk: registration, login,
// sessions, throttling, the users.xlsx workbook and its durability under kill -9.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "client/wire_connection.h"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/wait_until.h"

namespace netdisk::e2e {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using client::WireConnection;
namespace fs = std::filesystem;


protocol::Reply register_user(const ServerProcess& server, const std::string& name,
                              const std::string& password = "correct horse") {
  auto connection = greeted(server);
  return connection.call("register", {{"username", name}, {"password", password}});
}

TEST(Accounts, RegisterThenRestartTheServerThenLoginWorks) {
  ServerProcess server;
  auto registered = register_user(server, "alice");
  ASSERT_TRUE(registered.ok) << registered.error->message;
  EXPECT_TRUE(fs::is_directory(server.data_dir() / "home" / "alice"));
  server.restart();
  auto connection = greeted(server);
  auto login = connection.call("login", {{"username", "alice"}, {"password", "correct horse"}});
  ASSERT_TRUE(login.ok) << login.error->message;
  EXPECT_EQ(login.body["username"], "alice");
  EXPECT_EQ(connection.call("whoami").body["username"], "alice");
}

TEST(Accounts, LoginIsCaseInsensitiveButKeepsTheRegisteredSpelling) {
  ServerProcess server;
  ASSERT_TRUE(register_user(server, "Alice").ok);
  EXPECT_EQ(register_user(server, "alice").error_code_name, "user_exists");
  auto connection = greeted(server);
  auto login = connection.call("login", {{"username", "ALICE"}, {"password", "correct horse"}});
  ASSERT_TRUE(login.ok);
  EXPECT_EQ(login.body["username"], "Alice");
}

TEST(Accounts, AWrongPasswordAndAnUnknownUserGetTheSameError) {
  ServerProcess server;
  ASSERT_TRUE(register_user(server, "alice").ok);
  auto connection = greeted(server);
  auto wrong_password = connection.call("login", {{"username", "alice"}, {"password", "wrong one!"}});
  auto unknown_user = connection.call("login", {{"username", "mallory"}, {"password", "wrong one!"}});
  ASSERT_FALSE(wrong_password.ok);
  ASSERT_FALSE(unknown_user.ok);
  EXPECT_EQ(wrong_password.error_code_name, "auth_failed");
  EXPECT_EQ(unknown_user.error_code_name, wrong_password.error_code_name);
  EXPECT_EQ(unknown_user.error->message, wrong_password.error->message);
}

TEST(Accounts, EveryKindOfBadUsernameIsRefused) {
  ServerProcess server;
  const std::vector<std::string> bad = {
      "",          std::string(33, 'a'), "a/b",    "a\\b",   "../x", ".hidden", "-dash",
      "two words", "tab\there",          std::string("nul\0x", 5), "\x01",   "=1+1", "+cmd",    "@SUM(A1)",
      "ünïcode",   "a:b",                "a*b",    "~root"};
  for (const auto& name : bad) {
    auto reply = register_user(server, name);
    ASSERT_FALSE(reply.ok) << "accepted " << json(name).dump(-1, ' ', true, json::error_handler_t::replace);
    EXPECT_EQ(reply.error_code_name, "invalid_username") << reply.error->message;
  }
  EXPECT_TRUE(fs::is_empty(server.data_dir() / "home"));
  EXPECT_TRUE(register_user(server, "ok.name_1-2").ok);
}

TEST(Accounts, PasswordsOutsideTheBoundsAreRefusedCheaply) {
  ServerProcess server;
  EXPECT_EQ(register_user(server, "bob", "1234567").error_code_name, "invalid_password");
  EXPECT_EQ(register_user(server, "bob", std::string(1025, 'p')).error_code_name,
            "invalid_password");
  EXPECT_EQ(register_user(server, "bob", std::string(1000000, 'p')).error_code_name,
            "invalid_password");
  EXPECT_TRUE(register_user(server, "bob", std::string(1024, 'p')).ok);
  auto connection = greeted(server);
  auto huge_login =
      connection.call("login", {{"username", "bob"}, {"password", std::string(1000000, 'p')}});
  EXPECT_EQ(huge_login.error_code_name, "auth_failed");
}

TEST(Accounts, OperationsThatNeedAnAccountSayNotLoggedIn) {
  ServerProcess server;
  auto connection = greeted(server);
  for (const char* op : {"whoami", "logout"}) {
    auto reply = connection.call(op);
    EXPECT_EQ(reply.error_code_name, "not_logged_in") << op;
  }
  EXPECT_TRUE(connection.call("ping").ok);
}

TEST(Accounts, ATokenLogsInASecondConnectionUntilLogoutRevokesIt) {
  ServerProcess server;
  ASSERT_TRUE(register_user(server, "alice").ok);
  auto first = greeted(server);
  auto login = first.call("login", {{"username", "alice"}, {"password", "correct horse"}});
  std::string token = login.body["token"];
  EXPECT_EQ(token.size(), 64u);

  auto second = greeted(server);
  auto resumed = second.call("login", {{"token", token}});
  ASSERT_TRUE(resumed.ok);
  EXPECT_EQ(second.call("whoami").body["username"], "alice");

  EXPECT_TRUE(first.call("logout").ok);
  EXPECT_EQ(first.call("whoami").error_code_name, "not_logged_in");
  auto third = greeted(server);
  EXPECT_EQ(third.call("login", {{"token", token}}).error_code_name, "auth_failed");
  EXPECT_EQ(third.call("login", {{"token", "forged"}}).error_code_name, "auth_failed");
}

TEST(Accounts, AnExpiredTokenIsRefused) {
  ServerProcess server({"--session-ttl", "1", "--password-hash-memory", "1",
                        "--password-hash-ops", "1"});
  ASSERT_TRUE(register_user(server, "alice").ok);
  auto first = greeted(server);
  std::string token =
      first.call("login", {{"username", "alice"}, {"password", "correct horse"}}).body["token"];
  // The shortest lifetime the server allows is a second: log in with the token, 50 ms apart,
  // until it stops working; the first refusal must say why.
  protocol::Reply later;
  ASSERT_TRUE(wait_until([&] {
    later = greeted(server).call("login", {{"token", token}});
    return !later.ok;
  }, 30s, 50ms)) << "the token never expired";
  EXPECT_EQ(later.error_code_name, "session_expired");
}

TEST(Accounts, RepeatedFailuresForOneUserAreSlowedDown) {
  ServerProcess server(kCheapHashing);
  ASSERT_TRUE(register_user(server, "alice").ok);
  auto connection = greeted(server);
  for (int i = 0; i < 5; ++i) {
    auto reply = connection.call("login", {{"username", "alice"}, {"password", "guess guess"}});
    ASSERT_EQ(reply.error_code_name, "auth_failed") << "attempt " << i;
  }
  // Now the user is throttled: even the right password must wait, and costs no hashing.
  auto right = connection.call("login", {{"username", "alice"}, {"password", "correct horse"}});
  EXPECT_EQ(right.error_code_name, "rate_limited");
  // The delay is a second; a refused attempt costs nothing and does not lengthen it, so try
  // again every 50 ms until the server takes the password.
  ASSERT_TRUE(wait_until([&] {
    right = connection.call("login", {{"username", "alice"}, {"password", "correct horse"}});
    return right.error_code_name != "rate_limited";
  }, 30s, 50ms)) << "still throttled";
  EXPECT_TRUE(right.ok) << right.error_code_name;
}

TEST(Accounts, TwoHundredConcurrentRegistrationsGiveExactlyTwoHundredRows) {
  ServerProcess server(kCheapHashing);
  constexpr int kThreads = 20;
  constexpr int kPerThread = 10;
  std::atomic<int> accepted{0}, duplicates_refused{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto connection = greeted(server);
      for (int i = 0; i < kPerThread; ++i) {
        std::string name = "user" + std::to_string(t * kPerThread + i);
        auto reply = connection.call("register", {{"username", name}, {"password", "password1"}});
        (reply.ok ? accepted : failures)++;
        // Every thread also tries a name another thread registers: exactly one may win.
        std::string contested = "shared" + std::to_string(i);
        auto again = connection.call("register", {{"username", contested}, {"password", "password1"}});
        if (!again.ok && again.error_code_name == "user_exists") duplicates_refused++;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(accepted.load(), kThreads * kPerThread);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(duplicates_refused.load(), kPerThread * (kThreads - 1));

  auto names = workbook_users(server.data_dir() / "users.xlsx");
  EXPECT_EQ(names.size(), static_cast<std::size_t>(kThreads * kPerThread + kPerThread));
  for (int n = 0; n < kThreads * kPerThread; ++n) {
    EXPECT_TRUE(names.contains("user" + std::to_string(n))) << n;
  }
  // After a restart the server's own reader agrees.
  server.restart();
  auto connection = greeted(server);
  EXPECT_TRUE(connection.call("login", {{"username", "user199"}, {"password", "password1"}}).ok);
}

TEST(Accounts, KillNineDuringRegistrationsKeepsEveryAcknowledgedUser) {
  ServerProcess server(kCheapHashing);
  std::set<std::string> acknowledged;
  std::mt19937 random(20261123);
  int next_name = 0;
  for (int round = 0; round < 8; ++round) {
    std::mutex mutex;
    std::atomic<bool> stop{false};
    std::atomic<int> acknowledged_this_round{0};
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
      writers.emplace_back([&, t] {
        try {
          auto connection = greeted(server);
          for (int i = 0; !stop; ++i) {
            std::string name;
            {
              std::lock_guard lock(mutex);
              name = "r" + std::to_string(round) + "n" + std::to_string(next_name++);
            }
            auto reply = connection.call("register", {{"username", name}, {"password", "password1"}});
            if (reply.ok) {
              std::lock_guard lock(mutex);
              acknowledged.insert(name);
              ++acknowledged_this_round;
            }
          }
        } catch (const std::exception&) {
          // The server was killed under us: expected.
        }
        (void)t;
      });
    }
    // Kill at a different point of each round: after 2 to 16 acknowledged registrations,
    // with more under way on the other connections.
    int kill_after = 2 + static_cast<int>(random() % 15);
    EXPECT_TRUE(wait_until([&] { return acknowledged_this_round >= kill_after; }, 60s, 1ms))
        << "round " << round << ": only " << acknowledged_this_round.load() << " acknowledged";
    server.kill_hard();
    stop = true;
    for (auto& writer : writers) writer.join();
    server.restart();  // the workbook must load, or the server would not start
  }
  ASSERT_GT(acknowledged.size(), 8u);
  auto names = workbook_users(server.data_dir() / "users.xlsx");
  for (const auto& name : acknowledged) EXPECT_TRUE(names.contains(name)) << name << " was lost";
  for (const auto& entry : fs::directory_iterator(server.data_dir())) {
    EXPECT_FALSE(entry.path().filename().string().starts_with(".netdisk-tmp"))
        << "temporary file left behind: " << entry.path();
  }
}

TEST(Accounts, ADamagedWorkbookStopsTheServerWithAClearMessageAndIsLeftUntouched) {
  ServerProcess server;
  ASSERT_TRUE(register_user(server, "alice").ok);
  server.stop();
  auto workbook = server.data_dir() / "users.xlsx";
  std::string damaged = read_file(workbook).substr(0, 300) + "garbage";
  std::ofstream(workbook, std::ios::binary | std::ios::trunc) << damaged;
  try {
    server.restart();
    FAIL() << "the server started with a damaged workbook";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("users.xlsx"), std::string::npos) << error.what();
  }
  EXPECT_EQ(read_file(workbook), damaged);
}

TEST(Accounts, ALoginStormIsBoundedAndAnsweredWithBusyNotACrash) {
  ServerProcess server({"--hash-threads", "1", "--max-pending-hashes", "2"});
  ASSERT_TRUE(register_user(server, "alice").ok);
  constexpr int kClients = 16;
  std::vector<WireConnection> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(greeted(server));
  for (auto& client : clients) {
    client.send("login", {{"username", "alice"}, {"password", "correct horse"}});
  }
  int ok = 0, busy = 0;
  for (auto& client : clients) {
    auto reply = client.receive(60s);
    ASSERT_TRUE(reply.has_value());
    if (reply->ok) ++ok;
    if (!reply->ok && reply->error_code_name == "server_busy") ++busy;
  }
  EXPECT_EQ(ok + busy, kClients);
  EXPECT_GE(ok, 2);
  EXPECT_GE(busy, 1);
  EXPECT_TRUE(greeted(server).call("ping").ok);
}

// Regression: a login with a name that breaks the username rules once cost a full Argon2id
// verification and a throttle record keyed by that (up to frame-sized) name, so a peer could
// spend the hashing pool and grow the table by varying the name. Now it is refused at once and
// counts only against the address. The pool here holds one hash at a time, kept busy by a
// slow login: were the invalid names hashed, they would be answered server_busy.
TEST(Accounts, LoginsWithInvalidNamesCostNoHashingAndAreStillThrottledByAddress) {
  ServerProcess server({"--hash-threads", "1", "--max-pending-hashes", "1",
                        "--password-hash-memory", "256", "--password-hash-ops", "8"});
  ASSERT_TRUE(register_user(server, "alice").ok);
  auto slow = greeted(server);
  slow.send("login", {{"username", "alice"}, {"password", "correct horse"}});
  std::this_thread::sleep_for(100ms);  // the slow login is hashing now (it takes seconds)

  auto sprayer = greeted(server);
  const std::vector<std::string> invalid_names = {
      std::string(70000, 'x'), "a\x01b", "=cmd|' /C calc'!A0", "../alice", "al ice"};
  for (const auto& name : invalid_names) {
    auto reply = sprayer.call("login", {{"username", name}, {"password", "correct horse"}});
    EXPECT_EQ(reply.error_code_name, "auth_failed") << name.substr(0, 20);
  }
  auto throttled = sprayer.call("login", {{"username", "\t"}, {"password", "correct horse"}});
  EXPECT_EQ(throttled.error_code_name, "rate_limited");

  auto slow_reply = slow.receive(60s);
  ASSERT_TRUE(slow_reply.has_value());
  EXPECT_TRUE(slow_reply->ok) << slow_reply->error_code_name;
}

// The client commands, as a script would use them.
class ClientAccounts : public ::testing::Test {
 protected:
  void SetUp() override {
    config_home_ = server_.work_dir() / "config";
    env_ = {{"XDG_CONFIG_HOME", config_home_.string()}};
  }
  CliResult netdisk(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), {"--server", "127.0.0.1:" + std::to_string(server_.port())});
    env.insert(env_.begin(), env_.end());
    return run_netdisk(args, env);
  }

  ServerProcess server_;
  fs::path config_home_;
  std::map<std::string, std::string> env_;
};

TEST_F(ClientAccounts, RegisterLoginWhoamiLogoutWorkFromScripts) {
  auto registered = netdisk({"register", "carol"}, {{"NETDISK_PASSWORD", "carol's secret"}});
  ASSERT_EQ(registered.exit_code, 0) << registered.err;
  auto login = netdisk({"login", "carol"}, {{"NETDISK_PASSWORD", "carol's secret"}});
  ASSERT_EQ(login.exit_code, 0) << login.err;

  auto sessions = config_home_ / "netdisk" / "sessions.json";
  struct stat info {};
  ASSERT_EQ(::stat(sessions.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(read_file(sessions).find("carol's secret"), std::string::npos);

  auto whoami = netdisk({"whoami"});
  EXPECT_EQ(whoami.exit_code, 0) << whoami.err;
  EXPECT_NE(whoami.out.find("carol@"), std::string::npos);

  EXPECT_EQ(netdisk({"logout"}).exit_code, 0);
  auto after = netdisk({"whoami"});
  EXPECT_NE(after.exit_code, 0);
  EXPECT_NE(after.err.find("not logged in"), std::string::npos);
}

TEST_F(ClientAccounts, UserFlagLogsInForOneCommandWithoutSavingASession) {
  ASSERT_EQ(netdisk({"register", "dave"}, {{"NETDISK_PASSWORD", "dave's secret"}}).exit_code, 0);
  auto whoami = netdisk({"--user", "dave", "whoami"}, {{"NETDISK_PASSWORD", "dave's secret"}});
  EXPECT_EQ(whoami.exit_code, 0) << whoami.err;
  EXPECT_FALSE(fs::exists(config_home_ / "netdisk" / "sessions.json"));
}

TEST_F(ClientAccounts, FailuresExitNonZeroWithOneLineOnStderr) {
  auto bad_name = netdisk({"register", "bad/name"}, {{"NETDISK_PASSWORD", "whatever123"}});
  EXPECT_EQ(bad_name.exit_code, 1);
  EXPECT_NE(bad_name.err.find("invalid_username"), std::string::npos);
  auto wrong = netdisk({"login", "nobody"}, {{"NETDISK_PASSWORD", "whatever123"}});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("wrong username or password"), std::string::npos);
  auto no_password = netdisk({"login", "nobody"});  // no terminal and no NETDISK_PASSWORD
  EXPECT_NE(no_password.exit_code, 0);
  EXPECT_NE(no_password.err.find("NETDISK_PASSWORD"), std::string::npos);
  auto unreachable = run_netdisk({"--server", "127.0.0.1:1", "ping"});
  EXPECT_EQ(unreachable.exit_code, 2);
}

}  // namespace
}  // namespace netdisk::e2e

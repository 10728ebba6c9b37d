// Login sessions that survive a restart, and ending them (issue #19), against the real netdiskd
// and netdisk: a saved login used after a restart, a logout before it that stays ended, a
// damaged sessions file set aside, `netdisk passwd` and `netdisk logout --all` ending the
// sessions of other connections while the current one goes on.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/helpers.h"
#include "tests/e2e/http_fixture.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/wait_until.h"
#include "tests/e2e/workbook_edit.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;
using client::WireConnection;

constexpr const char* kNewPassword = "a brand new password";

// The HTTP fixture (alice and bob, password kTestPassword), plus the netdisk client with its
// own config folder, so that its saved login is this test's.
class Sessions : public HttpTest {
 protected:
  CliResult netdisk(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), {"--server", "127.0.0.1:" + std::to_string(server_->port())});
    env["XDG_CONFIG_HOME"] = (work_ / "config").string();
    return run_netdisk(args, env);
  }
  void client_login(const std::string& user) {
    auto login = netdisk({"login", user}, {{"NETDISK_PASSWORD", kTestPassword}});
    ASSERT_EQ(login.exit_code, 0) << login.err;
  }
  std::string token_of(const std::string& user, const std::string& password = kTestPassword) {
    auto connection = greeted(*server_);
    auto login = connection.call("login", {{"username", user}, {"password", password}});
    if (!login.ok) return {};
    return login.body["token"];
  }
  std::string token_login_error(const std::string& token) {
    auto reply = greeted(*server_).call("login", {{"token", token}});
    return reply.ok ? std::string("ok") : reply.error_code_name;
  }
  int basic_status(const std::string& user, const std::string& password) {
    return curl("-u '" + user + ":" + password + "' '" + url("/api/me") + "'").status;
  }
  fs::path sessions_file() const { return server_->data_dir() / "sessions.txt"; }
};

TEST_F(Sessions, ASavedLoginWorksAfterAServerRestartWithNoPassword) {
  client_login("alice");
  server_->restart();
  auto whoami = netdisk({"whoami"});  // no NETDISK_PASSWORD: only the saved login
  EXPECT_EQ(whoami.exit_code, 0) << whoami.err;
  EXPECT_NE(whoami.out.find("alice@"), std::string::npos) << whoami.out;
  auto listed = netdisk({"ls"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
}

TEST_F(Sessions, ATokenLoggedOutBeforeARestartIsRefusedAfterIt) {
  std::string ended = token_of("alice");
  std::string kept = token_of("alice");
  {
    auto connection = greeted(*server_);
    ASSERT_TRUE(connection.call("login", {{"token", ended}}).ok);
    ASSERT_TRUE(connection.call("logout").ok);
  }
  server_->restart();
  EXPECT_EQ(token_login_error(ended), "auth_failed");
  EXPECT_EQ(token_login_error(kept), "ok");
  EXPECT_EQ(read_file(sessions_file()).find(kept), std::string::npos)
      << "the sessions file holds a token, not its digest";
}

// Sessions name their user; an account removed while the server was stopped and registered
// again (here in another case) is a new account, which the old account's token must not open.
TEST_F(Sessions, ATokenOfAnEarlierAccountOfTheSameNameNeverLogsInItsSuccessor) {
  using namespace std::chrono_literals;
  std::string old_bob = token_of("bob");
  ASSERT_FALSE(old_bob.empty());
  // Registration times are whole seconds: the new account is made in a later second.
  auto issued = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  ASSERT_TRUE(wait_until([&] { return std::chrono::system_clock::now() >= issued + 1s; }, 5s,
                         10ms));
  server_->stop();
  edit_workbook(*server_, {"delete-row", "bob"});
  server_->restart();
  EXPECT_EQ(token_login_error(old_bob), "auth_failed") << "no account of that name yet";
  create_user(*server_, "Bob", kNewPassword);
  EXPECT_EQ(token_login_error(old_bob), "auth_failed");
  EXPECT_FALSE(token_of("Bob", kNewPassword).empty());
}

TEST_F(Sessions, ADamagedSessionsFileIsSetAsideWithAClearLogLineAndTheServerServes) {
  std::string token = token_of("alice");
  server_->stop();
  write_file(sessions_file(), "netdisk-sessions 1\nthis line is not a session\n");
  server_->restart();
  EXPECT_NE(server_->log().find("the login sessions file cannot be read"), std::string::npos)
      << server_->log();
  bool set_aside = false;
  for (const auto& name : names_in(server_->data_dir())) {
    if (name.starts_with("sessions.txt.damaged-")) {
      set_aside = true;
      EXPECT_EQ(read_file(server_->data_dir() / name),
                "netdisk-sessions 1\nthis line is not a session\n");
    }
  }
  EXPECT_TRUE(set_aside) << "the damaged file must be kept aside, not overwritten";
  EXPECT_EQ(token_login_error(token), "auth_failed");  // users log in again
  EXPECT_FALSE(token_of("alice").empty());
}

TEST_F(Sessions, PasswdChangesThePasswordEndsOtherSessionsAndKeepsTheCurrentOne) {
  client_login("alice");
  auto other_connection = logged_in(*server_, "alice");
  std::string other_token = token_of("alice");
  std::string bobs_token = token_of("bob");
  ASSERT_EQ(basic_status("alice", kTestPassword), 200);  // now in the credential cache

  auto changed = netdisk(
      {"passwd"}, {{"NETDISK_PASSWORD", kTestPassword}, {"NETDISK_NEW_PASSWORD", kNewPassword}});
  ASSERT_EQ(changed.exit_code, 0) << changed.err;

  EXPECT_EQ(netdisk({"whoami"}).exit_code, 0) << "the current session must stay";
  EXPECT_EQ(other_connection.call("whoami").error_code_name, "not_logged_in");
  EXPECT_EQ(token_login_error(other_token), "auth_failed");
  EXPECT_EQ(token_login_error(bobs_token), "ok");
  EXPECT_TRUE(token_of("alice", kTestPassword).empty());
  EXPECT_FALSE(token_of("alice", kNewPassword).empty());
  EXPECT_EQ(basic_status("alice", kTestPassword), 401);
  EXPECT_EQ(basic_status("alice", kNewPassword), 200);
  // Durable: the new password after a restart, and the session that changed it.
  server_->restart();
  EXPECT_FALSE(token_of("alice", kNewPassword).empty());
  EXPECT_EQ(netdisk({"whoami"}).exit_code, 0);
}

TEST_F(Sessions, AWrongOldPasswordIsRefusedAndNothingChanges) {
  client_login("alice");
  std::string other_token = token_of("alice");
  auto refused = netdisk({"passwd"}, {{"NETDISK_PASSWORD", "not the password"},
                                      {"NETDISK_NEW_PASSWORD", kNewPassword}});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("wrong password"), std::string::npos) << refused.err;
  EXPECT_EQ(token_login_error(other_token), "ok");
  EXPECT_FALSE(token_of("alice", kTestPassword).empty());
  EXPECT_TRUE(token_of("alice", kNewPassword).empty());
}

TEST_F(Sessions, PasswdRefusesANewPasswordThatBreaksTheRulesAndNeedsALogin) {
  auto connection = logged_in(*server_, "alice");
  auto short_one =
      connection.call("passwd", {{"old_password", kTestPassword}, {"new_password", "short"}});
  EXPECT_EQ(short_one.error_code_name, "invalid_password");
  EXPECT_FALSE(token_of("alice", kTestPassword).empty());
  auto anonymous = greeted(*server_).call(
      "passwd", {{"old_password", kTestPassword}, {"new_password", kNewPassword}});
  EXPECT_EQ(anonymous.error_code_name, "not_logged_in");
}

TEST_F(Sessions, PasswdOverTheHttpApiWithBasicCredentials) {
  auto changed = curl("-u 'bob:" + std::string(kTestPassword) +
                      "' -X POST -H 'Content-Type: "
                      "application/json' --data '{\"old_password\":\"" +
                      kTestPassword + "\",\"new_password\":\"" + kNewPassword + "\"}' '" +
                      url("/api/passwd") + "'");
  EXPECT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(basic_status("bob", kTestPassword), 401);
  EXPECT_EQ(basic_status("bob", kNewPassword), 200);
}

TEST_F(Sessions, LogoutAllEndsTheSessionsOfOtherConnections) {
  client_login("alice");
  auto other_connection = logged_in(*server_, "alice");
  std::string other_token = token_of("alice");
  std::string bobs_token = token_of("bob");
  auto out = netdisk({"logout", "--all"});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  EXPECT_EQ(other_connection.call("whoami").error_code_name, "not_logged_in");
  EXPECT_EQ(token_login_error(other_token), "auth_failed");
  EXPECT_EQ(token_login_error(bobs_token), "ok");
  auto after = netdisk({"whoami"});
  EXPECT_NE(after.exit_code, 0) << "the client must forget its saved login";
  server_->restart();
  EXPECT_EQ(token_login_error(other_token), "auth_failed");
}

}  // namespace
}  // namespace netdisk::e2e

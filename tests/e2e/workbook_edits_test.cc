// users.xlsx edited by the administrator while netdiskd runs: with openpyxl (a deleted user
// stays deleted, an added column, its width and another sheet survive the server's next
// rewrite), re-saved by LibreOffice Calc (accepted, and rewritten without loss), a row added
// by hand (its folder is made and it can log in), a user disabled (account_disabled), and an
// invalid edit (the server keeps serving, refuses to register, logs the row once, and leaves
// the file alone until it is fixed). The server checks the file every second here.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <set>
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
using namespace std::chrono_literals;

const std::vector<std::string> kArgs = {
    "--password-hash-memory", "1", "--password-hash-ops", "1", "--workbook-check-interval", "1"};

protocol::Reply try_login(const ServerProcess& server, const std::string& user) {
  auto connection = greeted(server);
  return connection.call("login", {{"username", user}, {"password", kTestPassword}});
}

protocol::Reply try_register(const ServerProcess& server, const std::string& user) {
  auto connection = greeted(server);
  return connection.call("register", {{"username", user}, {"password", kTestPassword}});
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST(WorkbookEdits, AnOpenpyxlEditDuringARunIsNeverOverwrittenAndItsExtrasSurvive) {
  ServerProcess server(kArgs);
  for (const char* name : {"alice", "bob", "carol"}) create_user(server, name);
  edit_workbook(server, {"delete-row", "bob"});
  edit_workbook(server, {"add-column", "team", "alice", "red"});
  edit_workbook(server, {"add-sheet", "notes", "keep me"});
  // The periodic check reads the edit: bob can no longer log in.
  EXPECT_TRUE(wait_until([&] { return !try_login(server, "bob").ok; }, 30s, 100ms));

  create_user(server, "dave");  // a rewrite, after the edit
  EXPECT_EQ(workbook_users(server.data_dir() / "users.xlsx"),
            (std::set<std::string>{"alice", "carol", "dave"}))
      << "a deleted user stays deleted";
  auto team = edit_workbook(server, {"column-of", "team"});
  ASSERT_FALSE(team.empty());
  team.pop_back();  // the newline
  EXPECT_EQ(edit_workbook(server, {"get", "alice", team}), "text red\n");
  auto described = edit_workbook(server, {"describe"});
  EXPECT_NE(described.find(team + " team 25"), std::string::npos) << described;
  EXPECT_NE(described.find("sheets users notes"), std::string::npos) << described;
  logged_in(server, "dave");
  logged_in(server, "alice");
}

TEST(WorkbookEdits, AWorkbookReSavedByLibreOfficeCalcIsAcceptedAndRewrittenWithoutLoss) {
  ServerProcess server(kArgs);
  create_user(server, "alice");
  edit_workbook(server, {"add-column", "team", "alice", "red"});
  fs::path out = server.work_dir() / "libreoffice-out";
  fs::path profile = server.work_dir() / "libreoffice-profile";
  auto saved = run_program("/usr/bin/soffice",
                           {"-env:UserInstallation=file://" + profile.string(), "--headless",
                            "--norestore", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
                            "--outdir", out.string(), (server.data_dir() / "users.xlsx").string()},
                           {}, {}, 180s);
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  ASSERT_TRUE(fs::exists(out / "users.xlsx")) << saved.out << saved.err;
  fs::copy_file(out / "users.xlsx", server.data_dir() / "resaved.xlsx");
  fs::rename(server.data_dir() / "resaved.xlsx", server.data_dir() / "users.xlsx");

  create_user(server, "bob");  // patches LibreOffice's file
  EXPECT_EQ(workbook_users(server.data_dir() / "users.xlsx"),
            (std::set<std::string>{"alice", "bob"}));
  auto team = edit_workbook(server, {"column-of", "team"});
  ASSERT_FALSE(team.empty());
  team.pop_back();
  EXPECT_EQ(edit_workbook(server, {"get", "alice", team}), "text red\n") << server.log();
  logged_in(server, "alice");
  server.restart();
  logged_in(server, "alice");
  logged_in(server, "bob");
}

TEST(WorkbookEdits, ARowAddedByHandWhileRunningGetsItsFolderAndLogsIn) {
  ServerProcess server(kArgs);
  create_user(server, "alice");
  edit_workbook(server, {"add-row", "erin", "alice"});
  fs::path erin = server.data_dir() / "home" / "erin";
  EXPECT_TRUE(wait_until([&] { return fs::is_directory(erin); }, 30s, 100ms))
      << "made by the periodic check, before any login";
  logged_in(server, "erin");
}

TEST(WorkbookEdits, AUserDisabledInTheWorkbookIsRefusedWithAccountDisabled) {
  ServerProcess server(kArgs);
  create_user(server, "alice");
  create_user(server, "bob");
  auto state = edit_workbook(server, {"column-of", "state"});
  ASSERT_EQ(state, "E\n");
  edit_workbook(server, {"set-text", "alice", "E", "disabled"});
  EXPECT_TRUE(
      wait_until([&] { return try_login(server, "alice").error_code_name == "account_disabled"; },
                 30s, 100ms));
  auto refused = try_login(server, "alice");
  ASSERT_TRUE(refused.error.has_value());
  EXPECT_NE(refused.error->message.find("disabled"), std::string::npos);
  logged_in(server, "bob");
}

TEST(WorkbookEdits, AnInvalidEditKeepsTheServerServingAndTheFileUntouchedUntilFixed) {
  ServerProcess server(kArgs);
  create_user(server, "alice");
  create_user(server, "bob");
  edit_workbook(server, {"set-text", "bob", "A", "bad name"});
  auto broken = read_file(server.data_dir() / "users.xlsx");
  EXPECT_TRUE(
      wait_until([&] { return server.log().find("row 3") != std::string::npos; }, 30s, 100ms))
      << server.log();
  auto refused = try_register(server, "carol");
  ASSERT_FALSE(refused.ok);
  EXPECT_EQ(refused.error_code_name, "workbook_invalid");
  EXPECT_NE(refused.error->message.find("row 3"), std::string::npos) << refused.error->message;
  EXPECT_NE(refused.error->message.find("administrator must fix it"), std::string::npos);
  EXPECT_EQ(refused.error->message.find(server.data_dir().string()), std::string::npos)
      << "no server path in a reply";
  logged_in(server, "alice");  // still served from memory (and a login time is now pending)
  EXPECT_FALSE(try_register(server, "dave").ok);
  EXPECT_EQ(read_file(server.data_dir() / "users.xlsx"), broken) << "never rewritten";
  EXPECT_EQ(count(server.log(), "\"bad name\": username may not contain spaces"), 1u)
      << "logged once, not per attempt:\n"
      << server.log();

  edit_workbook(server, {"set-text", "bad name", "A", "bob"});
  EXPECT_TRUE(wait_until([&] { return try_register(server, "carol").ok; }, 30s, 100ms));
  EXPECT_EQ(workbook_users(server.data_dir() / "users.xlsx"),
            (std::set<std::string>{"alice", "bob", "carol"}));
}

// HTTP Basic, the web login and a session cookie issued before the edit all refuse a user the
// administrator disabled, with 403 account_disabled.
class WorkbookEditsHttp : public HttpTest {
 protected:
  void SetUp() override { start({"--workbook-check-interval", "1"}); }
};

TEST_F(WorkbookEditsHttp, ADisabledUserIsRefusedWith403OverBasicTheWebLoginAndACookie) {
  ASSERT_EQ(curl("-u alice:password1 '" + url("/api/me") + "'").status, 200);
  std::string jar = (work_ / "jar").string();
  std::string login_body =
      "-X POST -H 'Content-Type: application/json' -H 'X-NetDisk-CSRF: 1' --data "
      "'{\"username\":\"alice\",\"password\":\"password1\"}' '" +
      url("/api/login") + "'";
  ASSERT_EQ(curl("-c '" + jar + "' " + login_body).status, 200);
  edit_workbook(*server_, {"set-text", "alice", "E", "disabled"});
  EXPECT_TRUE(
      wait_until([&] { return curl("-u alice:password1 '" + url("/api/me") + "'").status == 403; },
                 30s, 100ms));
  auto basic = curl("-u alice:password1 '" + url("/api/me") + "'");
  EXPECT_NE(basic.body.find("account_disabled"), std::string::npos) << basic.body;
  auto web = curl(login_body);
  EXPECT_EQ(web.status, 403) << web.body;
  auto cookie = curl("-b '" + jar + "' '" + url("/api/me") + "'");
  EXPECT_EQ(cookie.status, 403) << "a session cookie issued before the edit: " << cookie.body;
  EXPECT_EQ(curl("-u bob:password1 '" + url("/api/me") + "'").status, 200);
}

}  // namespace
}  // namespace netdisk::e2e

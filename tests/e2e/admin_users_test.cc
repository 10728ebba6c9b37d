// `netdiskd admin user ...` against the real server (docs/ADMIN.md): every per-user command
// while the server runs (admin socket) and while it is stopped (in-process), with users.xlsx
// checked by openpyxl; a disabled, deleted or re-passworded user's sessions ended at once (a
// saved token refused, an open TCP connection told account_disabled); a deleted user's files
// set aside and removed by the sweep, or at once with --purge; the web page's user list for an
// admin account, and 403 for everyone else.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/wait_until.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;
constexpr const char* kNewPassword = "another long password";

CliResult admin(const fs::path& data, std::vector<std::string> args,
                const std::string& password = kTestPassword) {
  args.insert(args.begin(), {"admin", "--data", data.string()});
  return run_program(binary_dir() / "netdiskd", args, {{"NETDISK_PASSWORD", password}});
}

nlohmann::json admin_json(const fs::path& data, std::vector<std::string> args,
                          const std::string& password = kTestPassword) {
  args.insert(args.begin(), "--json");
  auto result = admin(data, args, password);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return nlohmann::json::parse(result.out, nullptr, false);
}

// The users sheet as openpyxl reads it: for each user row, its owned columns by header name.
std::map<std::string, std::map<std::string, std::string>> workbook(const fs::path& file) {
  auto read = run_shell(
      "/usr/bin/python3 -c \"import json, openpyxl, sys\n"
      "ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]\n"
      "rows = [r for r in ws.iter_rows(values_only=True) if any(c is not None for c in r)]\n"
      "head = rows[0]\n"
      "print(json.dumps({r[head.index('username')]: {h: ('' if v is None else str(v)) for h, v "
      "in zip(head, r) if h} for r in rows[1:]}))\" '" +
      file.string() + "'");
  EXPECT_EQ(read.exit_code, 0) << read.err;
  std::map<std::string, std::map<std::string, std::string>> out;
  auto parsed = nlohmann::json::parse(read.out, nullptr, false);
  if (!parsed.is_object()) return out;
  for (auto& [name, cells] : parsed.items())
    out[name] = cells.get<std::map<std::string, std::string>>();
  return out;
}

std::string login_error(const ServerProcess& server, const std::string& user,
                        const std::string& password = kTestPassword) {
  auto reply = greeted(server).call("login", {{"username", user}, {"password", password}});
  return reply.ok ? std::string("ok") : reply.error_code_name;
}

std::string token_error(const ServerProcess& server, const std::string& token) {
  auto reply = greeted(server).call("login", {{"token", token}});
  return reply.ok ? std::string("ok") : reply.error_code_name;
}

class AdminUsers : public ::testing::Test {
 protected:
  const fs::path& data() const { return server_.data_dir(); }
  fs::path users_file() const { return data() / "users.xlsx"; }
  // An HTTP request with curl; "STATUS BODY".
  std::string curl(const std::string& args) {
    auto run = run_shell("curl -s -w ' %{http_code}' -H 'X-NetDisk-CSRF: 1' " + args);
    return run.out;
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(server_.http_port()); }
  // Logs in over HTTP and keeps the cookie in `jar`.
  void web_login(const std::string& user, const fs::path& jar) {
    nlohmann::json body = {{"username", user}, {"password", kTestPassword}};
    auto out = curl("-c '" + jar.string() + "' -H 'Content-Type: application/json' --data '" +
                    body.dump() + "' " + base() + "/api/login");
    ASSERT_TRUE(out.ends_with(" 200")) << out;
  }

  ServerProcess server_{ServerProcess::WithHttp{}, {"--deleted-retention", "3s"}};
};

TEST_F(AdminUsers, EveryUserCommandWorksWhileTheServerRunsAndWhileItIsStopped) {
  for (bool running : {true, false}) {
    SCOPED_TRACE(running ? "server running" : "server stopped");
    std::string name = running ? "alice" : "bob";
    if (!running) server_.stop();
    auto added = admin_json(data(), {"user", "add", name});
    EXPECT_EQ(added["username"], name);
    EXPECT_EQ(added["state"], "active");
    EXPECT_EQ(added["role"], "user");
    EXPECT_TRUE(fs::is_directory(data() / "home" / name));
    EXPECT_EQ(admin_json(data(), {"user", "quota", name, "10 GiB"})["quota_bytes"], 10ull << 30);
    EXPECT_EQ(admin_json(data(), {"user", "role", name, "admin"})["role"], "admin");
    EXPECT_EQ(admin_json(data(), {"user", "disable", name})["state"], "disabled");
    auto book = workbook(users_file());
    EXPECT_EQ(book[name]["state"], "disabled");
    EXPECT_EQ(book[name]["quota"], "10 GiB");
    EXPECT_EQ(book[name]["role"], "admin");
    EXPECT_EQ(admin_json(data(), {"user", "enable", name})["state"], "active");
    EXPECT_EQ(admin_json(data(), {"user", "quota", name, "none"})["quota"], nullptr);
    EXPECT_EQ(admin_json(data(), {"user", "passwd", name}, kNewPassword)["username"], name);
    book = workbook(users_file());
    EXPECT_EQ(book[name]["state"], "active");
    EXPECT_EQ(book[name]["quota"], "");
    auto listed = admin_json(data(), {"users"})["users"];
    ASSERT_FALSE(listed.empty());
    auto row = listed.back();
    for (const char* field :
         {"username", "registered", "last_login", "state", "role", "files", "bytes", "quota"}) {
      EXPECT_TRUE(row.contains(field)) << field;
    }
    if (!running) server_.restart();
    EXPECT_EQ(login_error(server_, name), "auth_failed");
    EXPECT_EQ(login_error(server_, name, kNewPassword), "ok");
  }
  // Delete works both ways too; the workbook keeps the other user.
  EXPECT_EQ(admin_json(data(), {"user", "delete", "alice"})["username"], "alice");
  server_.stop();
  EXPECT_EQ(admin_json(data(), {"user", "delete", "bob", "--purge"})["purged"], true);
  EXPECT_TRUE(workbook(users_file()).empty());
  server_.restart();
  EXPECT_EQ(login_error(server_, "bob", kNewPassword), "auth_failed");
}

TEST_F(AdminUsers, DisablingEndsEverySessionAtOnceAndEnablingLetsTheUserBackIn) {
  create_user(server_, "alice");
  auto open = logged_in(server_, "alice");
  auto saved = greeted(server_).call("login", {{"username", "alice"}, {"password", kTestPassword}});
  ASSERT_TRUE(saved.ok);
  std::string token = saved.body["token"];
  ASSERT_TRUE(open.call("list", {{"path", ""}}).ok);

  admin_json(data(), {"user", "disable", "alice"});
  auto refused = open.call("list", {{"path", ""}});
  EXPECT_EQ(refused.error_code_name, "account_disabled");
  EXPECT_EQ(open.call("stat", {{"path", ""}}).error_code_name, "account_disabled")
      << "the connection says why until it logs in again";
  EXPECT_EQ(token_error(server_, token), "auth_failed");
  EXPECT_EQ(login_error(server_, "alice"), "account_disabled");

  admin_json(data(), {"user", "enable", "alice"});
  EXPECT_EQ(login_error(server_, "alice"), "ok");
  EXPECT_EQ(token_error(server_, token), "auth_failed") << "an ended session stays ended";
}

TEST_F(AdminUsers, PasswdEndsEverySessionAndOnlyTheNewPasswordWorks) {
  create_user(server_, "alice");
  auto open = logged_in(server_, "alice");
  admin_json(data(), {"user", "passwd", "alice"}, kNewPassword);
  EXPECT_EQ(open.call("list", {{"path", ""}}).error_code_name, "not_logged_in");
  EXPECT_EQ(login_error(server_, "alice"), "auth_failed");
  EXPECT_EQ(login_error(server_, "alice", kNewPassword), "ok");
  // A password that breaks the rules is refused, and the user keeps the one they have.
  auto weak = admin(data(), {"user", "passwd", "alice"}, "x");
  EXPECT_EQ(weak.exit_code, 1);
  EXPECT_NE(weak.err.find("invalid_password"), std::string::npos) << weak.err;
  // On stdin, as a script gives it, when NETDISK_PASSWORD is not set.
  auto piped = run_program(binary_dir() / "netdiskd",
                           {"admin", "--data", data().string(), "user", "passwd", "alice"}, {},
                           std::string(kTestPassword) + "\n");
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(login_error(server_, "alice"), "ok");
}

TEST_F(AdminUsers, ADeletedUsersFilesAreSetAsideThenSweptAndTheNameStartsEmpty) {
  create_user(server_, "alice");
  create_user(server_, "bob");
  write_file(data() / "home" / "alice" / "notes.txt", "alice's notes");
  auto open = logged_in(server_, "alice");
  auto deleted = admin_json(data(), {"user", "delete", "alice"});
  std::string kept = deleted["kept_as"];
  EXPECT_TRUE(kept.starts_with("deleted/")) << kept;
  EXPECT_EQ(read_file(data() / kept / "notes.txt"), "alice's notes");
  EXPECT_FALSE(fs::exists(data() / "home" / "alice"));
  auto book = workbook(users_file());
  EXPECT_FALSE(book.contains("alice"));
  EXPECT_TRUE(book.contains("bob")) << "the other rows stay";
  EXPECT_EQ(open.call("list", {{"path", ""}}).error_code_name, "not_logged_in");
  EXPECT_EQ(login_error(server_, "alice"), "auth_failed");
  // A new account of that name starts empty.
  create_user(server_, "alice");
  EXPECT_TRUE(names_in(data() / "home" / "alice").empty());
  // --deleted-retention is 3 s here: the sweep removes the folder.
  EXPECT_TRUE(wait_until([&] { return !fs::exists(data() / kept); }, std::chrono::seconds(60)))
      << "the sweep did not remove " << kept;
  EXPECT_TRUE(fs::exists(data() / "home" / "bob"));
}

TEST_F(AdminUsers, PurgeRemovesTheFilesAtOnce) {
  create_user(server_, "alice");
  write_file(data() / "home" / "alice" / "notes.txt", "x");
  auto purged = admin_json(data(), {"user", "delete", "alice", "--purge"});
  EXPECT_EQ(purged["purged"], true);
  EXPECT_FALSE(fs::exists(data() / "home" / "alice"));
  EXPECT_TRUE(names_in(data() / "deleted").empty());
}

TEST_F(AdminUsers, BadRequestsGetClearErrorsAndANonZeroStatus) {
  create_user(server_, "alice");
  for (std::vector<std::string> args : {std::vector<std::string>{"user", "disable", "nobody"},
                                        {"user", "delete", "nobody"},
                                        {"user", "quota", "nobody", "1GB"},
                                        {"user", "passwd", "nobody"}}) {
    auto result = admin(data(), args);
    EXPECT_EQ(result.exit_code, 1) << args[1];
    EXPECT_NE(result.err.find("not_found"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("\"nobody\""), std::string::npos) << result.err;
  }
  auto size = admin(data(), {"user", "quota", "alice", "lots"});
  EXPECT_EQ(size.exit_code, 1);
  EXPECT_NE(size.err.find("is not a size"), std::string::npos) << size.err;
  EXPECT_NE(admin(data(), {"user", "role", "alice", "king"}).exit_code, 0);
  auto taken = admin(data(), {"user", "add", "Alice"});
  EXPECT_EQ(taken.exit_code, 1);
  EXPECT_NE(taken.err.find("user_exists"), std::string::npos) << taken.err;
  EXPECT_EQ(workbook(users_file())["alice"]["quota"], "");
}

TEST_F(AdminUsers, AnAdminAccountSeesTheUserListOnTheWebAndOthersGet403) {
  create_user(server_, "alice");
  create_user(server_, "bob");
  admin_json(data(), {"user", "role", "alice", "admin"});
  fs::path jar_alice = server_.work_dir() / "alice.jar";
  fs::path jar_bob = server_.work_dir() / "bob.jar";
  web_login("alice", jar_alice);
  web_login("bob", jar_bob);
  auto listed = curl("-b '" + jar_alice.string() + "' " + base() + "/api/admin/users");
  ASSERT_TRUE(listed.ends_with(" 200")) << listed;
  auto answer = nlohmann::json::parse(listed.substr(0, listed.size() - 4));
  ASSERT_EQ(answer["users"].size(), 2u);
  EXPECT_EQ(answer["users"][0]["role"], "admin");
  EXPECT_EQ(answer["users"][1]["username"], "bob");
  EXPECT_TRUE(
      curl("-b '" + jar_bob.string() + "' " + base() + "/api/admin/users").ends_with(" 403"));
  EXPECT_TRUE(curl(base() + "/api/admin/users").ends_with(" 401"));
  // The role taken away, the list is refused at the next request.
  admin_json(data(), {"user", "role", "alice", "user"});
  EXPECT_TRUE(
      curl("-b '" + jar_alice.string() + "' " + base() + "/api/admin/users").ends_with(" 403"));
}

TEST_F(AdminUsers, WebLogoutAllEndsEverySessionOfTheUser) {
  create_user(server_, "alice");
  auto open = logged_in(server_, "alice");
  fs::path jar = server_.work_dir() / "alice.jar";
  web_login("alice", jar);
  auto out = curl("-b '" + jar.string() +
                  "' -H 'Content-Type: application/json' --data "
                  "'{\"all\":true}' " +
                  base() + "/api/logout");
  EXPECT_TRUE(out.ends_with(" 200")) << out;
  EXPECT_EQ(open.call("list", {{"path", ""}}).error_code_name, "not_logged_in");
  // A plain logout with no body still works.
  web_login("alice", jar);
  EXPECT_TRUE(
      curl("-b '" + jar.string() + "' -X POST " + base() + "/api/logout").ends_with(" 200"));
}

}  // namespace
}  // namespace netdisk::e2e

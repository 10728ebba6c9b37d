// Every user the server accepts has a folder: a row an administrator adds to users.xlsx by
// hand gets one at start-up, a folder removed while the server runs is made again at login,
// and a name whose case the administrator changed keeps its folder (renamed to the new case).
// The workbook is edited with openpyxl (tests/e2e/edit_workbook.py) while the server is stopped.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/e2e/helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/workbook_edit.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kArgs = {"--password-hash-memory", "1", "--password-hash-ops", "1"};

bool is_private_folder(const fs::path& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700;
}

// list, upload and download work for `user` over a fresh connection.
void expect_files_work(const ServerProcess& server, const std::string& user) {
  auto connection = logged_in(server, user);
  auto listed = connection.call("list", {{"path", ""}});
  ASSERT_TRUE(listed.ok) << listed.error->message;
  std::string data = random_bytes(5000, 7);
  auto uploaded = upload(connection, "probe.bin", data);
  ASSERT_TRUE(uploaded.ok) << uploaded.error->message;
  EXPECT_TRUE(download(connection, "probe.bin").bytes == data);
}

TEST(UserFolders, ARowAddedToTheWorkbookByHandGetsItsFolderAtStartUp) {
  ServerProcess server(kArgs);
  create_user(server, "alice");
  server.stop();
  edit_workbook(server, {"add-row", "erin", "alice"});
  fs::path erin = server.data_dir() / "home" / "erin";
  ASSERT_FALSE(fs::exists(erin));

  server.restart();
  // Made before the first login, private, and logged.
  EXPECT_TRUE(is_private_folder(erin));
  EXPECT_NE(server.log().find("created the missing folder of user \"erin\""), std::string::npos)
      << server.log();
  expect_files_work(server, "erin");
  EXPECT_EQ(read_file(erin / "probe.bin").size(), 5000u);
}

TEST(UserFolders, AFolderRemovedWhileTheServerRunsIsMadeAgainAtLogin) {
  ServerProcess server(kArgs);
  create_user(server, "alice");
  fs::path alice = server.data_dir() / "home" / "alice";
  fs::remove_all(alice);

  expect_files_work(server, "alice");
  EXPECT_TRUE(is_private_folder(alice));
}

TEST(UserFolders, ANameWhoseCaseTheAdminChangedKeepsItsFolderAndFiles) {
  ServerProcess server(kArgs);
  create_user(server, "erin");
  {
    auto erin = logged_in(server, "erin");
    ASSERT_TRUE(upload(erin, "notes.txt", "kept").ok);
  }
  server.stop();
  edit_workbook(server, {"rename", "erin", "Erin"});

  server.restart();
  fs::path home = server.data_dir() / "home";
  EXPECT_EQ(names_in(home), std::vector<std::string>{"Erin"});
  EXPECT_NE(server.log().find("renamed the folder of user \"Erin\""), std::string::npos)
      << server.log();
  for (const char* login_name : {"Erin", "erin"}) {
    auto connection = logged_in(server, login_name);
    EXPECT_EQ(download(connection, "notes.txt").bytes, "kept") << login_name;
  }
  expect_files_work(server, "Erin");
}

TEST(UserFolders, AFileWhereAUsersFolderShouldBeRefusesTheLoginWithoutAServerPath) {
  ServerProcess server(kArgs);
  create_user(server, "alice");
  fs::path alice = server.data_dir() / "home" / "alice";
  fs::remove_all(alice);
  write_file(alice, "not a folder");

  auto connection = greeted(server);
  auto reply = connection.call("login", {{"username", "alice"}, {"password", kTestPassword}});
  ASSERT_FALSE(reply.ok);
  EXPECT_EQ(reply.error_code_name, "not_a_directory");
  EXPECT_EQ(reply.error->message.find(server.data_dir().string()), std::string::npos)
      << reply.error->message;
  EXPECT_EQ(read_file(alice), "not a folder");  // nothing of the admin's is touched
}

}  // namespace
}  // namespace netdisk::e2e

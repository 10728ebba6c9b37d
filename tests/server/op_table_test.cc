// The op table's shared checks, without sockets: which transports reach which ops, the login
// rule (and HTTP logout's exception), and the /api and /files lookups that name their ops.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "server/ops/op_table.h"
#include "server/ops/session.h"
#include "server/services.h"

namespace netdisk::server::ops {
namespace {

namespace fs = std::filesystem;

class OpTable : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("netdisk-op-table-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ServerConfig config;
    config.data_dir = dir_;
    config.blocking_threads = 1;
    config.hash_threads = 1;
    server_ = std::make_unique<Services>(config);
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }

  // Why admit() refuses `name` for a caller on `transport`, logged in or not; nullopt when it
  // lets the call through.
  std::optional<Errc> refusal(std::string_view name, Transport transport, bool logged_in) {
    Session session(*server_, transport, "127.0.0.1", 1);
    if (logged_in) session.assume_user("alice");
    nlohmann::json body = nlohmann::json::object();
    OpCall call{*server_, session, body};
    auto status = admit(find_op(name), name, call);
    if (status.ok()) return std::nullopt;
    return status.error().code;
  }

  fs::path dir_;
  std::unique_ptr<Services> server_;
};

constexpr std::optional<Errc> kAdmitted;

TEST_F(OpTable, TheWebSocketReachesOnlyTheChatOps) {
  for (auto name :
       {"chat.join", "chat.send", "chat.private", "chat.who", "chat.leave", "chat.history"}) {
    EXPECT_EQ(refusal(name, Transport::websocket, true), kAdmitted) << name;
  }
  for (auto name : {"hello", "login", "list", "download", "upload", "remove", "mkdir"}) {
    EXPECT_EQ(refusal(name, Transport::websocket, true), Errc::unknown_op) << name;
  }
}

TEST_F(OpTable, HttpReachesFileAndAccountOpsButNotTheHandshakeOrChat) {
  // stat, copy, move and props.* are WebDAV's (PROPFIND, COPY, MOVE, PROPPATCH); those four are
  // not on TCP yet.
  for (auto name : {"whoami", "list", "mkdir", "rename", "remove", "upload", "download", "stat",
                    "copy", "move", "props.get", "props.patch"}) {
    EXPECT_EQ(refusal(name, Transport::http, true), kAdmitted) << name;
  }
  for (auto name : {"hello", "ping", "chat.send"}) {
    EXPECT_EQ(refusal(name, Transport::http, true), Errc::unknown_op) << name;
  }
  for (auto name : {"copy", "move", "props.get", "props.patch"}) {
    EXPECT_EQ(refusal(name, Transport::tcp, true), Errc::unknown_op) << name;
  }
}

TEST_F(OpTable, LoginIsRequiredExceptForHttpLogoutWhichEndsTheCookiesToken) {
  EXPECT_EQ(refusal("list", Transport::tcp, false), Errc::not_logged_in);
  EXPECT_EQ(refusal("logout", Transport::tcp, false), Errc::not_logged_in);
  EXPECT_EQ(refusal("logout", Transport::http, false), kAdmitted);
  EXPECT_EQ(refusal("login", Transport::tcp, false), kAdmitted);
  EXPECT_EQ(refusal("no.such.op", Transport::tcp, true), Errc::unknown_op);
}

TEST_F(OpTable, AdminOpsStayOnTheAdminTransportAndTheUserListNeedsTheAdminRole) {
  for (auto name : {"admin.users", "admin.user.add", "admin.user.state", "admin.user.delete",
                    "admin.user.passwd", "admin.user.quota", "admin.user.role"}) {
    EXPECT_EQ(refusal(name, Transport::admin, false), kAdmitted) << name;
    EXPECT_EQ(refusal(name, Transport::tcp, true), Errc::unknown_op) << name;
    EXPECT_EQ(refusal(name, Transport::websocket, true), Errc::unknown_op) << name;
  }
  for (auto name : {"admin.user.add", "admin.user.delete", "admin.registration"}) {
    EXPECT_EQ(refusal(name, Transport::http, true), Errc::unknown_op) << name;
  }
  // alice is no user of this registry, let alone an admin.
  EXPECT_EQ(refusal("admin.users", Transport::http, true), Errc::permission_denied);
  EXPECT_EQ(refusal("admin.users", Transport::http, false), Errc::not_logged_in);
  EXPECT_EQ(find_api_route("admin/users")->name, "admin.users");
}

TEST_F(OpTable, ApiRoutesAndFilesMethodsNameTheirOps) {
  EXPECT_EQ(find_api_route("me")->name, "whoami");
  EXPECT_EQ(find_api_route("list")->name, "list");
  EXPECT_EQ(find_api_route("login")->api.cookie, ApiRoute::Cookie::issue);
  EXPECT_EQ(find_api_route("whoami"), nullptr) << "whoami is reached as /api/me only";
  EXPECT_EQ(find_api_route("download"), nullptr);
  EXPECT_EQ(files_op(FilesRole::read).name, "download");
  EXPECT_EQ(files_op(FilesRole::write).name, "upload");
  EXPECT_EQ(files_op(FilesRole::write_data).name, "upload.data");
  EXPECT_EQ(files_op(FilesRole::stat).name, "stat");
  EXPECT_EQ(files_op(FilesRole::list).name, "list");
  EXPECT_EQ(files_op(FilesRole::make_folder).name, "mkdir");
  EXPECT_EQ(files_op(FilesRole::copy).name, "copy");
  EXPECT_EQ(files_op(FilesRole::move).name, "move");
  EXPECT_EQ(files_op(FilesRole::properties).name, "props.get");
  EXPECT_EQ(files_op(FilesRole::patch_properties).name, "props.patch");
  EXPECT_EQ(files_op(FilesRole::remove).name, "remove");
}

}  // namespace
}  // namespace netdisk::server::ops

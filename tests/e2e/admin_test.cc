// `netdiskd admin` against the real server (docs/ADMIN.md): the same commands while the server
// runs (through its admin socket) and while it is stopped (in-process, under the data folder's
// lock); registration closed or by invitation on every transport; one server per data folder;
// an admin socket only its owner can reach, and no admin op on the network.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/helpers.h"
#include "tests/e2e/server_process.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;

CliResult admin(const fs::path& data, std::vector<std::string> args) {
  args.insert(args.begin(), {"admin", "--data", data.string()});
  return run_program(binary_dir() / "netdiskd", args);
}

// An admin command with --json that must succeed; its answer.
nlohmann::json admin_json(const fs::path& data, std::vector<std::string> args) {
  args.insert(args.begin(), "--json");
  auto result = admin(data, args);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return nlohmann::json::parse(result.out, nullptr, false);
}

class AdminTest : public ::testing::Test {
 protected:
  // `netdisk register NAME` as a script runs it, with an invitation code if given.
  CliResult register_user(const std::string& name, const std::string& invite = {}) {
    std::vector<std::string> args = {"--server", "127.0.0.1:" + std::to_string(server_.port()),
                                     "register", name};
    if (!invite.empty()) args.insert(args.end(), {"--invite", invite});
    return run_netdisk(args, {{"NETDISK_PASSWORD", kTestPassword},
                              {"XDG_CONFIG_HOME", (server_.work_dir() / "config").string()}});
  }
  // POST /api/register; the HTTP status.
  std::string register_over_http(const std::string& name, const std::string& invite = {}) {
    nlohmann::json body = {{"username", name}, {"password", kTestPassword}};
    if (!invite.empty()) body["invite"] = invite;
    auto run = run_shell(
        "curl -s -o /dev/null -w '%{http_code}' -H 'X-NetDisk-CSRF: 1' "
        "-H 'Content-Type: application/json' --data '" +
        body.dump() + "' http://127.0.0.1:" + std::to_string(server_.http_port()) +
        "/api/register");
    return run.out;
  }
  std::vector<std::string> users() {
    std::vector<std::string> names;
    auto answer = admin_json(data(), {"users"});  // kept: a loop over a temporary's part dangles
    for (const auto& user : answer["users"]) {
      names.push_back(user["username"].get<std::string>());
    }
    return names;
  }
  const fs::path& data() const { return server_.data_dir(); }

  ServerProcess server_{ServerProcess::WithHttp{}};
};

TEST_F(AdminTest, ClosedRegistrationRefusesEveryTransportWithAClearError) {
  EXPECT_EQ(admin_json(data(), {"registration", "closed"})["mode"], "closed");
  auto client = register_user("alice");
  EXPECT_EQ(client.exit_code, 1);
  EXPECT_NE(client.err.find("registration is closed on this server"), std::string::npos)
      << client.err;
  EXPECT_NE(client.err.find("(registration_closed)"), std::string::npos) << client.err;
  auto tcp = greeted(server_);
  auto reply = tcp.call("register", {{"username", "bob"}, {"password", kTestPassword}});
  EXPECT_EQ(reply.error_code_name, "registration_closed");
  EXPECT_EQ(register_over_http("carol"), "403");
  EXPECT_TRUE(users().empty());
  EXPECT_TRUE(names_in(data() / "home").empty()) << "a folder was made for a refused user";
  // Reopened, the same people get in.
  EXPECT_EQ(admin_json(data(), {"registration", "open"})["mode"], "open");
  EXPECT_EQ(register_user("alice").exit_code, 0);
  EXPECT_EQ(register_over_http("carol"), "201");
  EXPECT_EQ(users(), (std::vector<std::string>{"alice", "carol"}));
}

TEST_F(AdminTest, AnInvitationAdmitsExactlyItsUsesOnEveryTransportAndIsStoredOnlyAsADigest) {
  admin_json(data(), {"registration", "invite"});
  auto invite = admin_json(data(), {"invite", "create", "--uses", "2", "--expires", "2d"});
  std::string code = invite["code"];
  EXPECT_FALSE(invite["expires"].is_null());
  EXPECT_EQ(read_file(data() / "registration.json").find(code), std::string::npos);

  auto without = register_user("alice");
  EXPECT_EQ(without.exit_code, 1);
  EXPECT_NE(without.err.find("--invite"), std::string::npos) << without.err;
  EXPECT_EQ(register_over_http("alice"), "403");
  EXPECT_EQ(register_user("alice", "not-a-code").exit_code, 1);
  EXPECT_EQ(register_user("alice", code).exit_code, 0);
  // A refused registration (the name is taken) gives its use back.
  EXPECT_EQ(register_user("alice", code).exit_code, 1);
  EXPECT_EQ(register_over_http("bob", code), "201");
  auto spent = register_user("carol", code);
  EXPECT_EQ(spent.exit_code, 1);
  EXPECT_NE(spent.err.find("(invalid_invite)"), std::string::npos) << spent.err;
  EXPECT_EQ(users(), (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(admin_json(data(), {"registration"})["invites"], 0);
}

TEST_F(AdminTest, CommandsWorkWhileTheServerIsStoppedAndTheServerHonoursThemAfter) {
  create_user(server_, "alice");
  write_file(data() / "home" / "alice" / "notes.txt", "12345");
  fs::create_directories(data() / "home" / "alice" / "sub");
  write_file(data() / "home" / "alice" / "sub" / "more.bin", std::string(1000, 'x'));
  auto running = admin_json(data(), {"users"});
  ASSERT_EQ(running["users"].size(), 1u);
  EXPECT_EQ(running["users"][0]["files"], 2);
  EXPECT_EQ(running["users"][0]["bytes"], 1005);

  server_.stop();
  auto stopped = admin_json(data(), {"users"});
  EXPECT_EQ(stopped["users"], running["users"]);
  EXPECT_EQ(admin_json(data(), {"registration", "closed"})["mode"], "closed");
  server_.restart();
  auto tcp = greeted(server_);
  EXPECT_EQ(
      tcp.call("register", {{"username", "bob"}, {"password", kTestPassword}}).error_code_name,
      "registration_closed");
  EXPECT_EQ(admin_json(data(), {"registration"})["mode"], "closed");
}

TEST_F(AdminTest, ASecondServerOnTheSameDataFolderIsRefusedAndTheFirstServesOn) {
  auto second = run_program(binary_dir() / "netdiskd", {"--listen", "127.0.0.1:0", "--http", "off",
                                                        "--data", data().string()});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("another netdiskd or netdiskd admin is using the data folder"),
            std::string::npos)
      << second.err;
  auto tcp = greeted(server_);
  EXPECT_TRUE(tcp.call("ping").ok);
  EXPECT_TRUE(fs::exists(data() / "admin.sock")) << "the refused server removed the socket";
  EXPECT_EQ(admin_json(data(), {"registration"})["mode"], "open");
}

TEST_F(AdminTest, OnlyTheOwnerReachesTheAdminSocketAndTheNetworkHasNoAdminOps) {
  struct stat socket_info {
  }, folder_info{};
  ASSERT_EQ(::stat((data() / "admin.sock").c_str(), &socket_info), 0);
  ASSERT_EQ(::stat(data().c_str(), &folder_info), 0);
  EXPECT_EQ(socket_info.st_mode & 0777, 0600u);
  EXPECT_EQ(folder_info.st_mode & 0777, 0700u);
  // Another account (nobody) cannot connect, even knowing the path.
  auto stranger = run_shell(
      "setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 -c \""
      "import socket; s = socket.socket(socket.AF_UNIX); s.connect('" +
      (data() / "admin.sock").string() + "')\" 2>&1");
  EXPECT_NE(stranger.exit_code, 0);
  EXPECT_NE(stranger.out.find("PermissionError"), std::string::npos) << stranger.out;
  // The TCP protocol and the HTTP API do not know the admin ops.
  auto tcp = greeted(server_);
  EXPECT_EQ(tcp.call("admin.users").error_code_name, "unknown_op");
  EXPECT_EQ(tcp.call("admin.registration", {{"mode", "open"}}).error_code_name, "unknown_op");
  auto http = run_shell(
      "curl -s -o /dev/null -w '%{http_code}' -H 'X-NetDisk-CSRF: 1' "
      "--data '{}' http://127.0.0.1:" +
      std::to_string(server_.http_port()) + "/api/admin.users");
  EXPECT_EQ(http.out, "404");
}

TEST_F(AdminTest, HostileAdminRequestsGetATypedErrorAndChangeNothing) {
  EXPECT_NE(admin(data(), {"registration", "sometimes"}).exit_code, 0);
  EXPECT_NE(admin(data(), {"invite", "create", "--uses", "0"}).exit_code, 0);
  EXPECT_NE(admin(data(), {"invite", "create", "--expires", "soon"}).exit_code, 0);
  auto typo = admin(data() / "nowhere", {"users"});
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_NE(typo.err.find("there is no data folder"), std::string::npos) << typo.err;
  EXPECT_FALSE(fs::exists(data() / "nowhere"));
  // Raw frames on the socket: broken JSON, an unknown op, an oversize length.
  auto raw = run_shell(
      "/usr/bin/python3 - <<'EOF'\n"
      "import socket, struct, json\n"
      "def ask(payload):\n"
      "    s = socket.socket(socket.AF_UNIX); s.connect('" +
      (data() / "admin.sock").string() +
      "')\n"
      "    s.sendall(payload)\n"
      "    head = s.recv(4, socket.MSG_WAITALL)\n"
      "    n = struct.unpack('>I', head)[0]\n"
      "    print(json.loads(s.recv(n, socket.MSG_WAITALL))['error']['code'])\n"
      "frame = lambda b: struct.pack('>I', len(b)) + b\n"
      "ask(frame(b'{not json'))\n"
      "ask(frame(b'{\"op\":\"register\",\"id\":1,\"username\":\"x\",\"password\":\"y\"}'))\n"
      "ask(frame(b'{\"op\":\"admin.registration\",\"id\":2,\"mode\":\"sometimes\"}'))\n"
      "ask(struct.pack('>I', 0x7fffffff))\n"
      "EOF");
  EXPECT_EQ(raw.exit_code, 0) << raw.out << raw.err;
  EXPECT_EQ(raw.out, "bad_json\nunknown_op\nbad_request\nframe_too_large\n");
  EXPECT_EQ(admin_json(data(), {"registration"})["mode"], "open");
  EXPECT_FALSE(fs::exists(data() / "registration.json"));
  EXPECT_TRUE(users().empty());
}

}  // namespace
}  // namespace netdisk::e2e

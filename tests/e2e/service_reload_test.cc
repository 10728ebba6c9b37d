// netdiskd's operations (issue #21): SIGHUP reads the configuration again and applies what can
// change live, refuses a broken file whole, reopens --log-file after logrotate renamed it;
// --log-level sets a level per component; --check-config validates and names the line.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/temp_folder.h"
#include "tests/e2e/wait_until.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

bool log_has(const ServerProcess& server, const std::string& text) {
  return server.log().find(text) != std::string::npos;
}

// Sends SIGHUP and waits for the reload's own log line ("configuration read again" or
// "configuration refused"), `count` of them in all.
void reload(ServerProcess& server, std::size_t count) {
  ASSERT_EQ(::kill(server.pid(), SIGHUP), 0);
  auto reloads = [&] {
    auto log = server.log();
    std::size_t seen = 0;
    for (const char* line : {"configuration read again", "configuration refused"}) {
      for (auto at = log.find(line); at != std::string::npos; at = log.find(line, at + 1)) ++seen;
    }
    return seen;
  };
  ASSERT_TRUE(wait_until([&] { return reloads() >= count; })) << server.log();
}

// A connection is refused past --max-connections: greeted() throws.
bool connection_refused(const ServerProcess& server) {
  try {
    greeted(server);
    return false;
  } catch (const std::exception&) {
    return true;
  }
}

TEST(ServiceReload, SighupAppliesLiveSettingsAndLogsThoseThatNeedARestart) {
  TempFolder folder;
  auto config = folder.path() / "netdiskd.toml";
  write_file(config, "max-connections = 5\nname = \"first\"\n");
  ServerProcess with_file({"--config", config.string()});
  auto held = greeted(with_file);
  auto second = greeted(with_file);  // 2 of 5
  write_file(config, "# fewer connections now\nmax-connections = 2\nname = \"second\"\n");
  reload(with_file, 1);
  EXPECT_TRUE(log_has(with_file, "applied --max-connections")) << with_file.log();
  EXPECT_TRUE(log_has(with_file, "--name changed but needs a restart")) << with_file.log();
  EXPECT_TRUE(connection_refused(with_file)) << "2 open, limit 2 after the reload";
}

TEST(ServiceReload, ABrokenFileKeepsTheRunningConfigurationAndTheLogNamesTheLine) {
  TempFolder folder;
  auto config = folder.path() / "netdiskd.toml";
  write_file(config, "max-connections = 1\n");
  ServerProcess server({"--config", config.string()});
  auto held = greeted(server);
  EXPECT_TRUE(connection_refused(server));
  write_file(config, "max-connections = 100\nthis line is not toml\n");
  reload(server, 1);
  EXPECT_TRUE(log_has(server, config.string() + ":2: ")) << server.log();
  EXPECT_TRUE(log_has(server, "the running one stays")) << server.log();
  EXPECT_TRUE(connection_refused(server)) << "the limit must still be 1";
  // A value out of range is refused the same way, naming its line.
  write_file(config, "# comment\nmax-connections = 0\n");
  reload(server, 2);
  EXPECT_TRUE(log_has(server, config.string() + ":2: ")) << server.log();
  EXPECT_TRUE(connection_refused(server));
  // A good file then applies.
  write_file(config, "max-connections = 3\n");
  reload(server, 3);
  EXPECT_FALSE(connection_refused(server)) << server.log();
}

TEST(ServiceLogFile, SighupAfterARenameSendsNewLinesToANewFileAtTheOldName) {
  TempFolder folder;
  auto log_file = folder.path() / "netdiskd.log";
  ServerProcess server({"--log-file", log_file.string()});
  ASSERT_TRUE(
      wait_until([&] { return read_file(log_file).find("listening") != std::string::npos; }));
  struct stat info {};
  ASSERT_EQ(::stat(log_file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0640u);
  auto rotated = folder.path() / "netdiskd.log.1";
  fs::rename(log_file, rotated);
  ASSERT_EQ(::kill(server.pid(), SIGHUP), 0);
  ASSERT_TRUE(wait_until([&] {
    return read_file(log_file).find("configuration read again") != std::string::npos;
  })) << read_file(rotated);
  // The signal's own line went to the old file, before the reopen; nothing after it did.
  EXPECT_NE(read_file(rotated).find("reloading the configuration"), std::string::npos);
  EXPECT_EQ(read_file(rotated).find("configuration read again"), std::string::npos);
  EXPECT_EQ(server.log().find("listening"), std::string::npos) << "stderr holds no log lines";
}

TEST(ServiceLogLevels, EachComponentHasItsOwnLevelAndTheLineNamesIt) {
  ServerProcess quiet_server({"--log-level", "info,server=warn"});
  EXPECT_FALSE(log_has(quiet_server, "listening on")) << quiet_server.log();
  EXPECT_TRUE(log_has(quiet_server, "[accounts]")) << quiet_server.log();
  ServerProcess loud_server({"--log-level", "warn,server=info"});
  EXPECT_TRUE(log_has(loud_server, " info [server] netdiskd listening on")) << loud_server.log();
  EXPECT_FALSE(log_has(loud_server, "[accounts]")) << loud_server.log();
}

TEST(ServiceLogLevels, AnUnknownComponentOrLevelIsAClearStartUpError) {
  auto netdiskd = binary_dir() / "netdiskd";
  auto unknown_component = run_program(netdiskd, {"--log-level", "info,disk=debug"});
  EXPECT_NE(unknown_component.exit_code, 0);
  EXPECT_NE(unknown_component.err.find("unknown component 'disk'"), std::string::npos)
      << unknown_component.err;
  auto unknown_level = run_program(netdiskd, {"--log-level", "info,http=loud"});
  EXPECT_NE(unknown_level.exit_code, 0);
  EXPECT_NE(unknown_level.err.find("unknown level 'loud'"), std::string::npos) << unknown_level.err;
}

// --check-config against a file in a fresh folder; the data folder it names must not appear.
class CheckConfig : public ::testing::Test {
 protected:
  CliResult check(const std::string& text, std::vector<std::string> flags = {}) {
    write_file(file_, text);
    std::vector<std::string> args = {"--check-config", "--config", file_.string()};
    args.insert(args.end(), flags.begin(), flags.end());
    return run_program(binary_dir() / "netdiskd", args);
  }
  std::string at_line(int line) const { return file_.string() + ":" + std::to_string(line) + ":"; }

  TempFolder folder_;
  fs::path file_ = folder_.path() / "netdiskd.toml";
  fs::path data_ = folder_.path() / "data";
};

TEST_F(CheckConfig, AcceptsAValidFileAndWritesNothing) {
  auto result = check("# NetDisk\nlisten = \"127.0.0.1:7070\"\ndata = \"" + data_.string() +
                      "\"\nmax-connections = 100\nlog-level = \"info,op=warn\"\nhttp=\"off\"\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "configuration OK\n");
  EXPECT_FALSE(fs::exists(data_));
}

// The configuration the Debian package ships (packaging/netdiskd.toml, /etc/netdisk/) is one a
// start accepts as it is; its data folder (/var/lib/netdisk) need not exist yet.
TEST_F(CheckConfig, AcceptsTheConfigurationThePackageShips) {
  auto shipped = fs::path(NETDISK_SOURCE_DIR) / "packaging" / "netdiskd.toml";
  auto result = run_program(binary_dir() / "netdiskd",
                            {"--check-config", "--config", shipped.string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "configuration OK\n");
}

TEST_F(CheckConfig, RefusesAMisspeltKeyNamingItsLine) {
  auto result = check("# NetDisk\n\nmax-conections = 100\n");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find(at_line(3)), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("max-conections"), std::string::npos) << result.err;
}

TEST_F(CheckConfig, RefusesAValueOutOfRangeNamingItsLine) {
  auto result = check("name = \"home\"\nmax-connections = 0\n");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find(at_line(2)), std::string::npos) << result.err;
}

TEST_F(CheckConfig, RefusesAnAddressWithoutPortNamingItsLine) {
  auto result = check("name = \"home\"\n\nlisten = \"nohost\"\n");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find(at_line(3)), std::string::npos) << result.err;
}

TEST_F(CheckConfig, RefusesABrokenLineNamingIt) {
  auto result = check("name = \"home\"\nmax-connections 100\n");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find(at_line(2)), std::string::npos) << result.err;
}

TEST_F(CheckConfig, RefusesWhatOnlyAStartWouldFind) {
  auto host_name = check("listen = \"localhost:7070\"\n");
  EXPECT_NE(host_name.exit_code, 0);
  EXPECT_NE(host_name.err.find("not an IP address"), std::string::npos) << host_name.err;
  auto missing_cert = check("tls-cert = \"/nonexistent/cert.pem\"\ntls-key = \"/nonexistent/k\"\n");
  EXPECT_NE(missing_cert.exit_code, 0);
  EXPECT_NE(missing_cert.err.find("--tls-cert"), std::string::npos) << missing_cert.err;
  auto no_parent = check("data = \"/nonexistent/folder/data\"\n");
  EXPECT_NE(no_parent.exit_code, 0);
  EXPECT_NE(no_parent.err.find("does not exist"), std::string::npos) << no_parent.err;
}

}  // namespace
}  // namespace netdisk::e2e

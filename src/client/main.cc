// netdisk: the NetDisk command-line client. See `netdisk --help` and `netdisk COMMAND --help`.
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>

#include <CLI/CLI.hpp>

#include "client/client_session.h"
#include "client/commands/account_commands.h"

namespace {

using namespace netdisk::client;

// Exit statuses: 0 success, 1 the server refused (or the command failed), 2 usage or
// connection problems.
constexpr int kExitFailure = 1;
constexpr int kExitTrouble = 2;

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"netdisk: the NetDisk client", "netdisk"};
  app.set_version_flag("--version", "netdisk 0.1.0");
  std::string server = kDefaultServer;
  std::string user;
  app.add_option("--server", server,
                 std::string("Server as HOST:PORT (default ") + kDefaultServer + ")")
      ->envname("NETDISK_SERVER");
  app.add_option("--user", user,
                 "Log in as NAME for this command alone (password from NETDISK_PASSWORD or "
                 "asked for)");
  app.require_subcommand(1);

  std::string username;
  auto* ping = app.add_subcommand("ping", "Check that the server answers");
  auto* register_cmd = app.add_subcommand("register", "Create an account (asks for a password)");
  register_cmd->add_option("NAME", username, "Username: 1-32 letters, digits, _ - .")->required();
  auto* login = app.add_subcommand("login", "Log in and save the session for later commands");
  login->add_option("NAME", username, "Username")->required();
  auto* logout = app.add_subcommand("logout", "End the saved session");
  auto* whoami = app.add_subcommand("whoami", "Show who you are logged in as");

  CLI11_PARSE(app, argc, argv);
  try {
    ClientOptions options{parse_server_address(server),
                          user.empty() ? std::nullopt : std::optional<std::string>(user)};
    if (*ping) return ping_command(options);
    if (*register_cmd) return register_command(options, username);
    if (*login) return login_command(options, username);
    if (*logout) return logout_command(options);
    if (*whoami) return whoami_command(options);
  } catch (const ServerError& error) {
    std::cerr << "netdisk: " << error.what() << " (" << error.code() << ")\n";
    return kExitFailure;
  } catch (const std::exception& error) {
    std::cerr << "netdisk: " << error.what() << "\n";
    return kExitTrouble;
  }
  return kExitTrouble;
}

// netdiskd: the NetDisk server. See `netdiskd --help` and docs/ARCHITECTURE.md.
#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "server/admin/admin_command.h"
#include "server/logging/component_log.h"
#include "server/server.h"
#include "server/service/check_config.h"
#include "server/service/config_source.h"
#include "server/version.h"

namespace {

using namespace netdisk::server;

// Every option and subcommand of netdiskd; the SIGHUP reload declares them again to parse the
// same command line and file (server/service/config_source.h).
void declare_options(CLI::App& app, ServerConfig& config, std::function<int()>& admin_command) {
  app.description("netdiskd: the NetDisk server (TCP protocol, accounts, files, chat)");
  app.name("netdiskd");
  app.set_version_flag("--version", fmt::format("netdiskd {}", kNetdiskVersion));
  add_server_options(app, config);
  add_admin_commands(app, config, admin_command);
}

// --check-config: everything a start would check, then exit.
int check_config(const ServerConfig& config, const CommandLine& args) {
  try {
    validate_server_config(config);
    check_startup_files(config);
  } catch (const std::exception& error) {
    std::cerr << located(args, error.what()) << "\n";
    return 1;
  }
  std::cout << "configuration OK\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // sendfile(2) to a peer that reset the connection raises SIGPIPE, which would kill the whole
  // server; Asio's own sends use MSG_NOSIGNAL, sendfile cannot. The error comes back as EPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  const CommandLine args(argv, argv + argc);
  ServerConfig config;
  std::function<int()> admin_command;  // set when `netdiskd admin ...` was chosen
  CLI::App app;
  declare_options(app, config, admin_command);
  if (auto exit_code = parse_command_line(app, args)) return *exit_code;
  if (config.check_config) return check_config(config, args);

  try {
    start_logging(config.log_file);
  } catch (const std::exception& error) {
    std::cerr << error.what() << "\n";  // no log to write it to
    return 1;
  }
  try {
    apply_log_levels(parse_log_levels(config.log_level));
    validate_server_config(config);
    if (admin_command) {
      // The tool speaks for itself; only the server's warnings (a damaged workbook) show.
      if (config.log_level == "info") spdlog::set_level(spdlog::level::warn);
      return admin_command();
    }
    Server server(config, [args] {
      return reparse_command_line(
          [](CLI::App& again, ServerConfig& into) {
            std::function<int()> ignored;  // the server runs: no admin subcommand was chosen
            declare_options(again, into, ignored);
          },
          args);
    });
    server.run();
  } catch (const std::exception& ex) {
    spdlog::critical("{}", ex.what());
    return 1;
  }
  return 0;
}

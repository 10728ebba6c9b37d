// netdiskd: the NetDisk server. See `netdiskd --help` and docs/ARCHITECTURE.md.
#include <csignal>
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "server/admin/admin_command.h"
#include "server/server.h"
#include "server/version.h"

int main(int argc, char** argv) {
  using namespace netdisk::server;
  // sendfile(2) to a peer that reset the connection raises SIGPIPE, which would kill the whole
  // server; Asio's own sends use MSG_NOSIGNAL, sendfile cannot. The error comes back as EPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  ServerConfig config;
  CLI::App app{"netdiskd: the NetDisk server (TCP protocol, accounts, files, chat)",
               "netdiskd"};
  app.set_version_flag("--version", fmt::format("netdiskd {}", kNetdiskVersion));
  add_server_options(app, config);
  std::function<int()> admin_command;  // set when `netdiskd admin ...` was chosen
  add_admin_commands(app, config, admin_command);
  CLI11_PARSE(app, argc, argv);

  auto logger = spdlog::stderr_color_mt("netdiskd");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(config.log_level));

  try {
    validate_server_config(config);
    if (admin_command) {
      // The tool speaks for itself; only the server's warnings (a damaged workbook) show.
      if (config.log_level == "info") spdlog::set_level(spdlog::level::warn);
      return admin_command();
    }
    Server server(config);
    server.run();
  } catch (const std::exception& ex) {
    spdlog::critical("{}", ex.what());
    return 1;
  }
  return 0;
}

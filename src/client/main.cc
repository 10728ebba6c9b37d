// netdisk: the NetDisk command-line client. See `netdisk --help` and `netdisk COMMAND --help`;
// with no command it opens the interactive shell.
#include <langinfo.h>

#include <clocale>
#include <csignal>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "client/commands/command_table.h"
#include "client/connector.h"
#include "client/shell/shell.h"
#include "client/terminal.h"

int main(int argc, char** argv) {
  using namespace netdisk::client;
  // A server that goes away mid-stream must be an error from send(), not a silent death:
  // sendfile(2) cannot be told MSG_NOSIGNAL.
  std::signal(SIGPIPE, SIG_IGN);
  // libedit (the shell, chat) decodes keys with the locale's character set and silently drops
  // every non-ASCII key in the C locale. Names and chat text are UTF-8, so an unset (ASCII)
  // locale is taken to mean UTF-8; any other character set the user chose stays.
  if (std::setlocale(LC_CTYPE, "") == nullptr ||
      std::strcmp(::nl_langinfo(CODESET), "ANSI_X3.4-1968") == 0) {
    std::setlocale(LC_CTYPE, "C.UTF-8");
  }

  CLI::App app{
      "netdisk: the NetDisk client. Without a command it opens an interactive shell.\n"
      "Exit status: 0 success, 1 the server refused or a transfer failed, 2 usage or "
      "connection problems, 130 interrupted (Ctrl-C)",
      "netdisk"};
  app.set_version_flag("--version", "netdisk 0.1.0");
  std::string server = kDefaultServer;
  std::string user;
  app.add_option("--server", server,
                 std::string("Server as HOST:PORT (default ") + kDefaultServer + ")")
      ->envname("NETDISK_SERVER");
  app.add_option("--user", user,
                 "Log in as NAME for this command alone (password from NETDISK_PASSWORD or "
                 "asked for)");
  bool plaintext = false;
  bool strict = false;
  app.add_flag("--plaintext", plaintext,
               "Speak plain text, without TLS, to a server started with --plaintext (only on a "
               "network you trust: passwords and files cross it unencrypted)")
      ->envname("NETDISK_PLAINTEXT");
  app.add_flag("--strict-host-key", strict,
               "Refuse a server whose key is not in known_servers yet, instead of asking (at a "
               "terminal) or trusting it on first use (in a script)")
      ->envname("NETDISK_STRICT_HOST_KEY");
  CommandAction chosen;
  add_commands(app, chosen);
  app.add_subcommand("shell", "Open the interactive shell (the same as giving no command)");
  app.require_subcommand(0, 1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help and --version exit 0; every usage error is 2, whatever CLI11's own number.
    return app.exit(error) == 0 ? 0 : 2;
  }

  try {
    ServerTrust::Ask ask;
    if (is_interactive())
      ask = [](const std::string& question) { return netdisk::client::ask(question, 'n') == 'y'; };
    Connector connector(
        ClientOptions{parse_server_address(server),
                      user.empty() ? std::nullopt : std::optional<std::string>(user),
                      chosen ? CommandMode::one_shot : CommandMode::shell, plaintext,
                      std::make_shared<ServerTrust>(KnownServers(), strict, ask, std::cerr)});
    if (!chosen) return run_shell(connector);
    return run_command(chosen, connector);
  } catch (const std::exception& error) {  // a malformed --server
    std::cerr << "netdisk: " << error.what() << "\n";
    return 2;
  }
}

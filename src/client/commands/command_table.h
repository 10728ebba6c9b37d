// The command table: every netdisk command, declared once with its options and --help text,
// for both the command line (main.cc) and the interactive shell (shell/shell.h), so the two
// share one code path. A new feature (chat, for instance) adds one row in command_table.cc.
// Main thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "client/connector.h"

namespace netdisk::client {

// What to run once the arguments are parsed: returns the exit status.
using CommandAction = std::function<int(Connector&)>;

// Adds every command as a subcommand of `app`. A successful parse leaves the chosen command's
// action in `chosen` (empty when no command was given).
void add_commands(CLI::App& app, CommandAction& chosen);

// The names of the commands add_commands() adds, for completion and help.
std::vector<std::string> command_names();

// Runs `action` and turns exceptions into one line on stderr: a ServerError exits 1, anything
// else (usage, no connection) 2. After a connection failure the connector is dropped, so the
// next command (in the shell) connects again.
int run_command(const CommandAction& action, Connector& connector);

}  // namespace netdisk::client

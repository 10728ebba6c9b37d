// `netdisk __complete-remote TYPED`: a hidden command for the bash completion script
// (packaging/netdisk.bash-completion). Prints, one a line, the remote paths TYPED may complete
// to (folders end in "/"), listed with the login `netdisk login` saved. It never asks anything:
// no saved login, an unknown server key, a lost connection or a missing folder print nothing
// and exit 0, so a TAB can never hang on a prompt. Main thread.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "client/commands/command_table.h"
#include "client/connector.h"

namespace netdisk::client {

// The hidden command's name; kept out of `--help` and the shell's command names.
inline constexpr const char* kCompleteRemoteCommand = "__complete-remote";

// Adds the hidden command to `app` (no group, so --help does not list it).
void add_complete_remote(CLI::App& app, CommandAction& chosen);

// Prints the completions of `typed` on stdout. Always exit status 0.
int complete_remote_command(Connector& connector, const std::string& typed);

}  // namespace netdisk::client

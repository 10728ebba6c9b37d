// How a message names a command the user can run next: in full for a one-shot command
// (`netdisk login NAME`, `netdisk --server HOST:PORT put a b`), and as it is typed at the
// prompt in the interactive shell (`login NAME`, `put a b`), which has no `netdisk` in front
// and rejects --server. Pure; any thread.
#pragma once

#include <optional>
#include <string>

namespace netdisk::client {

// Where the client's commands are typed.
enum class CommandMode { one_shot, shell };

// `command` (its words already quoted) as typed in `mode`: "netdisk " + command for a one-shot
// command, the command alone in the shell.
std::string command_hint(CommandMode mode, const std::string& command);

// The same, for a command that must reach the same server as the same user: a one-shot
// command names them (`netdisk --server HOST:PORT [--user NAME] COMMAND`); the shell is
// already connected.
std::string command_hint(CommandMode mode, const std::string& command, const std::string& server,
                         const std::optional<std::string>& user);

}  // namespace netdisk::client

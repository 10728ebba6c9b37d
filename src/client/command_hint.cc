#include "client/command_hint.h"

#include "client/commands/transfer_commands.h"

namespace netdisk::client {

std::string command_hint(CommandMode mode, const std::string& command) {
  return mode == CommandMode::shell ? command : "netdisk " + command;
}

std::string command_hint(CommandMode mode, const std::string& command, const std::string& server,
                         const std::optional<std::string>& user) {
  if (mode == CommandMode::shell) return command;
  std::string who = user ? " --user " + shell_quote(*user) : "";
  return "netdisk --server " + server + who + " " + command;
}

}  // namespace netdisk::client

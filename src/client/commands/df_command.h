// `netdisk df`: what the logged-in user's space holds against their quota (the server's df op,
// docs/PROTOCOL.md): used, quota and free, each in binary units and in exact bytes.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace netdisk::client {

class Connector;

// The lines `netdisk df` prints for a df reply ("used   1.5 MiB (1572864 bytes)\n" ...).
std::string df_text(const nlohmann::json& reply);

// Exit status 0; errors as every command's (thrown by the connection).
int df_command(Connector& connector);

}  // namespace netdisk::client

// `netdiskd --check-config`: what a start would refuse, found without starting. After the
// parse and validate_server_config(), checks what only the file system and the resolver can
// say: the addresses are IP addresses, named TLS files can be read, and the folders the
// server would create files in exist. Binds nothing and writes nothing. main() only.
#pragma once

#include "server/server_config.h"

namespace netdisk::server {

// Throws std::invalid_argument naming the option and what is wrong with it.
void check_startup_files(const ServerConfig& config);

}  // namespace netdisk::server

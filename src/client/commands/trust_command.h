// `netdisk trust`: lists the server keys the client trusts (known_servers.h), and with
// --forget HOST:PORT drops one, so that the next connection asks about (or, in a script,
// accepts) the server's new key. Needs no connection. Main thread.
#pragma once

#include <string>

#include "client/connector.h"

namespace netdisk::client {

// Exit status 0; 1 when --forget names a server the file does not hold.
int trust_command(Connector& connector, const std::string& forget);

}  // namespace netdisk::client

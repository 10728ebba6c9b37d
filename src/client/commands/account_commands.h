// The account commands: register, login, logout, whoami, ping. Each returns the process exit
// status and writes its result to stdout; errors are thrown (ServerError, runtime_error). They
// use the connector's connection, so in the shell a login carries over to later commands.
#pragma once

#include <string>

#include "client/connector.h"

namespace netdisk::client {

// `invite`: the invitation code (--invite), for a server where registration is by invitation;
// empty: $NETDISK_INVITE, or asked for at the terminal when the server wants one.
int register_command(Connector& connector, const std::string& username, std::string invite);
int login_command(Connector& connector, const std::string& username);
int logout_command(Connector& connector);
int whoami_command(Connector& connector);
int ping_command(Connector& connector);

}  // namespace netdisk::client

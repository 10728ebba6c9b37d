// The account commands: register, login, logout (--all), passwd, whoami, ping. Each returns the
// process exit status and writes its result to stdout; errors are thrown (ServerError,
// runtime_error). They use the connector's connection, so in the shell a login carries over to
// later commands.
#pragma once

#include <string>

#include "client/connector.h"

namespace netdisk::client {

// `invite`: the invitation code (--invite), for a server where registration is by invitation;
// empty: $NETDISK_INVITE, or asked for at the terminal when the server wants one.
int register_command(Connector& connector, const std::string& username, std::string invite);
int login_command(Connector& connector, const std::string& username);
// With `all`, every session of the user ends, on every device; the saved login is forgotten
// either way.
int logout_command(Connector& connector, bool all);
// Asks for the current password and the new one (twice), changes it, and ends the user's
// other sessions; this one stays logged in.
int passwd_command(Connector& connector);
int whoami_command(Connector& connector);
int ping_command(Connector& connector);

}  // namespace netdisk::client

// The account commands: register, login, logout, whoami. Each returns the process exit
// status and writes its result to stdout; errors are thrown (ServerError, runtime_error).
#pragma once

#include <string>

#include "client/client_session.h"

namespace netdisk::client {

int register_command(const ClientOptions& options, const std::string& username);
int login_command(const ClientOptions& options, const std::string& username);
int logout_command(const ClientOptions& options);
int whoami_command(const ClientOptions& options);
int ping_command(const ClientOptions& options);

}  // namespace netdisk::client

// Reading a password: from $NETDISK_PASSWORD when set (for scripts), otherwise from the
// terminal without echo. Never from a pipe by accident: with no terminal and no variable it is
// an error. Call from the main thread.
#pragma once

#include <string>

namespace netdisk::client {

// Throws std::runtime_error when no password can be read.
std::string read_password(const std::string& prompt);

// Asks twice on a terminal and insists the two agree (for register and passwd). Uses the
// environment variable `variable` without asking when set ($NETDISK_PASSWORD for register,
// $NETDISK_NEW_PASSWORD for passwd, whose $NETDISK_PASSWORD is the old password).
std::string read_new_password(const std::string& prompt, const char* variable = "NETDISK_PASSWORD");

}  // namespace netdisk::client

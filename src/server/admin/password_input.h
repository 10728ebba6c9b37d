// The password `netdiskd admin user add|passwd` sets: from $NETDISK_PASSWORD when set; else
// asked twice without echo when stdin is a terminal; else one line of stdin (a script's pipe).
// Main thread only.
#pragma once

#include <string>

#include "common/result.h"

namespace netdisk::server {

// Errors: bad_request when the two typed passwords differ or stdin gives no line.
Result<std::string> read_admin_password(const std::string& username);

}  // namespace netdisk::server

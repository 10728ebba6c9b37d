// Whether the server has given up on an idle connection: closed it (a restart, its idle
// timeout) or sent an error tied to no request (`shutting_down`, `timeout`) before closing.
// Looks only at what has already arrived and never waits, so the shell can ask before every
// command. Calling thread.
#pragma once

#include "client/wire_connection.h"

namespace netdisk::client {

// True when `connection` can no longer carry a request. Frames that arrived unasked while it
// was idle are read and dropped.
bool closed_by_server_now(WireConnection& connection);

}  // namespace netdisk::client

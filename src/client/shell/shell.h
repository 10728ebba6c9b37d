// The interactive shell: `netdisk` with no command (or `netdisk shell`) reads commands at the
// prompt "netdisk:USER@HOST:PORT> " with libedit (history, line editing, completion) and runs
// them through the same command table as the command line, over one connection kept open
// between commands. A failed command prints one line and the shell goes on. Main thread.
#pragma once

#include "client/connector.h"

namespace netdisk::client {

// Runs until quit, exit or end of input. Returns the exit status for the process (0).
int run_shell(Connector& connector);

// The prompt for the connector's current state; "netdisk:HOST:PORT> " when not logged in.
std::string shell_prompt(Connector& connector);

}  // namespace netdisk::client

// `netdisk chat` and the shell's `chat`: joins the group chat as the logged-in user until
// /quit, Ctrl-D or the end of stdin, on a connection of its own. On a terminal lines are
// edited with libedit and messages appear above the line being typed; elsewhere stdin and
// stdout carry plain lines (chat_pipe.h). Exit status 0 after leaving, 1 when the server
// refused (not logged in) or dropped this member, 2 when the connection failed. Main thread.
#pragma once

#include "client/chat/chat_channel.h"
#include "client/chat/chat_console.h"
#include "client/connector.h"

namespace netdisk::client {

int chat_command(Connector& connector);

// The loop behind chat_command: joins, then passes typed lines to the room and the room's
// lines to the console until the channel has left. Returns the exit status.
int run_chat(ChatChannel& channel, ChatConsole& console);

}  // namespace netdisk::client

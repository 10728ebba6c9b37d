// What the kernel says about the server's end of a loopback TCP connection, read from
// /proc/net/tcp. A test that stopped reading (a download stalled on purpose) cannot see the
// server's close in its own socket, where the FIN waits behind unread data; the server's
// socket state shows it at once, and its receive queue shows what the server has not read
// yet. IPv4 only (the tests use 127.0.0.1). Any thread.
#pragma once

#include <optional>

namespace netdisk::e2e {

// The server's end of the connection `fd` (connected to 127.0.0.1), as /proc/net/tcp has it.
struct ServerEnd {
  bool established = false;  // still ESTABLISHED: it has not closed or shut down its socket
  long unread_bytes = 0;     // received by the kernel, not yet read by the server
};

// nullopt once the server's socket is gone (or `fd` is not connected).
std::optional<ServerEnd> server_end(int fd);

// True once the server's end has left the ESTABLISHED state: it closed or shut down its
// socket, or the socket is gone.
bool server_end_closed(int fd);

}  // namespace netdisk::e2e

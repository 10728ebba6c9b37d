// What the kernel says about the server's end of a loopback TCP connection, read from
// /proc/net/tcp. A test that stopped reading (a download stalled on purpose) cannot see the
// server's close in its own socket, where the FIN waits behind unread data; the server's
// socket state shows it at once. IPv4 only (the tests use 127.0.0.1). Any thread.
#pragma once

namespace netdisk::e2e {

// True once the server's end of the connection `fd` (connected to 127.0.0.1) has left the
// ESTABLISHED state: it closed or shut down its socket, or the socket is gone.
bool server_end_closed(int fd);

}  // namespace netdisk::e2e

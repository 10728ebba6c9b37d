// sendfile_to_socket: moves a range of an open file to a connected TCP socket with sendfile(2),
// zero-copy from the page cache: the zero-copy path of the transfer engine
// (transfer/transfer_engine.h), for TCP downloads and HTTP file bodies on plain TCP. Runs on
// the socket's I/O worker; the socket is switched to non-blocking and EAGAIN waits for
// writability, so a slow reader never holds the thread. A cold page cache can still make one
// sendfile call wait for the disk (Linux has no SF_NODISKIO); --send-mode buffered avoids that
// at the cost of a copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "common/result.h"

namespace netdisk::server {

// Sends exactly `length` bytes of `fd` from `offset`, calling `on_progress` with the byte count
// of every call that moved bytes; when it returns false the loop stops there with timeout (the
// caller's pacing gave up). Errors end the transfer: size_mismatch when the file shrank under
// us or the peer went away (EPIPE/ECONNRESET; the process ignores SIGPIPE, see main.cc), or when
// the wait for writability was cancelled (a caller's deadline). Never throws for I/O errors.
// `Socket` is an HTTP connection's tcp::socket or a NetDisk connection's TcpSocket (both
// instantiated in sendfile_loop.cc).
template <class Socket>
boost::asio::awaitable<Status> sendfile_to_socket(
    Socket& socket, int fd, std::uint64_t offset, std::uint64_t length,
    const std::function<bool(std::size_t)>& on_progress);

}  // namespace netdisk::server

// TcpSocket: the socket type of a NetDisk TCP connection: a TCP socket bound to its I/O
// worker's io_context (server/io_workers.h) rather than to a type-erased any_io_executor. Every
// idle connection holds one, and every operation pending on it (the parked readability wait)
// carries a copy of its executor: an io_context's executor is one pointer, an any_io_executor
// 56 bytes. Used only on the worker's thread, like the connection that owns it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace netdisk::server {

using TcpSocket =
    boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

}  // namespace netdisk::server

// Listener: accepts TCP connections and hands each to a worker. Over --max-connections a new
// client gets one too_many_connections frame and is closed, never left hanging; when the
// process runs out of file descriptors it backs off instead of spinning. Runs on worker 0.
#pragma once

#include <cstdint>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace netdisk::server {

class IoWorkers;
struct Services;

boost::asio::awaitable<void> accept_loop(boost::asio::ip::tcp::acceptor& acceptor,
                                         IoWorkers& workers, Services& server);

}  // namespace netdisk::server

// Opening a listening socket for the HTTP side's listeners (HTTP, HTTPS, the metrics
// listener): bind with SO_REUSEADDR, listen, and report the bound port (port 0 picks one).
// Called once at start-up, on the thread that builds the server.
#pragma once

#include <cstdint>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>

#include "server/server_config.h"

namespace netdisk::server {

// Binds `acceptor` to `where` and listens; returns the bound port. Throws std::runtime_error
// naming `what` ("HTTP", "metrics") and the address when it cannot bind (the port is taken).
std::uint16_t bind_listener(boost::asio::ip::tcp::acceptor& acceptor, const Endpoint& where,
                            std::string_view what);

}  // namespace netdisk::server

// With --proxy-protocol, an accepted HTTP or HTTPS connection first carries the load
// balancer's PROXY protocol v2 header (server/proxy/proxy_header.h). serve_proxied reads it
// within the header timeout (the connection's own Deadline, no timer of its own), then serves
// the connection, plain or TLS, with the client's address it names; a connection without a
// valid header is closed and logged. Runs on the I/O worker of `deadlines`.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "server/deadlines.h"

namespace netdisk::server::http {

struct HttpServices;
class TlsContext;

// `tls` null: plain HTTP after the header.
boost::asio::awaitable<void> serve_proxied(boost::asio::ip::tcp::socket socket, TlsContext* tls,
                                           HttpServices& context, Deadlines& deadlines);

}  // namespace netdisk::server::http

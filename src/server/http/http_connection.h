// serve_connection: one HTTP/1.1 connection, from accept to close, as in Beast's awaitable
// server example: the coroutine frame owns the stream (taken by value) and reads request after
// request. One Deadline (server/deadlines.h, swept by the I/O worker) times it: the first byte
// of the next request within the idle timeout (the header timeout for the first request), the
// rest of its headers within the header timeout, small bodies and replies within the body
// timeout; file bodies are timed by their transfer. Headers over 16 KiB are answered with 431.
// Registered in the ConnectionRegistry for shutdown. Runs on the I/O worker of `deadlines`.
#pragma once

#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "server/deadlines.h"
#include "server/http/beast_fwd.h"

namespace netdisk::server::http {

struct HttpServices;

// `client_address`: the client's IP as a load balancer's PROXY header gave it (--proxy-protocol,
// http/proxy_accept.h); nullopt: the socket's peer.
boost::asio::awaitable<void> serve_connection(Stream stream, HttpServices& context,
                                              Deadlines& deadlines,
                                              std::optional<std::string> client_address = {});

}  // namespace netdisk::server::http

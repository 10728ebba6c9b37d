// The HTTP adapter of the operation layer (server/ops/): what /api, /files and the WebSocket
// chat share to call an op. http_session() builds the Session for one request or socket;
// call_api() answers an /api route: its input (JSON body or query) in, the op's reply out as
// JSON with the route's status, and login's token turned into the cookie. Connection thread.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "server/ops/op_table.h"
#include "server/ops/session.h"

namespace netdisk::server::http {

class Exchange;

// A Session for this exchange's caller, not logged in yet (the adapter then calls
// assume_user() with the authenticated name).
ops::Session http_session(Exchange& exchange, ops::Transport transport);

// Reads the route's input, runs `op` for `session` and sends the response or the error.
// Authentication and CSRF were checked by the router.
boost::asio::awaitable<void> call_api(Exchange& exchange, const ops::OpInfo& op,
                                      ops::Session& session);

}  // namespace netdisk::server::http

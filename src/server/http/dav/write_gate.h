// The WebDAV write gate (RFC 4918 §10.4, §7): what every write to /files/ passes before it
// changes a name. It parses the If header (400 when malformed), evaluates it against the
// resources' current ETags and locks (412 when false), then asks the lock table whether a
// lock the request did not submit the token of covers a target (423, naming the lock's
// root). Used by PUT, DELETE, MKCOL, COPY (destination), MOVE (source and destination) and
// LOCK (its If header only). Connection thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/http/dav/handler_fwd.h"

namespace netdisk::server::http::dav {

// A name the request writes; `subtree` when everything below it goes too (DELETE, MOVE, a
// replaced destination).
struct WriteTarget {
  std::string path;
  bool subtree = false;
};

// The request's If header with its field lines combined (RFC 9110 §5.3), nullopt without one.
std::optional<std::string> if_header_of(Exchange& exchange);

// Every state token of the request's If header (none when it has none, or a malformed one):
// the lock tokens it submits to the op layer's lock check (ops::Session::lock_tokens).
std::vector<std::string> submitted_lock_tokens(Exchange& exchange);

// The lock tokens the request submits (every state token of its If header), or nullopt after
// a refusal was sent (400 malformed, 412 false). `path` is the request URI's.
boost::asio::awaitable<std::optional<std::vector<std::string>>> check_if_header(
    Exchange& exchange, const Caller& caller, const std::string& path);

// check_if_header(), then the locks: true when the write may go ahead; otherwise the refusal
// was sent (and a request body left unread closes the connection after it).
boost::asio::awaitable<bool> pass_write_gate(Exchange& exchange, const Caller& caller,
                                             const std::string& path,
                                             std::vector<WriteTarget> targets);

}  // namespace netdisk::server::http::dav

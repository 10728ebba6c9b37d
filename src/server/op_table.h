// The op table: the one place that maps an op name from the wire to its handler, with the
// rule whether it needs a logged-in connection. Handlers live in src/server/handlers/, one
// file per feature, and each feature registers its ops in op_table.cc.
#pragma once

#include <optional>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "common/result.h"
#include "protocol/message.h"

namespace netdisk::server {

class Connection;

// What a handler gives back: the reply's fields, nullopt when the handler has already sent its
// reply itself (streams), or an error for the dispatcher to send.
using HandlerResult = Result<std::optional<nlohmann::json>>;

struct RequestContext {
  Connection& connection;
  protocol::Request& request;
};

using Handler = boost::asio::awaitable<HandlerResult> (*)(RequestContext&);

struct OpInfo {
  std::string_view name;
  Handler handler;
  bool requires_login;
  bool takes_stream;  // the handler reads the request's raw stream (docs/PROTOCOL.md, section 5)
};

// Finds the handler and runs it, with the checks every op shares: unknown op, login required,
// and a raw stream declared where no handler reads one (read and dropped first, so the
// connection stays in sync). Exceptions from a handler become internal_error.
boost::asio::awaitable<HandlerResult> dispatch(Connection& connection,
                                               protocol::Request& request);

// Shorthand for a successful reply with fields.
inline HandlerResult reply_with(nlohmann::json fields) {
  return std::optional<nlohmann::json>(std::move(fields));
}

}  // namespace netdisk::server

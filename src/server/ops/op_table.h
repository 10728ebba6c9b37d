// The op table: the one list of every operation, whatever transport calls it. Each row names
// the op, its function, whether it needs a logged-in caller and reads a stream, which
// transports may call it, and how HTTP reaches it (an /api route, or a /files method). The
// adapters (TCP Connection, HTTP router and /files, WebSocket chat) look ops up here and call
// dispatch(), which does the checks every op shares. Immutable; any thread.
#pragma once

#include <array>
#include <span>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "server/ops/operation.h"

namespace netdisk::server::ops {

enum class Transport;

// Which transports may call an op: a bit set of Transport values.
using TransportSet = unsigned;
constexpr TransportSet transport_bit(Transport transport) {
  return 1u << static_cast<unsigned>(transport);
}

// How the HTTP /api adapter maps a route to an op (docs/HTTP.md).
struct ApiRoute {
  enum class Method { none, get, post };
  // Where the op's fields come from; optional_json: a JSON body, or none at all ({}).
  enum class Input { none, query, json, optional_json };
  enum class Cookie { none, issue, clear };        // login sets the cookie, logout clears it
  std::string_view name{};                         // /api/<name>; empty: no /api route
  Method method = Method::none;
  int status = 200;                                // on success
  Input input = Input::none;
  bool anonymous = false;  // answered without authentication (the op then checks itself)
  Cookie cookie = Cookie::none;
  bool echoes_path = false;  // the reply repeats the request's "path" (list)
  std::array<std::string_view, 2> query_fields{};  // for Input::query: the parameters read
};

// Which op answers an HTTP /files method (WebDAV's included: PROPFIND stats and lists and
// reads dead properties, PROPPATCH patches them, MKCOL makes a folder, COPY and MOVE copy
// and move).
enum class FilesRole {
  none,
  read,
  write,
  write_data,
  remove,
  stat,
  list,
  make_folder,
  copy,
  move,
  properties,
  patch_properties,
};

// What the metrics count for an op besides its result (server/telemetry/metrics.h): a login's
// failures by reason, a chat message sent.
enum class Tally { none, login, chat_message };

struct OpInfo {
  std::string_view name;
  Operation run;
  bool requires_login;
  bool takes_stream;  // reads the raw stream its request declares (docs/PROTOCOL.md, section 5)
  TransportSet transports;
  ApiRoute api;
  FilesRole files = FilesRole::none;
  bool opens_connection = false;  // the handshake: the first request on a TCP connection
  // Outside the admin transport, only for a logged-in user whose role is admin (else
  // permission_denied): the web page's user list.
  bool admin_role = false;
  Tally tally = Tally::none;
};

// Every row, in table order (metrics index ops by their position here).
std::span<const OpInfo> all_ops();

// The row for an op name, a /api route name or a /files role; null when there is none.
const OpInfo* find_op(std::string_view name);
const OpInfo* find_api_route(std::string_view route);
const OpInfo& files_op(FilesRole role);

// The checks every call shares, in this order: unknown op (`op` null, `name` as asked), not
// allowed on this transport (unknown_op too: the op does not exist there), login required,
// the admin role (admin_role). A TCP session whose login was ended meanwhile is logged out
// first; when the administrator disabled its user, an op that needs a login gets
// account_disabled (until the next login) instead of not_logged_in.
Status admit(const OpInfo* op, std::string_view name, const OpCall& call);

// Runs `op` for `call` after admit(); exceptions from the op become internal_error (their
// message, which may name server paths, goes to the log only).
boost::asio::awaitable<OpResult> dispatch(const OpInfo* op, std::string_view name, OpCall& call);

}  // namespace netdisk::server::ops

#include "server/http/dav/copy_move.h"

#include <optional>
#include <string>

#include "server/http/api_adapter.h"
#include "server/http/auth.h"
#include "server/http/dav/dav_headers.h"
#include "server/http/dav/dav_op.h"
#include "server/http/dav/write_gate.h"
#include "server/http/http_services.h"
#include "server/http/exchange.h"
#include "server/http/responses.h"

namespace netdisk::server::http::dav {
namespace {

namespace asio = boost::asio;
using json = nlohmann::json;

struct Plan {
  std::string to;
  bool overwrite = true;
  bool shallow = false;
};

// The request's headers as a plan, or the refusal to send (status and why).
std::optional<Plan> plan_of(const Exchange& exchange, const std::string& path, bool move,
                            bhttp::status& status, std::string& why) {
  const auto& headers = exchange.request();
  auto present = [&headers](std::string_view name) { return headers.find(name) != headers.end(); };
  auto depth = parse_depth(exchange.header("Depth"), present("Depth"), Depth::infinity);
  auto overwrite = parse_overwrite(exchange.header("Overwrite"), present("Overwrite"));
  status = bhttp::status::bad_request;
  if (!depth || *depth == Depth::one || (move && *depth != Depth::infinity)) {
    why = move ? "MOVE takes Depth infinity only" : "COPY takes Depth 0 or infinity";
    return std::nullopt;
  }
  if (!overwrite) {
    why = "Overwrite must be T or F";
    return std::nullopt;
  }
  auto destination = parse_destination(exchange.header(bhttp::field::destination),
                                       exchange.header(bhttp::field::host));
  if (destination.refusal != bhttp::status::ok) {
    status = destination.refusal;
    why = std::move(destination.why);
    return std::nullopt;
  }
  status = bhttp::status::forbidden;
  if (path.empty()) {
    why = "your top folder cannot be copied or moved";
    return std::nullopt;
  }
  if (is_inside(destination.path, path) || is_inside(path, destination.path)) {
    why = "a resource cannot be copied or moved onto or into itself, or over a folder holding it";
    return std::nullopt;
  }
  return Plan{std::move(destination.path), *overwrite, *depth == Depth::zero};
}

}  // namespace

asio::awaitable<void> serve_copy_move(Exchange& exchange, const Caller& caller,
                                      const std::string& path, bool move) {
  bhttp::status status{};
  std::string why;
  auto plan = plan_of(exchange, path, move, status, why);
  if (!plan) {
    co_return co_await send_refusal(exchange, status, make_error(Errc::bad_request, why));
  }
  // Locks do not follow a copy: COPY writes the destination only, MOVE both names.
  std::vector<WriteTarget> targets{{plan->to, true}};
  if (move) targets.push_back({path, true});
  if (!co_await pass_write_gate(exchange, caller, path, std::move(targets))) co_return;
  auto session = http_session(exchange, ops::Transport::http);
  session.assume_user(caller.username);
  // A missing source is 404; after this, not_found can only mean the destination's folder.
  json source_ask = {{"path", path}};  // named: GCC 12 cannot take a braced list across co_await
  auto source = co_await call_op(exchange, session, ops::FilesRole::stat, source_ask);
  if (!source) co_return co_await exchange.send_error(source.error());
  json ask = {{"from", path}, {"to", plan->to}, {"overwrite", plan->overwrite}};
  if (!move) ask["shallow"] = plan->shallow;
  auto done = co_await call_op(exchange, session, move ? ops::FilesRole::move : ops::FilesRole::copy, ask);
  if (!done) {
    auto error = std::move(done).error();
    if (error.code == Errc::already_exists) {
      co_return co_await send_refusal(exchange, bhttp::status::precondition_failed, error);
    }
    if (error.code == Errc::not_found || error.code == Errc::not_a_directory) {
      co_return co_await send_refusal(exchange, bhttp::status::conflict, error);
    }
    co_return co_await exchange.send_error(error);
  }
  bool replaced = done->fields.value("replaced", false);
  co_await exchange.send(
      StringResponse{replaced ? bhttp::status::no_content : bhttp::status::created, 11});
}

}  // namespace netdisk::server::http::dav
